"""``bounds.ordinary``, the import's fast path, says exactly what ``fault`` and ``warning`` say together."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from chiso.engine import bounds

TYPES = [*bounds.RANGES, "unknown"]
EDGES = [Decimal(t) for t in ("0", "-0", "1", "-1", "0.5", "100", "100.0000001", "100.000001", "1000", "1000.5",
                              "1E+9", "1000000000.000001", "1E+12", "1000000000000.5", "1E+31", "-1E+31",
                              "1E-7", "0.0000005", "1.0000000", "12.3456789", "-1000", "-1E+6", "-1E+9", "Infinity",
                              "-Infinity", "NaN", "1E+999999999")]


def _both(value: Decimal, value_type: str) -> bool:
    return bounds.fault(value, value_type) is None and bounds.warning(value, value_type) is None


def test_it_agrees_with_fault_and_warning_at_every_edge():
    assert [(v, t) for v in EDGES for t in TYPES if bounds.ordinary(v, t) != _both(v, t)] == []


@given(st.decimals(allow_nan=True, allow_infinity=True), st.sampled_from(TYPES))
def test_it_agrees_with_fault_and_warning(value: Decimal, value_type: str):
    assert bounds.ordinary(value, value_type) == _both(value, value_type)


@given(st.decimals(min_value=-10 ** 13, max_value=10 ** 13, places=8), st.sampled_from(TYPES))
def test_it_agrees_on_numbers_near_the_ranges(value: Decimal, value_type: str):
    assert bounds.ordinary(value, value_type) == _both(value, value_type)
