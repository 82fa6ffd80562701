"""Laying a :class:`~cesu_rules.documents.build.Document` out: HTML from one Jinja2 template
(autoescaped, so a name in a household file is text, never markup) and PDF from that HTML
through WeasyPrint (A4, page numbers, fonts embedded).

Jinja2 and WeasyPrint are the ``documents`` extra; WeasyPrint also needs the Pango library of
the system (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``), which a missing-extra error names.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from typing import Any

from ..extras import MissingExtraError, require
from .model import Document

__all__ = ["to_html", "to_pdf"]


@cache
def _template() -> Any:
    jinja2 = require("jinja2", "documents", "documents")
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cesu_rules.documents", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("document.html.j2")


@cache
def _css() -> str:
    return (resources.files(__package__) / "templates" / "document.css").read_text("utf-8")


def to_html(document: Document) -> str:
    """The document as one self-contained HTML5 page (its style inline)."""
    text: str = _template().render(doc=document, css=_css())
    return text


def to_pdf(document: Document) -> bytes:
    """The document as an A4 PDF (WeasyPrint)."""
    try:
        weasyprint = require("weasyprint", "documents", "PDF documents")
    except OSError as exc:  # the Python package is there, a system library is not
        raise MissingExtraError(
            "PDF documents need the Pango library of the system (Debian: apt-get install "
            f"libpango-1.0-0 libpangoft2-1.0-0); write .html instead ({exc})",
            field="documents",
        ) from None
    out = io.BytesIO()
    weasyprint.HTML(string=to_html(document)).write_pdf(out)
    return out.getvalue()
