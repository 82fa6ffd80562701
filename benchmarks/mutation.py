"""Mutation testing of the calculator: how many small bugs planted in ``cesu_rules/calc/`` the
test suite catches.

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) rewrites each function of calc/ in
many small ways (``>`` for ``>=``, ``+ 1`` for ``- 1``, a dropped argument…) and runs the
tests against each mutant; a mutant the tests do not fail on *survived*. Lines that only hold
message text are not mutated (product wording, not logic).

The run happens in a copy of the tracked files (``--workdir``, a fresh temporary folder by
default; give a folder to keep mutmut's cache between runs, which then re-tests only the
functions that changed). It takes about an hour on 2 cores for ~3 000 mutants.

Score = killed / (mutants − those no test reaches); a timeout counts as killed (the mutant
made the suite loop). Target (issue 9): ≥ 90 %.

Run: ``python benchmarks/mutation.py [--workdir DIR] [--max-children N] [--survivors FILE]
[--record]``; ``--report-only`` reads an existing workdir's results without running.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import record

ROOT = Path(__file__).resolve().parent.parent
KILLED = {"killed", "timeout", "caught by type check"}
# Not in the score: mutants no test reaches, mutmut skips, or a stopped run has not yet tried
# (reported as such, so a partial run says how partial it is).
UNSCORED = ("no tests", "skipped", "not checked", "check was interrupted by user")


def copy_tracked(target: Path) -> None:
    """The tracked files of the repository (symlinks kept) into ``target``."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for raw in names:
        if not raw:
            continue
        name = raw.decode()
        source, dest = ROOT / name, target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            if dest.is_symlink() or dest.exists():
                dest.unlink()
            dest.symlink_to(source.readlink())
        elif source.is_file():
            shutil.copy2(source, dest)


def statuses(workdir: Path) -> dict[str, str]:
    """Each mutant's status, from mutmut's result files."""
    from mutmut.stats import status_by_exit_code  # noqa: PLC0415 - a dev dependency

    found: dict[str, str] = {}
    for meta in sorted((workdir / "mutants").rglob("*.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for key, code in data["exit_code_by_key"].items():
            found[key] = status_by_exit_code[code]
    return found


def summary(found: dict[str, str]) -> tuple[list[str], float]:
    by_module: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for key, status in found.items():
        module = key.removeprefix("cesu_rules.calc.").split(".")[0]
        by_module[module][status] += 1
    lines = []
    total = collections.Counter[str]()
    for module, counts in sorted(by_module.items()):
        total.update(counts)
        lines.append(_line(f"calc/{module}.py", counts))
    lines.append(_line("all of calc/", total))
    return lines, _score(total)


def _score(counts: collections.Counter[str]) -> float:
    reached = sum(counts.values()) - sum(counts[s] for s in UNSCORED)
    killed = sum(counts[s] for s in KILLED)
    return 100 * killed / reached if reached else float("nan")


def _line(name: str, counts: collections.Counter[str]) -> str:
    killed = sum(counts[s] for s in KILLED)
    return (
        f"{name}: {sum(counts.values())} mutants, {killed} killed, {counts['survived']} "
        f"survived, {counts['no tests']} not reached, score {_score(counts):.1f} %"
        + (f" ({waiting} not yet run)" if (waiting := counts["not checked"]) else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, help="keep the copy and mutmut's cache here")
    parser.add_argument("--max-children", type=int, help="parallel test runs (default: cores)")
    parser.add_argument("--survivors", type=Path, help="write the surviving mutants' names")
    parser.add_argument("--report-only", action="store_true", help="read results, run nothing")
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    temporary = None
    if args.workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="cesu-mutation-")
        workdir = Path(temporary.name)
    else:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    try:
        elapsed = 0.0
        if not args.report_only:
            copy_tracked(workdir)
            command = [sys.executable, "-m", "mutmut", "run"]
            if args.max_children:
                command += ["--max-children", str(args.max_children)]
            start = time.perf_counter()
            subprocess.run(command, cwd=workdir, check=False, stdout=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
        found = statuses(workdir)
        if not found:
            print("no mutmut results in", workdir, file=sys.stderr)
            return 2
        lines, score = summary(found)
        if elapsed:
            lines.append(f"run time {elapsed / 60:.0f} min")
        print("\n".join(lines))
        if args.survivors:
            survived = sorted(k for k, s in found.items() if s == "survived")
            args.survivors.write_text("\n".join(survived) + "\n", encoding="utf-8")
        if args.record:
            record("mutation.py", lines)
        return 0 if score >= 90 else 1
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
