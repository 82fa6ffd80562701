"""``cesu-rules simulate``: what-if grids, reform overlays, comparisons and charts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError
from ..output import outputs
from ..progress import progress_bar
from ._common import (
    EXIT_OK,
    add_lang_option,
    add_reform_option,
    add_rulesets_option,
    rulesets_for,
)

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="what-if grids of scenarios, reform overlays, comparisons and charts",
        description="Run a scenario file (fixed inputs and axes, or a table of cases) with "
        "the batch engine; see docs/simulate.md.",
    )
    simulate.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    add_reform_option(simulate)
    simulate.add_argument(
        "--compare",
        metavar="BASELINE",
        help="baseline to compare with: 'shipped' or a reform file "
        "(default with --reform: the shipped rules)",
    )
    simulate.add_argument("--out", metavar="FILE", help="write every row (.csv, .json, .parquet)")
    simulate.add_argument("--plot", metavar="FILE", help="draw the scenario's chart (.png, .svg)")
    simulate.add_argument("--quiet", action="store_true", help="no progress bar")
    add_lang_option(simulate, "en", "the chart")
    add_rulesets_option(simulate)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..reform import load_reform  # noqa: PLC0415
    from ..simulate import (  # noqa: PLC0415
        PLOT_SUFFIXES,
        RESULT_SUFFIXES,
        load_scenario,
        render_summary,
        run_scenario,
    )
    from ..stream import sidecar_path  # noqa: PLC0415

    with outputs([args.scenario]) as files:
        # Every output is declared (and checked) before anything is computed.
        rows = files.target(args.out, suffixes=RESULT_SUFFIXES) if args.out else None
        sidecar = (
            files.target(sidecar_path(args.out))
            if args.out and Path(args.out).suffix == ".csv"
            else None
        )
        chart = files.target(args.plot, suffixes=PLOT_SUFFIXES) if args.plot else None
        scenario, axes = load_scenario(args.scenario)
        if chart is not None and scenario.plot is None:
            raise InputError(
                f"{args.scenario}: --plot needs a 'plot' section in the scenario, "
                "such as plot: {x: hours, y: total_cost}",
                code="no_plot",
            )
        ruleset, base = rulesets_for(args)
        baseline = None
        if args.compare is not None:
            baseline = base if args.compare == "shipped" else load_reform(Path(args.compare), base)
        elif args.reform:
            baseline = base
        with progress_bar(enabled=not args.quiet, stream=err) as bar:
            result = run_scenario(
                scenario,
                axes,
                ruleset,
                baseline=baseline,
                base_dir=Path(args.scenario).parent,
                out=rows,
                out_format=Path(args.out).suffix if args.out else None,
                chart=chart,
                chart_format=Path(args.plot).suffix if args.plot else None,
                chart_lang=args.lang,
                sidecar=sidecar,
                progress=bar,
            )
    out.write(render_summary(result))
    for target in (args.out, args.plot):
        if target:
            out.write(f"written: {target}\n")
    return EXIT_OK
