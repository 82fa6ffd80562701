"""A regression check's report: a table for people, JSON for programs, JUnit XML for CI."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from .checks import CheckReport

__all__ = ["render_report", "report_to_json", "report_to_junit"]


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def render_report(report: CheckReport) -> str:
    """A table: case, field, expected, computed, difference, result; then the summary."""
    rows: list[tuple[str, ...]] = []
    for r in report.results:
        if r.status == "invalid":
            rows.append((r.id, "", "", "", "", "INVALID"))
            continue
        label = {"passed": "ok", "failed": "FAIL", "known_mismatch": "known mismatch"}[r.status]
        for c in r.comparisons:
            result = label if r.status != "passed" else ("ok" if c.ok else "FAIL")
            if r.status in ("failed", "known_mismatch") and c.ok:
                result = "ok"
            rows.append(
                (
                    r.id,
                    c.field,
                    _fmt(c.expected),
                    _fmt(c.computed),
                    "—" if c.difference is None else f"{c.difference:+.2f}",
                    result,
                )
            )
    header = ("case", "field", "expected", "computed", "difference", "result")
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    out = []
    for row in (header, *rows):
        cells = [
            row[0].ljust(widths[0]),
            row[1].ljust(widths[1]),
            *(row[i].rjust(widths[i]) for i in (2, 3, 4)),
            row[5],
        ]
        out.append("  ".join(cells).rstrip())
    details: list[str] = []
    for r in report.results:
        if r.status == "invalid":
            details.extend(f"invalid: {p}" for p in r.problems)
        elif r.status == "failed":
            details.append(f"failed: {r.id} ({r.path}): {r.message}")
        elif r.status == "known_mismatch":
            details.append(f"known mismatch: {r.id}: {r.message}")
        details.extend(f"note: {r.id}: {n}" for n in r.notes)
    blocks = ["\n".join(out), "\n".join(details), report.summary()]
    return "\n\n".join(b for b in blocks if b) + "\n"


def report_to_json(report: CheckReport) -> dict[str, Any]:
    return {
        "summary": {s: report.count(s) for s in ("passed", "failed", "known_mismatch", "invalid")},
        "exit_status": report.exit_status,
        "cases": [
            {
                "id": r.id,
                "path": r.path,
                "status": r.status,
                "message": r.message,
                "notes": r.notes,
                "problems": [str(p) for p in r.problems],
                "comparisons": [
                    {
                        "field": c.field,
                        "expected": _fmt(c.expected),
                        "computed": None if c.computed is None else _fmt(c.computed),
                        "difference": None if c.difference is None else f"{c.difference:.2f}",
                        "ok": c.ok,
                    }
                    for c in r.comparisons
                ],
            }
            for r in report.results
        ],
    }


def report_to_junit(report: CheckReport) -> bytes:
    """JUnit XML: one testcase per case; known mismatches are skipped, invalid files errors."""
    suite = ElementTree.Element(
        "testsuite",
        name="cesu-rules check",
        tests=str(len(report.results)),
        failures=str(report.count("failed")),
        errors=str(report.count("invalid")),
        skipped=str(report.count("known_mismatch")),
    )
    for r in report.results:
        case = ElementTree.SubElement(suite, "testcase", classname=r.path, name=r.id)
        text = "\n".join(
            f"{c.field}: expected {_fmt(c.expected)}, computed {_fmt(c.computed)}"
            for c in r.comparisons
        )
        if r.status == "failed":
            node = ElementTree.SubElement(case, "failure", message=r.message)
            node.text = text
        elif r.status == "known_mismatch":
            ElementTree.SubElement(case, "skipped", message=f"known mismatch: {r.message}")
        elif r.status == "invalid":
            node = ElementTree.SubElement(case, "error", message=r.message)
            node.text = "\n".join(str(p) for p in r.problems)
    data: bytes = ElementTree.tostring(suite, encoding="utf-8", xml_declaration=True)
    return data
