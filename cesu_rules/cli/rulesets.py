"""``cesu-rules rulesets list|show|diff|validate``: printing only (the data comes from
:mod:`cesu_rules.rules.inspect`)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any, TextIO

from ..errors import RulesetValidationError
from ..numbers import parse_month
from ..rules.inspect import (
    changes_between,
    diff_json,
    entry_end,
    list_json,
    payload_text,
    show_json,
    staleness_note,
    status_report,
)
from ..rules.loader import Parameter, Ruleset, load_ruleset, validate_ruleset
from ..rules.schema import BaremeEntry, ContributionFile, Entry
from ._common import EXIT_FAILED, EXIT_OK, add_rulesets_option

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    rulesets = commands.add_parser("rulesets", help="list, show, compare and validate rulesets")
    rs = rulesets.add_subparsers(dest="action", metavar="ACTION", parser_class=type(rulesets))
    rs.required = True

    def with_common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        add_rulesets_option(p)
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        return p

    with_common(rs.add_parser("list", help="every parameter with its latest value"))
    show = with_common(rs.add_parser("show", help="a parameter's values, status and sources"))
    show.add_argument("parameter", metavar="PARAM", help="e.g. smic/horaire_brut/metropole")
    show.add_argument("--at", metavar="YYYY-MM", help="only the value in force that month")
    diff = with_common(rs.add_parser("diff", help="what changed between two months"))
    diff.add_argument("from_month", metavar="FROM", help="YYYY-MM")
    diff.add_argument("to_month", metavar="TO", help="YYYY-MM")
    with_common(
        rs.add_parser(
            "status",
            help="how sure the values are: the share confirmed by two sources, and every "
            "value that is not, with the months and figures it touches",
        )
    )
    prepare = rs.add_parser(
        "prepare",
        help="copy the rulesets with next year's entries to fill (the year ahead runbook)",
    )
    prepare.add_argument("year", metavar="YEAR", type=int, help="the year after the coverage")
    prepare.add_argument("--out", metavar="DIR", required=True, help="a new directory")
    add_rulesets_option(prepare)
    validate = rs.add_parser("validate", help="validate the shipped rulesets or a directory")
    validate.add_argument("directory", metavar="DIR", nargs="?", default=None)


def _dump(data: Any, out: TextIO) -> int:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK


def _list(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    params = sorted(ruleset.parameters.values(), key=lambda p: p.name)
    if args.json:
        return _dump(list_json(ruleset), out)
    width = max(len(p.name) for p in params)
    out.write(
        f"ruleset {ruleset.name} {ruleset.version} ({ruleset.hash[:19]}…), "
        f"{len(params)} parameters, {ruleset.coverage[0]:%Y-%m} to "
        f"{ruleset.coverage[1]:%Y-%m}\n"
    )
    for p in params:
        latest = p.values[-1]
        out.write(
            f"{p.name:<{width}}  {p.kind:<12} {payload_text(p, latest)[:60]}  [{latest.status}]\n"
        )
    return EXIT_OK


def _print_entry(out: TextIO, param: Parameter, entry: Entry) -> None:
    end = entry_end(param, entry)
    period = f"{entry.start} → {end if end else '…'}"
    out.write(f"  {period}: {payload_text(param, entry)}  [{entry.status}]\n")
    if isinstance(entry, BaremeEntry) and entry.brackets:
        for b in entry.brackets:
            out.write(f"      from {b.threshold:>6} €: {b.rate} %\n")
    if entry.formula:
        out.write(f"      formula: {entry.formula}\n")
    if entry.note:
        out.write(f"      note: {' '.join(entry.note.split())}\n")
    for source in param.sources(entry):
        where = " — ".join(x for x in (source.legal, source.url) if x)
        out.write(f"      source: {source.title}" + (f" ({where})" if where else "") + "\n")


def _show(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    if args.json:
        return _dump(show_json(ruleset, args.parameter, args.at), out)
    param = ruleset.parameter(args.parameter)
    entries = list(param.values)
    if args.at is not None:
        day = parse_month(args.at, field="--at")
        ruleset.check_covered(day, estimating=False)
        entries = [param.at(day)]
    out.write(f"{param.name} — {param.label}\n")
    out.write(f"  kind {param.kind}, unit {param.unit}, file rulesets/{param.path}\n")
    if isinstance(param.spec, ContributionFile):
        c = param.spec.contribution
        reliefs = ", ".join(c.reliefs) or "none"
        out.write(f"  line {c.code} ({c.side}), base {c.base}, reduced by: {reliefs}\n")
    if args.at is not None:
        out.write(f"in force in {parse_month(args.at):%Y-%m}:\n")
    for entry in entries:
        _print_entry(out, param, entry)
    return EXIT_OK


def _diff(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    if args.json:
        return _dump(diff_json(ruleset, args.from_month, args.to_month), out)
    before = parse_month(args.from_month, field="FROM")
    after = parse_month(args.to_month, field="TO")
    changes = changes_between(ruleset, before, after)
    if not changes:
        out.write(f"no parameter changed between {before:%Y-%m} and {after:%Y-%m}\n")
        return EXIT_OK
    out.write(f"{len(changes)} parameter(s) changed between {before:%Y-%m} and {after:%Y-%m}:\n")
    for c in changes:
        out.write(f"  {c.param.name}: {c.text()}\n")
    return EXIT_OK


def _status(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    report = status_report(ruleset)
    if args.json:
        return _dump(report.json(), out)
    out.write(f"ruleset {report.version} ({report.hash[:19]}…): {report.total} dated values\n")
    for status, count in report.counts.items():
        out.write(f"  {status:<14} {count:>4}  {report.share(status):6.1%}\n")
    out.write(f"\n{len(report.doubts)} values are not confirmed by two sources:\n")
    for d in report.doubts:
        period = f"{d.start:%Y-%m} → {'…' if d.end is None else f'{d.end:%Y-%m}'}"
        out.write(f"\n  {d.parameter}  {period}  {d.value}  [{d.status}]\n")
        if d.note:
            out.write(f"    {d.note}\n")
        out.write(f"    territories: {', '.join(d.territories)}\n")
        out.write(f"    touches: {', '.join(d.figures)}\n")
        for alt in d.alternatives:
            out.write(f"    alternative: {alt}\n")
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problems = validate_ruleset(args.directory)
    where = args.directory or "the shipped rulesets"
    if problems:
        err.write(f"{where}: {RulesetValidationError(problems)}\n")
        return EXIT_FAILED
    ruleset = load_ruleset(args.directory)
    out.write(
        f"{where}: valid — {len(ruleset.parameters)} parameters, version "
        f"{ruleset.version}, {ruleset.hash}\n"
    )
    note = staleness_note(ruleset, date.today())
    if note:
        err.write(f"cesu-rules: note: {note}\n")
    return EXIT_OK


def _prepare(args: argparse.Namespace, out: TextIO) -> int:
    from ..rules.prepare import prepare_year  # noqa: PLC0415 - imported on use

    prepared = prepare_year(args.rulesets, args.year, args.out)
    out.write(
        f"{prepared.directory}: the rulesets with {len(prepared.entries)} entries of "
        f"{prepared.year} to fill (each carries its latest value, status assumed):\n"
    )
    for name, value in prepared.entries:
        out.write(f"  {name}: {value}\n")
    out.write(
        f"next: edit each entry marked 'TO FILL for {prepared.year}', then run "
        f"cesu-rules rulesets validate {prepared.directory} and "
        f"cesu-rules rulesets status --rulesets {prepared.directory}\n"
    )
    return EXIT_OK


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.action == "validate":
        return _validate(args, out, err)
    if args.action == "prepare":
        return _prepare(args, out)
    ruleset = load_ruleset(args.rulesets) if args.rulesets else None
    if ruleset is None:
        from ..api import default_ruleset  # noqa: PLC0415

        ruleset = default_ruleset()
    action = {"list": _list, "show": _show, "diff": _diff, "status": _status}[args.action]
    return action(ruleset, args, out)
