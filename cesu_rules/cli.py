"""The ``cesu-rules`` command line.

Every user mistake (bad month, unknown parameter, invalid ruleset directory...) prints one
readable line on stderr and exits with status 2; ``rulesets validate`` exits with 1 when the
ruleset it checks is invalid. No traceback is shown for a user error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ValidationError

from . import __version__
from .api import default_ruleset
from .calc.relief import EXEMPTION_CASES
from .errors import CesuRulesError, InputError, RulesetValidationError
from .models import EstimateRequest, EstimateResponse, estimate_to_json
from .report import render_estimate
from .rules.loader import Parameter, Ruleset, load_ruleset, validate_ruleset
from .rules.schema import (
    BaremeEntry,
    ContributionEntry,
    ContributionFile,
    Entry,
    PolicyEntry,
    ScalarEntry,
)
from .rules.snapshot import parse_month

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    """A command-line usage mistake, reported by main() on one line (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (see main) instead of exiting."""

    def error(self, message: str) -> Any:
        raise _UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def _payload_text(param: Parameter, entry: Entry) -> str:
    if entry.not_applicable:
        return "not applicable"
    unit = param.unit
    if isinstance(entry, ScalarEntry):
        return _with_unit(entry.value, unit)
    if isinstance(entry, ContributionEntry):
        text = f"{entry.rate} %"
        if entry.monthly_cap is not None:
            text += f" (at most {entry.monthly_cap} € a month)"
        return text
    if isinstance(entry, BaremeEntry):
        brackets = entry.brackets or ()
        if len(brackets) < 2:
            return f"flat grid at {brackets[0].rate} %" if brackets else "empty grid"
        second, last = brackets[1], brackets[-1]
        return (
            f"grid of {len(brackets)} brackets ({second.rate} % from {second.threshold} € "
            f"… {last.rate} % from {last.threshold} €)"
        )
    assert isinstance(entry, PolicyEntry)
    return f"choice {entry.choice}"


def _with_unit(value: Decimal | None, unit: str) -> str:
    suffix = {
        "percent": " %",
        "eur": " €",
        "eur_per_hour": " €/h",
        "hours": " h",
        "hours_per_month": " h/month",
    }.get(unit, "")
    return f"{value}{suffix}"


def _payload_json(entry: Entry) -> Any:
    if entry.not_applicable:
        return None
    if isinstance(entry, ScalarEntry):
        return str(entry.value)
    if isinstance(entry, ContributionEntry):
        return {
            "rate": str(entry.rate),
            "monthly_cap": None if entry.monthly_cap is None else str(entry.monthly_cap),
        }
    if isinstance(entry, BaremeEntry):
        return [{"threshold": str(b.threshold), "rate": str(b.rate)} for b in entry.brackets or ()]
    assert isinstance(entry, PolicyEntry)
    return entry.choice


def _entry_json(param: Parameter, entry: Entry) -> dict[str, Any]:
    return {
        "from": entry.start.isoformat(),
        "until": entry.until.isoformat() if entry.until else None,
        "value": _payload_json(entry),
        "status": entry.status,
        "note": entry.note,
        "formula": entry.formula,
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in param.sources(entry)],
    }


def _entry_end(param: Parameter, index: int) -> date | None:
    entry = param.values[index]
    if entry.until is not None:
        return entry.until
    if index + 1 < len(param.values):
        return param.values[index + 1].start - timedelta(days=1)
    return None


def _print_entry(out: TextIO, param: Parameter, index: int) -> None:
    entry = param.values[index]
    end = _entry_end(param, index)
    period = f"{entry.start} → {end if end else '…'}"
    out.write(f"  {period}: {_payload_text(param, entry)}  [{entry.status}]\n")
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


def _cmd_list(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    params = sorted(ruleset.parameters.values(), key=lambda p: p.name)
    if args.json:
        rows = [
            {
                "name": p.name,
                "kind": p.kind,
                "unit": p.unit,
                "label": p.label,
                "latest": _entry_json(p, p.values[-1]),
            }
            for p in params
        ]
        json.dump(
            {"ruleset_version": ruleset.version, "ruleset_hash": ruleset.hash, "parameters": rows},
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
        return EXIT_OK
    width = max(len(p.name) for p in params)
    out.write(
        f"ruleset {ruleset.name} {ruleset.version} ({ruleset.hash[:19]}…), "
        f"{len(params)} parameters, {ruleset.coverage[0]:%Y-%m} to "
        f"{ruleset.coverage[1]:%Y-%m}\n"
    )
    for p in params:
        latest = p.values[-1]
        out.write(
            f"{p.name:<{width}}  {p.kind:<12} {_payload_text(p, latest)[:60]}  [{latest.status}]\n"
        )
    return EXIT_OK


def _cmd_show(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    param = ruleset.parameter(args.parameter)
    indexes = list(range(len(param.values)))
    if args.at is not None:
        day = parse_month(args.at)
        entry = param.at(day)
        indexes = [param.values.index(entry)]
    if args.json:
        data: dict[str, Any] = {
            "name": param.name,
            "label": param.label,
            "kind": param.kind,
            "unit": param.unit,
            "file": param.path,
            "values": [_entry_json(param, param.values[i]) for i in indexes],
        }
        if isinstance(param.spec, ContributionFile):
            data["contribution"] = param.spec.contribution.model_dump(mode="json")
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    out.write(f"{param.name} — {param.label}\n")
    out.write(f"  kind {param.kind}, unit {param.unit}, file rulesets/{param.path}\n")
    if isinstance(param.spec, ContributionFile):
        c = param.spec.contribution
        reliefs = ", ".join(c.reliefs) or "none"
        out.write(f"  line {c.code} ({c.side}), base {c.base}, reduced by: {reliefs}\n")
    if args.at is not None:
        out.write(f"in force in {parse_month(args.at):%Y-%m}:\n")
    for i in indexes:
        _print_entry(out, param, i)
    return EXIT_OK


def _cmd_diff(ruleset: Ruleset, args: argparse.Namespace, out: TextIO) -> int:
    before, after = parse_month(args.from_month), parse_month(args.to_month)
    changes: list[dict[str, Any]] = []
    for param in sorted(ruleset.parameters.values(), key=lambda p: p.name):
        old = _safe_at(param, before)
        new = _safe_at(param, after)
        if old is new:
            continue
        old_v = None if old is None else _payload_json(old)
        new_v = None if new is None else _payload_json(new)
        if old_v == new_v and (old is None or new is None or old.status == new.status):
            continue
        changes.append(
            {
                "name": param.name,
                "param": param,
                "old": old,
                "new": new,
                "old_value": old_v,
                "new_value": new_v,
            }
        )
    if args.json:
        json.dump(
            {
                "from": f"{before:%Y-%m}",
                "to": f"{after:%Y-%m}",
                "changes": [
                    {
                        "name": c["name"],
                        "from": None if c["old"] is None else _entry_json(c["param"], c["old"]),
                        "to": None if c["new"] is None else _entry_json(c["param"], c["new"]),
                    }
                    for c in changes
                ],
            },
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
        return EXIT_OK
    if not changes:
        out.write(f"no parameter changed between {before:%Y-%m} and {after:%Y-%m}\n")
        return EXIT_OK
    out.write(f"{len(changes)} parameter(s) changed between {before:%Y-%m} and {after:%Y-%m}:\n")
    for c in changes:
        out.write(f"  {c['name']}: {_change_text(c['param'], c['old'], c['new'])}\n")
    return EXIT_OK


def _change_text(param: Parameter, old: Entry | None, new: Entry | None) -> str:
    if old is None or new is None:
        old_t = "not in force" if old is None else _payload_text(param, old)
        new_t = "not in force" if new is None else _payload_text(param, new)
        return f"{old_t} → {new_t}"
    if _payload_json(old) == _payload_json(new):
        return f"{_payload_text(param, new)} (status {old.status} → {new.status})"
    status = f"  [{new.status}]"
    if isinstance(old, BaremeEntry) and isinstance(new, BaremeEntry):
        pairs = list(zip(old.brackets or (), new.brackets or (), strict=False))
        moved = [f"{b.rate} % from {a.threshold} → {b.threshold} €" for a, b in pairs if a != b]
        shown = ", ".join(moved[:3]) + (f", and {len(moved) - 3} more" if len(moved) > 3 else "")
        return f"grid changed ({shown}){status}"
    return f"{_payload_text(param, old)} → {_payload_text(param, new)}{status}"


def _safe_at(param: Parameter, day: date) -> Entry | None:
    try:
        return param.at(day)
    except CesuRulesError:
        return None


def _cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problems = validate_ruleset(args.directory)
    where = args.directory or "the shipped rulesets"
    if problems:
        error = RulesetValidationError(problems)
        err.write(f"{where}: {error}\n")
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


def staleness_note(ruleset: Ruleset, today: date, *, warn_days: int = 60) -> str | None:
    """A reminder when the rulesets stop covering the months to come (None otherwise)."""
    until = ruleset.coverage[1]
    if today > until:
        return (
            f"the rulesets end in {until:%Y-%m} and today is {today}: months after it "
            "are refused until next year's values are added (docs/rulesets.md, runbook)"
        )
    if (until - today).days <= warn_days:
        return (
            f"the rulesets end in {until:%Y-%m}, in {(until - today).days} days: time to "
            "add next year's values (docs/rulesets.md, runbook)"
        )
    return None


_INPUT_FLAGS = (
    "month",
    "hours",
    "net_hourly",
    "gross_hourly",
    "net_monthly",
    "territory",
    "exemption",
    "paid_leave",
    "paid_leave_hours",
    "non_resident",
    "pas_rate",
    "aids",
    "cesu_plus",
)


def _read_request(args: argparse.Namespace, stdin: TextIO) -> EstimateRequest:
    if args.input is not None:
        given = [
            f"--{f.replace('_', '-')}"
            for f in _INPUT_FLAGS
            if getattr(args, f) not in (None, False)
        ]
        if given:
            raise InputError(f"--input reads every field from JSON; drop {', '.join(given)}")
        if args.input == "-":
            text, where = stdin.read(), "stdin"
        else:
            try:
                with open(args.input, encoding="utf-8") as handle:
                    text, where = handle.read(), args.input
            except OSError as exc:
                raise InputError(f"cannot read {args.input}: {exc.strerror}") from None
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON in {where} at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(data, dict):
            raise InputError(
                f"the JSON in {where} must be an object such as "
                '{"month": "2024-04", "hours": 10, "net_hourly": "12.00"}'
            )
    else:
        missing = [f"--{f}" for f in ("month", "hours") if getattr(args, f) is None]
        if missing:
            raise InputError(
                f"missing {' and '.join(missing)}; example: cesu-rules estimate "
                "--month 2024-04 --hours 10 --net-hourly 12.00"
            )
        data = {f: getattr(args, f) for f in _INPUT_FLAGS if getattr(args, f) not in (None,)}
        where = "the command line"
    try:
        return EstimateRequest.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(p) for p in error["loc"]) or "input"
            message = str(error["msg"])
            if error["type"] == "extra_forbidden":
                message = f"unknown field (known: {', '.join(EstimateRequest.model_fields)})"
            problems.append(f"{field}: {message}")
        raise InputError(f"invalid input in {where}: " + "; ".join(problems)) from None


def _cmd_estimate(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    request = _read_request(args, stdin)
    ruleset = load_ruleset(args.rulesets) if args.rulesets else None
    result = request.run(ruleset)
    if args.json:
        json.dump(estimate_to_json(result), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_estimate(result))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .checks import render_report, report_to_json, report_to_junit, run_paths  # noqa: PLC0415

    report = run_paths(args.paths)
    if args.junit:
        _write_atomically(args.junit, report_to_junit(report).decode("utf-8"))
    if args.json:
        json.dump(report_to_json(report), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_report(report))
    return report.exit_status


def _write_atomically(target: str, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all (no partial file on error)."""
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {target}: {exc.strerror}") from None


def _cmd_household(args: argparse.Namespace, out: TextIO) -> int:
    from .household import (  # noqa: PLC0415 - imported on use, for a fast start
        compute_household,
        load_household,
        render_household,
    )
    from .household import report_to_json as household_to_json  # noqa: PLC0415

    household = load_household(args.file)
    ruleset = load_ruleset(args.rulesets) if args.rulesets else None
    report = compute_household(household, ruleset, source=args.file)
    if args.json:
        text = json.dumps(household_to_json(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_household(report)
    if args.out:
        _write_atomically(args.out, text)
    else:
        out.write(text)
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .batch import compute_batch  # noqa: PLC0415 - needs numpy, imported on use
    from .tables import output_table, read_table, table_columns, write_table  # noqa: PLC0415

    ruleset = _ruleset_for(args)
    table = read_table(args.input_file)
    columns, passed = table_columns(table)
    if passed:
        err.write(f"cesu-rules: note: columns passed through unchanged: {', '.join(passed)}\n")
    results, errors = compute_batch(columns, ruleset)
    write_table(output_table(table, results, errors), args.out)
    failed = sum(1 for e in errors if e)
    out.write(
        f"{len(errors):,} rows computed into {args.out} ({failed:,} with an error, see "
        f"the 'error' column); ruleset {ruleset.version}\n"
    )
    return EXIT_OK


def _ruleset_for(args: argparse.Namespace) -> Ruleset:
    base = load_ruleset(args.rulesets) if args.rulesets else default_ruleset()
    if getattr(args, "reform", None):
        from .reform import load_reform  # noqa: PLC0415

        return load_reform(args.reform, base)
    return base


def _cmd_simulate(args: argparse.Namespace, out: TextIO) -> int:
    from .reform import load_reform  # noqa: PLC0415
    from .simulate import (  # noqa: PLC0415
        load_scenario,
        plot_result,
        render_summary,
        run_scenario,
        write_result,
    )

    scenario, axes = load_scenario(args.scenario)
    if args.plot and scenario.plot is None:
        raise InputError(
            f"{args.scenario}: --plot needs a 'plot' section in the scenario, "
            "such as plot: {x: hours, y: total_cost}"
        )
    base = load_ruleset(args.rulesets) if args.rulesets else default_ruleset()
    ruleset = load_reform(args.reform, base) if args.reform else base
    baseline = None
    if args.compare is not None:
        baseline = base if args.compare == "shipped" else load_reform(args.compare, base)
    elif args.reform:
        baseline = base
    result = run_scenario(
        scenario,
        axes,
        ruleset,
        baseline=baseline,
        base_dir=Path(args.scenario).parent,
        progress=sys.stderr.isatty(),
    )
    if args.out:
        write_result(result, args.out)
    if args.plot:
        plot_result(result, scenario, args.plot)
    out.write(render_summary(result))
    for target in (args.out, args.plot):
        if target:
            out.write(f"written: {target}\n")
    return EXIT_OK


def _cmd_wire_request(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from .wire import inputs_to_request, load_mapping  # noqa: PLC0415 - imported on use

    mapping = load_mapping(args.mapping)
    request = _read_request(args, stdin)
    result = request.run(load_ruleset(args.rulesets) if args.rulesets else None)
    payload, notes = inputs_to_request(mapping, result, postal_code=args.postal_code)
    for note in notes:
        err.write(f"cesu-rules: note: {note}\n")
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK


_SCHEMAS = ("estimate-input", "estimate-output", "check-case", "household", "wire-mapping")


def _schema_model(name: str) -> type[BaseModel]:
    """The pydantic model of a public format (the less common ones imported on use)."""
    from .checks import Case  # noqa: PLC0415
    from .household import HouseholdFile  # noqa: PLC0415
    from .wire import WireMapping  # noqa: PLC0415

    models: dict[str, type[BaseModel]] = {
        "estimate-input": EstimateRequest,
        "estimate-output": EstimateResponse,
        "check-case": Case,
        "household": HouseholdFile,
        "wire-mapping": WireMapping,
    }
    return models[name]


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    model = _schema_model(args.which)
    json.dump(model.model_json_schema(), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK


def _add_rulesets_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rulesets",
        metavar="DIR",
        default=None,
        help="use the ruleset directory DIR instead of the shipped one",
    )


def _add_estimate_inputs(est: argparse.ArgumentParser) -> None:
    """The inputs of one monthly estimate, shared by `estimate` and `wire request`."""
    est.add_argument("--month", metavar="YYYY-MM", help="month of work, e.g. 2024-04")
    est.add_argument("--hours", metavar="H", help="hours declared, e.g. 10 or 10.5")
    wage = est.add_mutually_exclusive_group()
    wage.add_argument(
        "--net-hourly",
        dest="net_hourly",
        metavar="EUR",
        help="net hourly wage as declared to the Cesu, e.g. 12.00",
    )
    wage.add_argument(
        "--gross-hourly", dest="gross_hourly", metavar="EUR", help="gross hourly wage, e.g. 15.36"
    )
    wage.add_argument(
        "--net-monthly",
        dest="net_monthly",
        metavar="EUR",
        help="net wage of the month, e.g. 120.00 (as the Urssaf APIs take it)",
    )
    est.add_argument(
        "--territory",
        choices=[
            "metropole",
            "alsace_moselle",
            "guadeloupe",
            "martinique",
            "guyane",
            "reunion",
            "mayotte",
        ],
        default=None,
        help="default: metropole",
    )
    est.add_argument(
        "--exemption",
        choices=list(EXEMPTION_CASES),
        default=None,
        help="employer exemption case (default: none); see below",
    )
    est.add_argument(
        "--paid-leave",
        dest="paid_leave",
        choices=["included", "excluded"],
        default=None,
        help="whether the wage includes the 10 %% paid-leave uplift "
        "(default: included up to 32 h a month)",
    )
    est.add_argument(
        "--paid-leave-hours",
        dest="paid_leave_hours",
        metavar="H",
        default=None,
        help="hours of paid leave in the month (not eligible to the deduction)",
    )
    est.add_argument(
        "--non-resident",
        dest="non_resident",
        action="store_true",
        default=False,
        help="the employee is not a French tax resident (no CSG/CRDS)",
    )
    est.add_argument(
        "--pas-rate",
        dest="pas_rate",
        metavar="PCT",
        default=None,
        help="the employee's personalised PAS rate in percent (default: the taux neutre)",
    )
    est.add_argument(
        "--aids",
        metavar="EUR",
        default=None,
        help="third-party aids paying this month (APA, PCH, Cesu préfinancé...)",
    )
    est.add_argument(
        "--cesu-plus",
        dest="cesu_plus",
        action="store_true",
        default=False,
        help="Cesu+: the Urssaf pays the employee and, from 2022, advances the tax credit",
    )
    est.add_argument(
        "--input",
        metavar="FILE",
        help="read the request as a JSON object from FILE, or - for stdin",
    )
    _add_rulesets_option(est)


_EXEMPTIONS_EPILOG = "exemptions: " + "; ".join(
    f"{c.name}: {c.label}" for c in EXEMPTION_CASES.values()
)


def _add_analysis_commands(commands: Any) -> None:
    """`simulate` and `batch`: the what-if and table commands (numpy, pyarrow)."""
    simulate = commands.add_parser(
        "simulate",
        help="what-if grids of scenarios, reform overlays, comparisons and charts",
        description="Run a scenario file (fixed inputs and axes, or a table of cases) with "
        "the batch engine; see docs/simulate.md.",
    )
    simulate.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    simulate.add_argument("--reform", metavar="FILE", help="reform overlay applied to the rules")
    simulate.add_argument(
        "--compare",
        metavar="BASELINE",
        help="baseline to compare with: 'shipped' or a reform file "
        "(default with --reform: the shipped rules)",
    )
    simulate.add_argument("--out", metavar="FILE", help="write every row (.csv, .json, .parquet)")
    simulate.add_argument("--plot", metavar="FILE", help="draw the scenario's chart (.png, .svg)")
    _add_rulesets_option(simulate)

    batch = commands.add_parser(
        "batch",
        help="compute a table of estimates (CSV or Parquet in and out)",
        description="Compute one estimate per row of IN (columns: month, hours, net_hourly "
        "or gross_hourly or net_monthly, and optionally territory, paid_leave, "
        "paid_leave_hours, non_resident, exemption, pas_rate, aids, cesu_plus). Rows that "
        "cannot be computed get a message in the 'error' column.",
    )
    batch.add_argument("input_file", metavar="IN", help="input table (.csv or .parquet)")
    batch.add_argument("--out", metavar="OUT", required=True, help="output (.csv or .parquet)")
    batch.add_argument("--reform", metavar="FILE", help="reform overlay applied to the rules")
    _add_rulesets_option(batch)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cesu-rules",
        description="Offline, line-by-line engine for the French Cesu déclaratif.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    est = commands.add_parser(
        "estimate",
        help="one month of a Cesu declaration, line by line",
        description="Estimate one month of a Cesu declaration: gross, every contribution "
        "line, relief, net taxable, Urssaf debit and total cost.",
        epilog=_EXEMPTIONS_EPILOG,
    )
    _add_estimate_inputs(est)
    est.add_argument("--json", action="store_true", help="print one JSON object")

    check = commands.add_parser(
        "check",
        help="run regression cases (payslips, simulator, API estimates) against the engine",
        description="Run every case of the given files and folders and compare the figures "
        "to the cent. Exit 0 when all pass (known mismatches are reported, not failing), 1 "
        "when a case fails, 2 when a case file is invalid.",
    )
    check.add_argument("paths", metavar="PATH", nargs="+", help="case files or folders")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")

    _add_analysis_commands(commands)

    household = commands.add_parser(
        "household",
        help="a household's months and years: several employees, shared 70+ cap, PAS, "
        "tax credit, avance immédiate",
        description="Compute every month of a household file (YAML or JSON, see "
        "docs/household.md) and a summary per year.",
    )
    household.add_argument("file", metavar="FILE", help="household file (YAML or JSON)")
    household.add_argument("--json", action="store_true", help="print JSON")
    household.add_argument("--out", metavar="FILE", help="write the report to FILE")
    _add_rulesets_option(household)

    wire = commands.add_parser("wire", help="the Urssaf wire format (mapping files)")
    wire_actions = wire.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    wire_actions.required = True
    wire_request = wire_actions.add_parser(
        "request",
        help="the Urssaf API request payload for an estimate's inputs (to replay a case)",
        epilog=_EXEMPTIONS_EPILOG,
    )
    _add_estimate_inputs(wire_request)
    wire_request.add_argument(
        "--mapping",
        metavar="FILE",
        default=None,
        help="mapping file (default: the PAJE field names)",
    )
    wire_request.add_argument(
        "--postal-code",
        dest="postal_code",
        metavar="CODE",
        default=None,
        help="postal code sent for employer and employee",
    )

    schema = commands.add_parser("schema", help="JSON Schemas of the public formats")
    schema.add_argument("which", choices=list(_SCHEMAS))

    rulesets = commands.add_parser("rulesets", help="list, show, compare and validate rulesets")
    rs = rulesets.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    rs.required = True

    def with_common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        _add_rulesets_option(p)
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        return p

    with_common(rs.add_parser("list", help="every parameter with its latest value"))
    show = with_common(rs.add_parser("show", help="a parameter's values, status and sources"))
    show.add_argument("parameter", metavar="PARAM", help="e.g. smic/horaire_brut/metropole")
    show.add_argument("--at", metavar="YYYY-MM", help="only the value in force that month")
    diff = with_common(rs.add_parser("diff", help="what changed between two months"))
    diff.add_argument("from_month", metavar="FROM", help="YYYY-MM")
    diff.add_argument("to_month", metavar="TO", help="YYYY-MM")
    validate = rs.add_parser("validate", help="validate the shipped rulesets or a directory")
    validate.add_argument("directory", metavar="DIR", nargs="?", default=None)
    return parser


_RULESET_ACTIONS: dict[str, Callable[[Ruleset, argparse.Namespace, TextIO], int]] = {
    "list": _cmd_list,
    "show": _cmd_show,
    "diff": _cmd_diff,
}


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 check failed, 2 user error)."""
    out = out or sys.stdout
    err = err or sys.stderr
    stdin = stdin or sys.stdin
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args, out, err, stdin)
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except _UsageError as exc:
        err.write(f"{exc}\n")
    except RulesetValidationError as exc:
        err.write(f"cesu-rules: error: the ruleset is invalid — {exc}\n")
    except CesuRulesError as exc:
        err.write(f"cesu-rules: error: {exc}\n")
    return EXIT_USAGE


def _dispatch(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    commands: dict[str, Callable[[], int]] = {
        "estimate": lambda: _cmd_estimate(args, out, stdin),
        "schema": lambda: _cmd_schema(args, out),
        "check": lambda: _cmd_check(args, out),
        "household": lambda: _cmd_household(args, out),
        "simulate": lambda: _cmd_simulate(args, out),
        "batch": lambda: _cmd_batch(args, out, err),
        "wire": lambda: _cmd_wire_request(args, out, err, stdin),
    }
    if args.command in commands:
        return commands[args.command]()
    if args.action == "validate":
        return _cmd_validate(args, out, err)
    return _RULESET_ACTIONS[args.action](load_ruleset(args.rulesets), args, out)


def run() -> None:
    """Console-script entry point: exit quietly when the reader closes the pipe (| head)."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_FAILED
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
