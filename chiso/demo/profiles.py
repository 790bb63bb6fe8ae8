"""How each data element's made-up monthly series is drawn for the demo (illustrative only).

Forms:
  ("pop", ratio)                   stock proportional to population
  ("fixed", lo, hi)                small stock, constant (markets, schools)
  ("flow_pop", per_person_month)   monthly flow proportional to population, with a yearly rhythm
  ("flow_fixed", lo, hi)           monthly flow of roughly constant size
  ("grow_pop", start, end)         stock rising from start×population to end×population
  ("grow_fixed", (lo, hi), (lo, hi))  small count rising between two drawn values
  ("score", (lo, hi), (lo, hi))    score rising between two drawn values (one decimal)
Numerators not listed are a rising share of their denominator: NUMERATOR_SHARE, or the default.
"""

from __future__ import annotations

PROFILES: dict[str, tuple] = {
    "DS": ("pop", 1.0),
    "DS-TT": ("pop", 0.74),
    "DS-15": ("pop", 0.80),
    "DS-LD": ("pop", 0.62),
    "HO": ("pop", 0.29),
    "THON-TDP": ("pop", 0.0022),
    "DN": ("pop", 0.010),
    "KTS-06.MS": ("pop", 0.0095),
    "KTS-09.MS": ("pop", 0.040),
    "KTS-12.MS": ("pop", 0.006),
    "TTHC": ("fixed", 95, 130),
    "CQS-05.MS": ("fixed", 25, 45),
    "CBCC": ("fixed", 18, 32),
    "CQS-21.MS": ("fixed", 2, 6),
    "KTS-11.MS": ("fixed", 0, 3),
    "XHS-15.MS": ("fixed", 2, 6),
    "XHS-16.MS": ("fixed", 1, 4),
    "CQS-02.MS": ("flow_fixed", 60, 90),
    "CQS-15.MS": ("flow_fixed", 120, 260),
    "CQS-03.MS": ("flow_pop", 0.012),
    "HS": ("flow_pop", 0.012),
    "HS-GQ": ("flow_pop", 0.0115),
    "CQS-06.MS": ("flow_pop", 0.004),
    "CQS-12.MS": ("flow_pop", 0.0115),
    "CQS-13.MS": ("flow_pop", 0.005),
    "XHS-12.MS": ("flow_pop", 0.003),
    "KTS-01.MS": ("flow_pop", 8.0),
    "KTS-02.MS": ("flow_pop", 5.0),
    "XHS-05": ("grow_pop", 0.40, 0.85),
    "XHS-11": ("grow_pop", 0.002, 0.025),
    "KTS-03": ("grow_pop", 0.0008, 0.0012),
    "XHS-14": ("flow_pop", 0.004),
    "CQS-20": ("grow_fixed", (0, 2), (2, 6)),
    "KTS-04": ("grow_fixed", (0, 1), (1, 3)),
    "KTS-05": ("grow_fixed", (0, 5), (5, 25)),
    "KTS-10": ("grow_fixed", (2, 8), (10, 40)),
    "CQS-14": ("score", (55, 75), (80, 95)),
}

# Numerator as a rising share of its denominator: ((start range), (end range)).
DEFAULT_SHARE = ((0.25, 0.55), (0.75, 0.97))
NUMERATOR_SHARE: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "XHS-06": ((0.55, 0.60), (0.85, 0.90)),  # accounts activated, as a share of applications collected
    "XHS-01.TS": ((0.60, 0.70), (0.82, 0.92)),
    "KTS-01.TS": ((0.08, 0.12), (0.16, 0.22)),
    "KTS-02.TS": ((0.04, 0.06), (0.09, 0.13)),
    "CQS-16.TS": ((0.70, 0.80), (0.95, 0.99)),
    "CQS-08.TS": ((5.5, 6.5), (2.5, 3.5)),  # days per resolved dossier: falls over time
}
# Stocks that only grow and whose share of another element is drawn like a numerator.
SHARE_OF = {"XHS-06": "XHS-05"}

# Elements a tổ dân phố reports in the demo, as a share of its ward.
RESIDENTIAL_GROUP_ELEMENTS = ("DS", "HO", "XHS-05", "XHS-06", "XHS-14")
