"""The batch engine on Spark (a real local SparkSession, two cores): mapInArrow over the same
table function gives the local engine's cents. Skipped, saying why, without PySpark or Java
(CI installs both: see .ci/run)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cesu_rules import default_ruleset
from cesu_rules.reform import load_reform
from cesu_rules.stream import compute_table

pytest.importorskip("pyspark", reason="the Spark test needs the 'spark' extra")
if shutil.which("java") is None:  # pragma: no cover - depends on the machine
    pytest.skip("the Spark test needs Java 17 or later", allow_module_level=True)

pa = pytest.importorskip("pyarrow")
pcsv = pytest.importorskip("pyarrow.csv")

from cesu_rules.distributed import compute_spark  # noqa: E402

from .test_stream import cases  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession  # noqa: PLC0415

    session = (
        SparkSession.builder.master("local[2]")
        .appName("cesu-rules-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_gives_the_local_engines_cents(spark: Any, tmp_path: Path) -> None:
    table = cases(2_000)
    source = tmp_path / "in.csv"
    pcsv.write_csv(table, source)
    frame = spark.read.option("header", True).csv(str(source)).repartition(3, "id")
    reform = load_reform(ROOT / "docs" / "examples" / "reform-smic-plus-2.yaml", default_ruleset())
    rows = compute_spark(frame, reform).orderBy("id").collect()
    local = compute_table(table, reform)
    assert len(rows) == local.num_rows == 2_000
    for name in ("id", "total_cost", "urssaf_debit", "error_code", "error"):
        assert [r[name] for r in rows] == local.column(name).to_pylist(), name
    some = compute_spark(frame, reform, figures="urssaf_debit,exemption_out")
    assert some.columns == [
        *table.column_names,
        "exemption_out",
        "urssaf_debit",
        "error_code",
        "error",
    ]
