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

A complete run costs hours on 2 cores: a surviving mutant runs every test that reaches its
function (minutes for the vector kernel). ``--sample N`` runs a uniform random sample (seeded)
of the mutants not yet run and *estimates* the score of the whole: the mutants run so far
counted as they are, the rest at the sample's kill rate, with a 95 % Wilson interval; the
report says which figures are counted and which estimated. ``--names FILE`` re-runs given
mutants (after new tests).

Equivalent mutants (no valid input can tell them from the code: ``zip(strict=...)`` dropped,
a comparison moved where both sides are equal…) cannot be killed by any test. Each one found
is listed with its reason in ``benchmarks/mutation-equivalent.txt``; the report gives the raw
score and the score without them, and names listed entries it no longer finds.

Run: ``python benchmarks/mutation.py [--workdir DIR] [--max-children N] [--sample N [--seed S]]
[--names FILE] [--survivors FILE] [--record]``; ``--report-only`` reads an existing workdir's
results without running.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import record

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("mutation-equivalent.txt")
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


def equivalents(path: Path) -> dict[str, str]:
    """The mutants listed as equivalent, with their reason."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition("  ")
            out[name.strip()] = reason.strip()
    return out


def without_equivalents(found: dict[str, str], listed: dict[str, str]) -> list[str]:
    """Report lines: the score with the listed equivalent survivors left out."""
    left_out = {k for k in listed if found.get(k) == "survived"}
    stale = sorted(k for k in listed if k not in found)
    killed_now = sorted(k for k in listed if found.get(k) in KILLED)
    counts = collections.Counter(s for k, s in found.items() if k not in left_out)
    lines = [
        f"equivalent mutants listed in {EQUIVALENT.name}: {len(left_out)} survivors left out; "
        f"score without them {_score(counts):.1f} %"
        + (f" ({counts['not checked']} not yet run)" if counts["not checked"] else "")
    ]
    if stale:
        lines.append(f"listed but not found (renumbered or removed code): {', '.join(stale)}")
    if killed_now:
        lines.append(f"listed but killed (not equivalent; remove them): {', '.join(killed_now)}")
    return lines


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


def sampled(
    found: dict[str, str], sample: list[str], equivalent: set[str] | None = None
) -> list[str]:
    """The estimate of the whole run's score from the mutants run in full and a sample of
    the others (see the module); lines for the report. With ``equivalent``, those survivors
    are left out of both parts (and the sample's share of them out of the rest)."""
    chosen = set(sample)
    skip = {k for k in (equivalent or set()) if found.get(k) == "survived"}
    done = collections.Counter(s for k, s in found.items() if k not in chosen and k not in skip)
    rest = done["not checked"]
    got = collections.Counter(found[k] for k in sample if k in found and k not in skip)
    n = _reached(got)
    if n == 0:
        return ["sample: not run yet"]
    k = _killed(got)
    p, z = k / n, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    known_killed, known = _killed(done), _reached(done)
    # The rest has equivalents too, in the sample's proportion: left out alike.
    kept = 1 - sum(1 for k in sample if k in skip) / len(sample)
    population = round((rest + len(chosen)) * kept)
    label = "without the listed equivalents, " if equivalent else ""

    def whole(rate: float) -> float:
        return 100 * (known_killed + rate * population) / (known + population)

    return [
        f"{label}sample: {n} of the {population} mutants not run in full, drawn at random, "
        f"{k} killed ({100 * p:.1f} %, 95 % interval {100 * (centre - half):.1f}–"
        f"{100 * (centre + half):.1f} %)",
        f"{label}estimated score of all of calc/: {whole(p):.1f} % (95 % interval "
        f"{whole(centre - half):.1f}–{whole(centre + half):.1f} %): {known} mutants counted "
        f"({known_killed} killed), {population} estimated from the sample",
    ]


def _killed(counts: collections.Counter[str]) -> int:
    return sum(counts[s] for s in KILLED)


def _reached(counts: collections.Counter[str]) -> int:
    """The mutants that count in a score: all but those in UNSCORED."""
    return sum(counts.values()) - sum(counts[s] for s in UNSCORED)


def _score(counts: collections.Counter[str]) -> float:
    reached = _reached(counts)
    return 100 * _killed(counts) / reached if reached else float("nan")


def _line(name: str, counts: collections.Counter[str]) -> str:
    return (
        f"{name}: {sum(counts.values())} mutants, {_killed(counts)} killed, {counts['survived']} "
        f"survived, {counts['no tests']} not reached, score {_score(counts):.1f} %"
        + (f" ({waiting} not yet run)" if (waiting := counts["not checked"]) else "")
    )


def run_mutmut(workdir: Path, args: argparse.Namespace) -> float:
    """Run mutmut in a fresh copy of the tree (all mutants, a sample, or named ones);
    returns the seconds it took, or −1 when there is nothing to sample."""
    copy_tracked(workdir)
    command = [sys.executable, "-m", "mutmut", "run"]
    if args.max_children:
        command += ["--max-children", str(args.max_children)]
    if args.sample:
        waiting = sorted(k for k, s in statuses(workdir).items() if s == "not checked")
        if not waiting:
            print(
                "no mutants left to sample: mutmut has not generated them yet, or the run is "
                "complete",
                file=sys.stderr,
            )
            return -1
        picked = random.Random(args.seed).sample(waiting, min(args.sample, len(waiting)))
        (workdir / "sample.txt").write_text("\n".join(picked) + "\n", encoding="utf-8")
        command += picked
    if args.names:
        command += args.names.read_text(encoding="utf-8").split()
    start = time.perf_counter()
    subprocess.run(command, cwd=workdir, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(found: dict[str, str], workdir: Path) -> tuple[list[str], float]:
    """The report's lines (per module, all of calc/, without the listed equivalents, the
    sample's estimates) and the raw score."""
    lines, score = summary(found)
    listed = equivalents(EQUIVALENT) if EQUIVALENT.exists() else {}
    if listed:
        lines += without_equivalents(found, listed)
    sample_file = workdir / "sample.txt"
    if sample_file.exists():
        sample = sample_file.read_text(encoding="utf-8").split()
        lines += sampled(found, sample)
        if listed:
            lines += sampled(found, sample, equivalent=set(listed))
    return lines, score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, help="keep the copy and mutmut's cache here")
    parser.add_argument("--max-children", type=int, help="parallel test runs (default: cores)")
    parser.add_argument("--survivors", type=Path, help="write the surviving mutants' names")
    parser.add_argument("--report-only", action="store_true", help="read results, run nothing")
    parser.add_argument("--sample", type=int, help="run N random mutants of those not yet run")
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    parser.add_argument("--names", type=Path, help="run the mutants named in FILE, one a line")
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
            elapsed = run_mutmut(workdir, args)
            if elapsed < 0:
                return 2
        found = statuses(workdir)
        if not found:
            print("no mutmut results in", workdir, file=sys.stderr)
            return 2
        lines, score = report(found, workdir)
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
