"""Every output is written whole or not at all: failed, refused, interrupted and concurrent
runs leave no partial or mixed file, and existing files untouched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cesu_rules.output import outputs

from .helpers import run_cli, write

ROOT = Path(__file__).resolve().parent.parent

pyarrow = pytest.importorskip("pyarrow")
pytest.importorskip("pyarrow.parquet")

SCENARIO = """\
label: grid
fixed: {month: 2024-04, net_hourly: "12.00"}
axes: {hours: [10, 20]}
plot: {x: hours, y: total_cost}
"""


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def test_a_failed_run_writes_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    scenario = write(tmp_path, "s.yaml", SCENARIO)
    rows = write(tmp_path, "rows.csv", "old\n")
    # The chart's folder does not exist: refused before anything is computed or written.
    status, _, err = run_cli(
        "simulate", str(scenario), "--out", str(rows), "--plot", str(tmp_path / "nodir" / "p.png")
    )
    assert status == 2
    assert "the folder" in err
    assert "does not exist" in err
    assert rows.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_an_output_equal_to_an_input_or_read_only_is_refused(tmp_path: Path) -> None:
    table = write(tmp_path, "in.csv", "month,hours,net_hourly\n2024-04,10,12.00\n")
    status, _, err = run_cli("batch", str(table), "--out", str(table))
    assert status == 2
    assert "is also an input" in err
    assert table.read_text().startswith("month,hours")
    locked = write(tmp_path, "locked.csv", "keep\n")
    locked.chmod(0o444)
    try:
        status, _, err = run_cli("batch", str(table), "--out", str(locked))
        assert status == 2
        assert "it is read-only" in err
        assert locked.read_text() == "keep\n"
    finally:
        locked.chmod(0o644)
    status, _, err = run_cli("batch", str(table), "--out", str(tmp_path / "out.txt"))
    assert (status, "write a .csv or .parquet file" in err) == (2, True)


def test_an_error_inside_the_block_removes_the_temporary_files(tmp_path: Path) -> None:
    target = write(tmp_path, "a.txt", "old")

    def half_written() -> None:
        with outputs() as out:
            out.target(target).write_text("new, half written")
            out.target(tmp_path / "b.txt").write_text("other")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        half_written()
    assert target.read_text() == "old"
    assert not (tmp_path / "b.txt").exists()
    assert _leftovers(tmp_path) == []


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from cesu_rules.cli import run; run()", *args]


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_batch_leaves_no_file_and_no_traceback(
    tmp_path: Path, sig: int, status: int
) -> None:
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)  # the batch blocks reading it: the signal surely arrives mid-run
    out = tmp_path / "out.parquet"
    proc = subprocess.Popen(
        _cli("batch", str(fifo), "--out", str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".out.parquet.") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline, "the batch never declared its output"
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    assert "Traceback" not in err
    assert "no output file was written" in err
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_two_runs_to_one_output_leave_one_complete_run(tmp_path: Path) -> None:
    rows = 20_000
    a = write(tmp_path, "a.csv", "month,hours,net_hourly,run\n" + "2024-04,10,12.00,a\n" * rows)
    b = write(tmp_path, "b.csv", "month,hours,net_hourly,run\n" + "2024-04,20,13.00,b\n" * rows)
    out = tmp_path / "out.parquet"
    procs = [
        subprocess.Popen(_cli("batch", str(p), "--out", str(out)), stderr=subprocess.PIPE)
        for p in (a, b)
    ]
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    table = pyarrow.parquet.read_table(out)
    assert table.num_rows == rows
    assert len(set(table.column("run").to_pylist())) == 1  # one run's rows, never a mix
    assert _leftovers(tmp_path) == []


def test_an_io_error_no_command_expected_is_one_line_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's last resort: an OSError raised midway (here a lost mount while writing the
    household report) is one line naming the file the user asked for, exit 2, no file."""
    import errno  # noqa: PLC0415

    real = Path.write_text

    def lost(self: Path, *args: object, **kwargs: object) -> int:
        if self.name.endswith(".partial"):
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", lost)
    target = tmp_path / "report.json"
    status, out, err = run_cli(
        "household", str(ROOT / "docs" / "examples" / "household.yaml"), "--out", str(target)
    )
    assert (status, out) == (2, "")
    assert err == f"cesu-rules: error: {target}: Input/output error\n"
    assert list(tmp_path.iterdir()) == []
    status, out, _ = run_cli(
        "household", str(ROOT / "docs" / "examples" / "household.yaml"), "--out", str(target),
        "--json",
    )  # fmt: skip
    assert status == 2
    assert json.loads(out)["error"]["code"] == "io_error"
