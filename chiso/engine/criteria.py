"""Certification against a criteria set ("Khu dân cư công nghệ số"): mandatory criteria and "k of n" optional ones.

A criterion is a threshold on a figure of the unit (``at_least``, ``more_than``, ``at_most``) or a yes/no
(``boolean``: a manual criterion, proven by evidence). A unit is certified when it passes every mandatory
criterion and at least k optional ones (k defaults to all of them). A criterion without an input is
*missing*: it neither passes nor fails, and a missing mandatory criterion withholds the certificate.

>>> kdc = CriteriaSet((Criterion("INTERNET", "Mọi hộ dùng internet", True, "at_least", 100),
...                    Criterion("VNEID", "Trên 90% có tài khoản định danh", True, "more_than", 90),
...                    Criterion("BANDO", "Có bản đồ số tổ dân phố", False, "boolean")), k=0)
>>> assess(kdc, {"INTERNET": 100, "VNEID": 93.5})
Assessment(certified=True, passed=['INTERNET', 'VNEID'], failed=[], missing=['BANDO'])
>>> assess(kdc, {"INTERNET": 100, "VNEID": 90, "BANDO": "có"}).failed
['VNEID']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chiso.engine.scoring import RuleError, is_yes

__all__ = ["CRITERION_RULES", "Assessment", "CriteriaSet", "Criterion", "assess"]

CRITERION_RULES = ("at_least", "more_than", "at_most", "boolean")


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    mandatory: bool
    rule: str
    threshold: float | None = None


@dataclass(frozen=True)
class CriteriaSet:
    criteria: tuple[Criterion, ...]
    k: int | None = None  # optional criteria to pass; None: all of them

    @property
    def needed(self) -> int:
        optional = sum(1 for c in self.criteria if not c.mandatory)
        return optional if self.k is None else min(self.k, optional)


@dataclass(frozen=True)
class Assessment:
    certified: bool
    passed: list[str]
    failed: list[str]
    missing: list[str]


def meets(criterion: Criterion, value: float | str) -> bool:
    """Whether ``value`` meets ``criterion``; a word where a number is needed does not.

    >>> meets(Criterion("A", "", True, "at_most", 5), 5), meets(Criterion("B", "", True, "boolean"), "Không")
    (True, False)
    """
    if criterion.rule == "boolean":
        try:
            return is_yes(value)
        except RuleError:
            return False
    if isinstance(value, str) or criterion.threshold is None:
        return False
    if criterion.rule == "at_least":
        return value >= criterion.threshold
    if criterion.rule == "more_than":
        return value > criterion.threshold
    return value <= criterion.threshold  # at_most


def assess(criteria_set: CriteriaSet, given: Mapping[str, float | str]) -> Assessment:
    passed, failed, missing = [], [], []
    for criterion in criteria_set.criteria:
        if criterion.code not in given:
            missing.append(criterion.code)
        elif meets(criterion, given[criterion.code]):
            passed.append(criterion.code)
        else:
            failed.append(criterion.code)
    mandatory = {c.code for c in criteria_set.criteria if c.mandatory}
    optional_passed = sum(1 for code in passed if code not in mandatory)
    certified = mandatory <= set(passed) and optional_passed >= criteria_set.needed
    return Assessment(certified, passed, failed, missing)
