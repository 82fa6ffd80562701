"""The scalar-vs-batch comparison, once: used by tests/test_batch.py on hypothesis draws and by
benchmarks/bench_differential.py on 100 000 rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cesu_rules import CesuRulesError, Ruleset, estimate
from cesu_rules.batch import OUTPUT_COLUMNS, BatchResult, compute_batch
from cesu_rules.tables import columns_from_rows


def batch_of(rows: list[dict[str, Any]], ruleset: Ruleset) -> BatchResult:
    return compute_batch(columns_from_rows(rows), ruleset)


def differences(
    rows: list[dict[str, Any]], ruleset: Ruleset, result: BatchResult | None = None
) -> list[str]:
    """Every way the batch result of ``rows`` differs from the scalar estimate of each row
    (a figure, a refusal's code or message), one line each; empty when they agree."""
    result = result if result is not None else batch_of(rows, ruleset)
    texts = result.error_texts().to_pylist()
    codes = result.error_codes().to_pylist()
    found: list[str] = []
    for i, row in enumerate(rows):
        kwargs: dict[str, Any] = {k: (None if v == "" else v) for k, v in row.items()}
        month = kwargs.pop("month")
        refusal: tuple[str, str] | None = None
        try:
            expected = estimate(month, ruleset=ruleset, **kwargs)
        except CesuRulesError as exc:
            refusal = (exc.code, exc.message)
        if refusal is not None:
            if (codes[i], texts[i]) != refusal:
                found.append(f"row {i} {row}: batch {(codes[i], texts[i])}, scalar {refusal}")
            continue
        if texts[i] != "":
            found.append(f"row {i} {row}: batch refuses ({texts[i]}), scalar computes")
            continue
        for name in OUTPUT_COLUMNS:
            mine = Decimal(int(result.values[name][i])) / 100
            if mine != getattr(expected, name):
                found.append(
                    f"row {i} {row}: {name} batch {mine}, scalar {getattr(expected, name)}"
                )
    return found
