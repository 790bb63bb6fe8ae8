"""Consistency checks of a yearly plan, on plain records (the DB wrapper is ``check_plan``).

What a district's published plan can get wrong, from the real cases of Đà Nẵng 2024:
* a pillar named twice ("12 chỉ tiêu kinh tế số, 3 chỉ tiêu kinh tế số và 8 chỉ tiêu xã hội số");
* the stated total differs from the sum of the pillar counts;
* the pillar counts stated differ from the targets actually listed;
* an indicator whose value cannot be computed from data elements (no numerator or denominator);
* a target below the minimum the level above assigned (above it, for a lower-is-better indicator), or
  no target at all for an indicator the level above assigned a minimum for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TargetRecord:
    indicator: str
    pillar: str
    direction: str
    value: Decimal
    computable: bool  # the indicator has the data elements its formula needs


@dataclass(frozen=True)
class MinimumRecord:
    indicator: str
    value: Decimal
    assigned_by: str  # name of the unit that assigned it


def check(
    stated_total: int | None,
    stated_by_pillar: Sequence[Sequence[object]],
    targets: Sequence[TargetRecord],
    minimums: Sequence[MinimumRecord],
) -> list[str]:
    """One Vietnamese sentence per inconsistency.

    >>> check(23, [["KTS", 12], ["KTS", 3], ["XHS", 8]], [], [])[0]
    'Trụ cột KTS được ghi 2 lần trong văn bản (12 và 3 chỉ tiêu).'
    """
    problems = []
    counts: dict[str, list[int]] = {}
    for pillar, count in stated_by_pillar:
        counts.setdefault(str(pillar), []).append(int(count))  # type: ignore[call-overload]
    for pillar, numbers in counts.items():
        if len(numbers) > 1:
            problems.append(f"Trụ cột {pillar} được ghi {len(numbers)} lần trong văn bản "
                            f"({' và '.join(map(str, numbers))} chỉ tiêu).")
    stated_sum = sum(n for numbers in counts.values() for n in numbers)
    if stated_total is not None and stated_by_pillar and stated_sum != stated_total:
        problems.append(f"Tổng số chỉ tiêu ghi {stated_total} nhưng cộng theo trụ cột được {stated_sum}.")
    listed = Counter(t.pillar for t in targets)
    if stated_by_pillar:
        for pillar in sorted(set(counts) | set(listed)):
            stated = sum(counts.get(pillar, []))
            if stated != listed.get(pillar, 0):
                problems.append(f"Trụ cột {pillar}: văn bản ghi {stated} chỉ tiêu, kế hoạch khai báo "
                                f"{listed.get(pillar, 0)}.")
    elif stated_total is not None and stated_total != len(targets):
        problems.append(f"Văn bản ghi {stated_total} chỉ tiêu, kế hoạch khai báo {len(targets)}.")
    for t in targets:
        if not t.computable:
            problems.append(f"Chỉ tiêu {t.indicator} chưa có đủ yếu tố dữ liệu (tử số, mẫu số) để tính: "
                            "chỉ dùng được tỷ lệ do đơn vị báo cáo trực tiếp.")
    floor = {m.indicator: m for m in minimums}
    listed_codes = {t.indicator for t in targets}
    for assigned in floor.values():
        if assigned.indicator not in listed_codes:
            problems.append(f"Chỉ tiêu {assigned.indicator}: {assigned.assigned_by} giao mức tối thiểu "
                            f"{assigned.value.normalize():f} nhưng kế hoạch chưa đặt chỉ tiêu này.")
    for t in targets:
        m = floor.get(t.indicator)
        if m is None:
            continue
        below = t.value < m.value if t.direction == "up" else t.value > m.value
        if below:
            word = "thấp hơn" if t.direction == "up" else "cao hơn"
            problems.append(f"Chỉ tiêu {t.indicator}: mục tiêu {t.value.normalize():f} {word} mức tối thiểu "
                            f"{m.value.normalize():f} do {m.assigned_by} giao.")
    return problems


def check_plan(plan) -> list[str]:  # type: ignore[no-untyped-def]
    """Check a stored Plan against its targets and the minimums its ancestors assigned."""
    from chiso.plans.models import Target, TargetScope
    from chiso.units.queries import ancestors

    own = plan.targets.filter(scope=TargetScope.OWN).select_related("indicator__pillar")
    records = [TargetRecord(t.indicator.code, t.indicator.pillar.code, t.indicator.direction, t.value,
                            t.indicator.is_ratio or t.indicator.kind in ("count", "score")) for t in own]
    minimums = [
        MinimumRecord(t.indicator.code, t.value, t.plan.unit.name)
        for t in Target.objects.filter(scope=TargetScope.CHILDREN_MINIMUM, plan__year=plan.year,
                                       plan__unit__in=list(ancestors(plan.unit)))
        .select_related("indicator", "plan__unit")
    ]
    return check(plan.stated_total, plan.stated_by_pillar, records, minimums)
