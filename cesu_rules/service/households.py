"""The household endpoints: ``POST /v1/household`` (a household file as JSON), the
documents (``POST /v1/documents/payslip`` and ``/v1/documents/tax-summary``, PDF or HTML) and
``POST /v1/check`` (a regression case)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ..checks import Case
from ..household import HouseholdFile
from ._base import (
    Context,
    DocumentFormat,
    DocumentLang,
    FastJSONResponse,
    json_body,
    read_body,
)

__all__ = ["routes"]


def routes(ctx: Context) -> APIRouter:
    """The household, document and check endpoints of an application."""
    router = APIRouter()
    ruleset = ctx.ruleset

    @router.post("/v1/household", tags=["households"], openapi_extra=json_body(HouseholdFile))
    async def household(request: Request) -> Any:
        """A household file (JSON): every month, the shared 70+ cap, PAS, the tax credit and
        the yearly summary — the JSON of `cesu-rules household --json`."""
        from ..household import compute_household, household_from_text  # noqa: PLC0415
        from ..household_report import report_to_json  # noqa: PLC0415

        text = await read_body(request, ctx.config.max_body)

        def run() -> Any:
            found = household_from_text(text, "the body", is_json=True)
            return report_to_json(compute_household(found, ruleset, source="the body"))

        return FastJSONResponse(await ctx.compute(run))

    @router.post(
        "/v1/documents/payslip",
        tags=["documents"],
        openapi_extra=json_body(HouseholdFile),
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
    )
    async def payslip(
        request: Request,
        month: str = Query(..., examples=["2026-06"]),
        employee: str = Query(..., examples=["aide"]),
        format: DocumentFormat = "pdf",
        lang: DocumentLang = "fr",
    ) -> Any:
        """An employee's payslip for one month of a household file (JSON body), as PDF or
        HTML (the documents extra) — `cesu-rules payslip`."""
        from ..documents import payslip as make  # noqa: PLC0415
        from ..numbers import parse_month  # noqa: PLC0415

        parse_month(month, field="month")  # refused before the body is read
        text = await read_body(request, ctx.config.max_body)
        return await _document(
            text,
            format,
            lambda found: make(
                found, month, employee, lang=lang, ruleset=ruleset, source="the body"
            ),
        )

    @router.post(
        "/v1/documents/tax-summary",
        tags=["documents"],
        openapi_extra=json_body(HouseholdFile),
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
    )
    async def tax_summary(
        request: Request,
        year: str = Query(..., examples=["2026"]),
        format: DocumentFormat = "pdf",
        lang: DocumentLang = "fr",
    ) -> Any:
        """A household's tax summary (récapitulatif fiscal) for one year of a household file
        (JSON body), as PDF or HTML (the documents extra) — `cesu-rules tax-summary`."""
        from ..documents import tax_summary as make  # noqa: PLC0415
        from ..numbers import parse_year  # noqa: PLC0415

        parse_year(year)  # refused before the body is read
        text = await read_body(request, ctx.config.max_body)
        return await _document(
            text,
            format,
            lambda found: make(found, year, lang=lang, ruleset=ruleset, source="the body"),
        )

    async def _document(text: str, kind: str, make: Callable[[Any], Any]) -> Response:
        from ..documents import render  # noqa: PLC0415
        from ..household import household_from_text  # noqa: PLC0415

        def run() -> bytes:
            return render(make(household_from_text(text, "the body", is_json=True)), kind)

        body = await ctx.compute(run)
        media = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
        return Response(content=body, media_type=media)

    @router.post("/v1/check", tags=["checks"], openapi_extra=json_body(Case))
    async def check(request: Request) -> Any:
        """A regression case (JSON): the engine's figures compared with the expected ones."""
        from ..checks import CheckReport, case_from_text, run_case  # noqa: PLC0415
        from ..checks_report import report_to_json  # noqa: PLC0415
        from ..errors import FileError  # noqa: PLC0415

        text = await read_body(request, ctx.config.max_body)
        case, problems = case_from_text(text, "the body", is_json=True)
        if case is None:
            raise FileError(problems)
        result = await ctx.compute(lambda: run_case(case, Path("the body"), ruleset))
        return FastJSONResponse(report_to_json(CheckReport([result])))

    return router
