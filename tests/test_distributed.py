"""The batch engine on a real Dask cluster (a LocalCluster of two worker processes): the same
cents as the local engine, and a failed run leaves no output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cesu_rules import CesuRulesError, default_ruleset
from cesu_rules.reform import load_reform
from cesu_rules.stream import compute_table

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from cesu_rules.distributed import run_dask  # noqa: E402

from .helpers import run_cli  # noqa: E402
from .test_stream import cases  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as local,
    ):
        yield local


def test_a_partitioned_run_equals_the_local_engine(cluster: Any, tmp_path: Path) -> None:
    table = cases(4_000)
    source = tmp_path / "in"  # a dataset of four files: four partitions
    source.mkdir()
    for k in range(4):
        pq.write_table(table.slice(1_000 * k, 1_000), source / f"part-{k}.parquet")
    reform = load_reform(ROOT / "docs" / "examples" / "reform-smic-plus-2.yaml", default_ruleset())
    status, out, err = run_cli(
        "batch",
        str(source),
        "--out",
        str(tmp_path / "out"),
        "--dask",
        cluster.scheduler_address,
        "--reform",
        str(ROOT / "docs" / "examples" / "reform-smic-plus-2.yaml"),
    )
    assert status == 0, err
    assert out.startswith("4,000 rows computed on the Dask cluster at tcp://")
    parts = sorted((tmp_path / "out").glob("*.parquet"))
    assert len(parts) >= 2
    distributed_rows = pa.concat_tables([pq.read_table(p) for p in parts])
    local = compute_table(table, reform)
    assert distributed_rows.num_rows == local.num_rows
    for name in ("id", "total_cost", "employer_total", "tax_credit", "error_code", "error"):
        assert distributed_rows.column(name).to_pylist() == local.column(name).to_pylist(), name
    meta = (tmp_path / "out" / "_cesu_rules.meta.json").read_text(encoding="utf-8")
    assert reform.hash in meta
    status, _, err = run_cli(
        "batch", str(source), "--out", str(tmp_path / "some"), "--dask",
        cluster.scheduler_address, "--figures", "tax_credit,gross",
    )  # fmt: skip
    assert status == 0, err
    some = pa.concat_tables(
        [pq.read_table(p) for p in sorted((tmp_path / "some").glob("*.parquet"))]
    )
    assert some.column_names == [*table.column_names, "gross", "tax_credit", "error_code", "error"]


def _dies_on_the_third_case(frame: Any, *args: Any) -> Any:
    if (frame["id"] == "000003").any():
        os._exit(1)  # the worker process is lost
    from cesu_rules.distributed import _compute_partition  # noqa: PLC0415

    return _compute_partition(frame, *args)


def test_a_lost_worker_fails_the_run_and_writes_nothing(cluster: Any, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for k in range(4):
        pq.write_table(cases(400).slice(100 * k, 100), source / f"part-{k}.parquet")
    target = tmp_path / "out"
    with distributed.Client(cluster) as client, pytest.raises(CesuRulesError) as caught:
        run_dask(
            source, target, default_ruleset(), address=client, partition=_dies_on_the_third_case
        )
    assert caught.value.code == "distributed_error"
    assert "the Dask run failed and wrote nothing" in caught.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
