"""Build the Đà Nẵng demo: reference units, catalogue, every real figure, illustrative series.

Illustrative series are drawn once per *origin* (a ward of 2024, or a unit of today with no
predecessor, such as the former Quảng Nam communes) for every month of 2022–2025, then expressed
on each hierarchy version through the successions: a unit of 2025 gets the sum of its
predecessors' series times the documented population share. So the demo agrees with itself
across the reorganisation, and with its real sources:

* Quận Thanh Khê's real 2024 figures (accounts, applications, markets, schools, signatures) are
  split over its ten wards' December 2024 values so that they add up exactly;
* phường Thạc Gián's series passes through its real 5.151 accounts and 11.597 residents of 2023;
* the real online-dossier rates (Thanh Khê 91% to 1/12/2022, the city 94% in 12/2023) are what
  the wards' made-up numerators and denominators give.
Where a share is unknown (xã Hòa Liên) the demo uses one half, stated in the value's comment.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection, transaction

from chiso.accounts.actions import do_grant_role
from chiso.accounts.models import Role, RoleAssignment
from chiso.collection.catalogue import load_rules
from chiso.demo import illustrative as gen
from chiso.demo.facts import place_facts
from chiso.demo.profiles import (
    DEFAULT_SHARE,
    NUMERATOR_SHARE,
    PROFILES,
    RESIDENTIAL_GROUP_ELEMENTS,
    SHARE_OF,
)
from chiso.demo.registers import add_registers
from chiso.demo.reports import add_reports
from chiso.demo.teams import add_teams
from chiso.engine.periods import Period
from chiso.indicators.catalogue import load_catalogue
from chiso.indicators.models import DataElement, Indicator, OverHierarchy
from chiso.totals.refresh import rebuild
from chiso.units import invariants
from chiso.units.loaders import UnitSpec, load_reference, refresh_paths, upsert_units
from chiso.units.models import HierarchyVersion, Succession, SuccessionKind, Unit
from chiso.units.types import UnitType
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel

MONTHS = [Period.of_month(2022 + i // 12, i % 12 + 1) for i in range(48)]  # 2022-01 … 2025-12
INDEX = {str(p): i for i, p in enumerate(MONTHS)}
PERIODS = {str(p): p for p in MONTHS}
THANH_KHE_2024 = "491"
ILLUSTRATIVE_SOURCE = "Số liệu minh họa do chiso sinh ra cho bản trình diễn — không phải số liệu thật."
UNKNOWN_SHARE = 0.5
DEMO_PASSWORD = "chiso-demo"


@dataclass(frozen=True)
class DistrictTotal:
    """A real district figure its wards' illustrative values must add up to."""

    element: str
    month: str
    total: int


# Real figures of quận Thanh Khê, 2024 (facts_danang.csv): a stock's year value is its December value.
THANH_KHE_TOTALS = (
    DistrictTotal("KTS-11.MS", "2024-12", 12),
    DistrictTotal("KTS-11.TS", "2024-12", 12),
    DistrictTotal("XHS-15.MS", "2024-12", 36),
    DistrictTotal("XHS-15.TS", "2024-12", 36),
    DistrictTotal("XHS-05", "2024-12", 166039),
    DistrictTotal("XHS-06", "2024-12", 133713),
    DistrictTotal("XHS-11", "2024-12", 3535),  # real: "hơn 3.500" (more than 3.500)
)
# Real rates: (district code or None for the whole city, months, numerator, denominator, rate).
RATE_CONSTRAINTS = (
    (THANH_KHE_2024, [f"2022-{m:02d}" for m in range(1, 12)], "CQS-03.TS", "CQS-03.MS", 0.91),
    (None, ["2023-12"], "CQS-03.TS", "CQS-03.MS", 0.94),
)
# Real figures of a ward its own series must pass through: (ward code 2024, element, month, value).
WARD_PINS = (("20221", "DS", "2023-12", 11597), ("20221", "XHS-06", "2023-12", 5151))

RESIDENTIAL_GROUPS = (  # (code, name, ward code in 2024); the same groups persist in 2025
    ("TDP-TG-01", "Tổ dân phố 1 (Thạc Gián)", "20221"),
    ("TDP-TG-02", "Tổ dân phố 2 (Thạc Gián)", "20221"),
    ("TDP-TG-03", "Tổ dân phố 3 (Thạc Gián)", "20221"),
    ("TDP-TC-01", "Tổ dân phố 1 (Tân Chính)", "20212"),
    ("TDP-TC-02", "Tổ dân phố 2 (Tân Chính)", "20212"),
    ("TDP-TC-03", "Tổ dân phố 3 (Tân Chính)", "20212"),
)


@dataclass(frozen=True)
class Scope:
    """Which illustrative figures are written: every commune and month (the demo, ``ALL``), or a few 2024 wards
    and months (the test suite's small world). The series are drawn for every unit either way, so a figure of
    the small world is the demo's figure, and building the whole demo over it only adds."""

    wards: frozenset[str] | None = None  # codes of 2024 wards (their residential groups come with them)
    months: frozenset[str] | None = None

    def takes(self, unit: Unit, ward_2024: str | None = None) -> bool:
        return self.wards is None or (unit.version.name == "2024" and (ward_2024 or unit.code) in self.wards)

    def months_of(self, months: list[str]) -> list[str]:
        return months if self.months is None else [m for m in months if m in self.months]


ALL = Scope()


@transaction.atomic
def build_demo(*, illustrative: bool = True, scope: Scope = ALL) -> dict[str, int]:
    """Load everything the demo shows into the database (empty, or holding a smaller ``scope`` of it); return
    what was made."""
    summary = load_reference() | load_catalogue()
    add_residential_groups()
    create_demo_users()
    summary |= place_facts(author=User.objects.get(username=DEMO_ADMIN))
    if illustrative:
        summary["illustrative_values"] = add_illustrative_values(scope)
        summary |= add_registers(scope)  # the registers behind Thanh Khê's figures (demo/registers.py)
    summary["rules"] = load_rules()
    summary["reports"] = add_reports(generated_elements())
    if illustrative:  # after the reports: the areas' own form would otherwise be among them
        from chiso.demo.certifications import add_certifications

        summary |= add_certifications()
    if illustrative and scope == ALL:  # rankings read every ward's published figures: the whole demo only
        from chiso.demo.rankings import add_rankings

        summary |= add_rankings()
        summary |= add_teams()  # community teams, illustrative members, a month of logs (chiso/demo/teams.py)
    summary["totals"] = rebuild().rows  # the roll-ups of everything loaded in bulk; writes keep them fresh after
    analyze()
    return summary


def analyze() -> None:
    """Fresh planner statistics and visibility map after a bulk load: PostgreSQL's autovacuum would gather
    them only later, and until then it plans the portal's and the suite's queries for empty tables and reads
    every heap page where an index would do (a count of the 221.000 demo figures: 30 ms, then 15 ms).
    VACUUM cannot run inside a transaction; there ANALYZE alone."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def add_residential_groups() -> None:
    """A few tổ dân phố of Thạc Gián and Tân Chính, in every version, with their successions."""
    versions = list(HierarchyVersion.objects.all())
    ward_of = {code: ward for code, _, ward in RESIDENTIAL_GROUPS}
    homes = {}  # (version, group code) -> ward unit
    for version in versions:
        for code, _, ward_code in RESIDENTIAL_GROUPS:
            homes[(version.name, code)] = ward_in(version, ward_code)
    specs = []
    for (version_name, code), home in homes.items():
        name = next(n for c, n, _ in RESIDENTIAL_GROUPS if c == code)
        r = gen.rng(code)
        lat = (home.latitude or 16.06) + r.uniform(-0.003, 0.003)
        lon = (home.longitude or 108.2) + r.uniform(-0.003, 0.003)
        specs.append(UnitSpec(version_name, code, name, UnitType.RESIDENTIAL_GROUP, home.code, lat, lon,
                              "Tổ dân phố minh họa cho bản trình diễn (tên và ranh giới không có thật)."))
    upsert_units(specs, {v.name: v.id for v in versions})
    units = {(u.version.name, u.code): u for u in Unit.objects.filter(code__in=ward_of).select_related("version")}
    for earlier, later in zip(versions, versions[1:], strict=False):
        for code in ward_of:
            Succession.objects.get_or_create(
                from_unit=units[(earlier.name, code)], to_unit=units[(later.name, code)],
                defaults={"kind": SuccessionKind.UNCHANGED, "effective_date": later.valid_from,
                          "population_share": Decimal(1), "source": "Minh họa."},
            )
    refresh_paths()
    problems = invariants.check_database()
    if problems:
        raise RuntimeError("\n".join(problems))


def ward_in(version: HierarchyVersion, ward_code_2024: str) -> Unit:
    """The commune-level unit of ``version`` that a 2024 ward went (mainly) into."""
    unit = Unit.objects.get(version__name="2024", code=ward_code_2024)
    while unit.version_id != version.id:
        link = (Succession.objects.filter(from_unit=unit, to_unit__type__in=COMMUNE_TYPES)
                .order_by("-population_share").select_related("to_unit").first())
        assert link is not None, f"no successor for {unit}"
        unit = link.to_unit
    return unit


COMMUNE_TYPES = [UnitType.WARD, UnitType.COMMUNE, UnitType.TOWNLET, UnitType.SPECIAL_ZONE]


# --- illustrative series -------------------------------------------------------------------------

def add_illustrative_values(scope: Scope = ALL) -> int:
    elements = generated_elements()
    series = origin_series(elements)
    apply_real_constraints(series)
    clamp_numerators(series)
    entries = []
    by_code = {e.code: e for e in DataElement.objects.filter(code__in=elements)}
    for unit, weights, months, codes, note in expressions(scope):
        for code in codes:
            element = by_code[code]
            for month in months:
                value = combine(element, weights, series, code, INDEX[month])
                if value is None:
                    continue
                entries.append(ValueEntry(
                    data_element=element, unit=unit, period=PERIODS[month], value=value,
                    source=ILLUSTRATIVE_SOURCE, comment=note, is_illustrative=True,
                ))
    do_set_values(entries, acting_user=None, channel=Channel.DEMO, reason="Sinh dữ liệu minh họa")
    return len(entries)


def generated_elements() -> list[str]:
    """Numerators, denominators and counts of the national catalogue, in drawing order."""
    codes: list[str] = ["DS"]
    for indicator in Indicator.objects.filter(is_local=False).select_related("numerator", "denominator", "reported"):
        parts = [indicator.denominator, indicator.numerator] if indicator.is_ratio else [indicator.reported]
        for element in parts:
            if element is not None and element.code not in codes:
                codes.append(element.code)
    # denominators first, so numerators can be drawn as their share
    denominators = set(Indicator.objects.filter(is_local=False).values_list("denominator__code", flat=True))
    numerators = {i.numerator.code: i.denominator.code for i in
                  Indicator.objects.filter(is_local=False, numerator__isnull=False, denominator__isnull=False)
                  .select_related("numerator", "denominator")}
    ordered = [c for c in codes if c in denominators or c not in numerators]
    return ordered + [c for c in codes if c not in ordered]


def numerator_pairs() -> dict[str, str]:
    pairs = {i.numerator.code: i.denominator.code for i in
             Indicator.objects.filter(numerator__isnull=False, denominator__isnull=False)
             .select_related("numerator", "denominator")}
    return pairs | SHARE_OF


def origins() -> list[Unit]:
    """Units whose series are drawn: 2024 communes of Đà Nẵng, and today's units without a past."""
    first = list(Unit.objects.filter(version__name="2024", type__in=COMMUNE_TYPES))
    danang_today = Unit.objects.filter(version__name="2025-07", parent__code="48", parent__version__name="2025-07")
    fresh = list(danang_today.filter(type__in=COMMUNE_TYPES, predecessions__isnull=True))
    return first + fresh


def origin_series(elements: list[str]) -> dict[tuple[str, str], list[float]]:
    """{(origin key, element code): 48 monthly values} drawn deterministically."""
    pairs = numerator_pairs()
    pins = {(ward, code): (INDEX[month], value) for ward, code, month, value in WARD_PINS}
    series: dict[tuple[str, str], list[float]] = {}
    for unit in origins():
        key = origin_key(unit)
        r = gen.rng("population", key)
        if (unit.code, "DS") in pins and unit.version.name == "2024":
            at, value = pins[(unit.code, "DS")]
            base = value / (1 + 0.01 * at / 12)
        else:
            base = r.uniform(9000, 32000) if unit.type == UnitType.WARD else r.uniform(6000, 22000)
        population = [base * (1 + 0.01 * i / 12) for i in range(48)]
        for code in elements:
            series[(key, code)] = draw(code, key, population, series, pairs)
    return series


def origin_key(unit: Unit) -> str:
    return f"{unit.version.name}/{unit.code}"


def draw(code: str, key: str, population: list[float], series: dict, pairs: dict[str, str]) -> list[float]:
    r = gen.rng(key, code)
    n = len(population)
    profile = PROFILES.get(code)
    if profile is None:
        denominator = series[(key, pairs[code])]
        start, end = NUMERATOR_SHARE.get(code, DEFAULT_SHARE)
        share = gen.growing_share(r, n, start, end)
        return [d * s for d, s in zip(denominator, share, strict=True)]
    form = profile[0]
    if form == "pop":
        return [p * profile[1] for p in population]
    if form == "fixed":
        return [float(r.randint(profile[1], profile[2]))] * n
    if form == "flow_pop":
        noise = [r.uniform(0.9, 1.1) for _ in range(n)]
        return [p * profile[1] * gen.seasonal(i) * (1 + 0.06 * i / 12) * noise[i] for i, p in enumerate(population)]
    if form == "flow_fixed":
        size = r.randint(profile[1], profile[2])
        return [size * gen.seasonal(i) * r.uniform(0.9, 1.1) for i in range(n)]
    if form == "grow_pop":
        return [p * (profile[1] + (profile[2] - profile[1]) * i / (n - 1)) for i, p in enumerate(population)]
    if form == "grow_fixed":
        a, b = r.randint(*profile[1]), r.randint(*profile[2])
        return [float(math.floor(a + (b - a) * i / (n - 1))) for i in range(n)]
    if form == "score":
        return gen.growing_share(r, n, profile[1], profile[2])
    raise ValueError(f"unknown profile {profile!r} for {code}")


def apply_real_constraints(series: dict[tuple[str, str], list[float]]) -> None:
    """Make the made-up wards agree with the real district, city and ward figures."""
    wards_2024 = Unit.objects.filter(version__name="2024", type__in=COMMUNE_TYPES).select_related("parent")
    thanh_khe = sorted(f"2024/{u.code}" for u in wards_2024 if u.parent.code == THANH_KHE_2024)
    pairs = numerator_pairs()
    for total in THANH_KHE_TOTALS:
        at = INDEX[total.month]
        caps = [series[(k, pairs[total.element])][at] for k in thanh_khe] if total.element in pairs else None
        weights = [series[(k, total.element)][at] for k in thanh_khe]
        for key, new in zip(thanh_khe, gen.apportion(total.total, weights, caps), strict=True):
            rescale(series[(key, total.element)], at, new)
    for ward, code, month, value in WARD_PINS:
        if code != "DS":  # the population pin is already the base of the ward's series
            pin(series[(f"2024/{ward}", code)], INDEX[month], value, anchor=INDEX["2024-12"])
    for district, months, numerator, denominator, rate in RATE_CONSTRAINTS:
        keys = sorted(f"2024/{u.code}" for u in wards_2024 if district is None or u.parent.code == district)
        cells = [(k, INDEX[m]) for k in keys for m in months]
        dens = [round(series[(k, denominator)][i]) for k, i in cells]
        for (k, i), d in zip(cells, dens, strict=True):
            series[(k, denominator)][i] = float(d)
        nums = gen.apportion(round(rate * sum(dens)), [series[(k, numerator)][i] for k, i in cells], dens)
        for (k, i), value in zip(cells, nums, strict=True):
            series[(k, numerator)][i] = float(value)


def rescale(values: list[float], at: int, new: float) -> None:
    """Scale a whole series so that its value at ``at`` becomes ``new`` (keeps its shape)."""
    old = values[at]
    factor = new / old if old else 0.0
    for i, v in enumerate(values):
        values[i] = v * factor if old else float(new)
    values[at] = float(new)


def pin(values: list[float], at: int, value: float, anchor: int) -> None:
    """Pass through ``value`` at ``at``, fading the change out by ``anchor`` (kept as it was)."""
    start = value / values[at] if values[at] else 1.0
    for i in range(len(values)):
        if i <= at:
            values[i] *= start
        elif i < anchor:
            values[i] *= start + (1 - start) * (i - at) / (anchor - at)
    values[at] = float(value)


def clamp_numerators(series: dict[tuple[str, str], list[float]]) -> None:
    pairs = numerator_pairs()
    for (key, code), values in series.items():
        denominator = pairs.get(code)
        if denominator and (key, denominator) in series and code != "CQS-08.TS":
            cap = series[(key, denominator)]
            for i, v in enumerate(values):
                values[i] = min(v, cap[i])


def expressions(scope: Scope = ALL):
    """(unit, {origin key: weight}, months, element codes, comment) for every unit of ``scope`` that gets data."""
    elements = generated_elements()
    weights: dict[int, dict[str, float]] = {}
    notes: dict[int, str] = {}
    versions = list(HierarchyVersion.objects.all())
    for version in versions:
        months = [str(m) for m in MONTHS if version.covers(m.end)]
        communes = Unit.objects.filter(version=version, type__in=COMMUNE_TYPES, path__startswith=city_path(version))
        with_past = set(Succession.objects.filter(to_unit__in=communes).values_list("to_unit_id", flat=True))
        for unit in communes.select_related("version"):
            if version.name == "2024" or unit.id not in with_past:
                weights[unit.id] = {origin_key(unit): 1.0}
            else:
                combined: dict[str, float] = defaultdict(float)
                for link in unit.predecessions.select_related("from_unit").filter(from_unit__type__in=COMMUNE_TYPES):
                    share = float(link.population_share) if link.population_share is not None else UNKNOWN_SHARE
                    if link.population_share is None:
                        notes[unit.id] = (f"Một phần {link.from_unit.name} chưa rõ tỷ lệ dân số; bản trình diễn "
                                          f"tạm dùng {UNKNOWN_SHARE:.0%}.".replace(".", ","))
                    for origin, w in weights.get(link.from_unit_id, {}).items():
                        combined[origin] += w * share
                weights[unit.id] = dict(combined)
            if scope.takes(unit):
                yield unit, weights[unit.id], scope.months_of(months), elements, notes.get(unit.id, "")
        groups = Unit.objects.filter(version=version, type=UnitType.RESIDENTIAL_GROUP).select_related("version")
        for group in groups:
            ward_2024 = next(w for c, _, w in RESIDENTIAL_GROUPS if c == group.code)
            fraction = gen.rng("group", group.code).uniform(0.025, 0.045)
            if scope.takes(group, ward_2024):
                yield (group, {f"2024/{ward_2024}": fraction}, scope.months_of(months),
                       list(RESIDENTIAL_GROUP_ELEMENTS), "")


def city_path(version: HierarchyVersion) -> str:
    """The path prefix of Đà Nẵng (code 48) in ``version``: the demo's data covers the city only."""
    return Unit.objects.get(version=version, code="48").path


def combine(element: DataElement, weights: dict[str, float], series: dict, code: str, i: int) -> Decimal | None:
    parts = [(w, series[(origin, code)][i]) for origin, w in weights.items() if (origin, code) in series]
    if not parts:
        return None
    if element.over_hierarchy == OverHierarchy.NONE:  # a score: weighted mean, one decimal
        total_weight = sum(w for w, _ in parts)
        return Decimal(str(round(sum(w * v for w, v in parts) / total_weight, 1)))
    value = sum(w * v for w, v in parts)
    return Decimal(round(value))


# --- users ----------------------------------------------------------------------------------------

DEMO_ADMIN = "admin"
DEMO_USERS = (  # username, role, version, unit code, label
    ("admin", Role.ADMIN, "2025-07", "48", "quản trị thành phố (mọi phiên bản)"),
    ("thacgian", Role.REPORTER, "2024", "20221", "cán bộ phường Thạc Gián (2024)"),
    ("tanchinh", Role.REPORTER, "2024", "20212", "cán bộ phường Tân Chính (2024)"),
    ("thanhkhe", Role.REPORTER, "2025-07", "20209", "cán bộ phường Thanh Khê (nay)"),
    ("pheduyet", Role.APPROVER, "2024", "491", "phê duyệt cấp quận Thanh Khê (2024)"),
    ("lanhdao", Role.VIEWER, "2025-07", "48", "lãnh đạo thành phố (xem)"),
)


def create_demo_users() -> list[tuple[str, str]]:
    """Demo accounts, all with the password ``chiso-demo``; returns (username, label). The administrator
    (a superuser) grants every role through ``accounts.actions.do_grant_role``, so each grant has its history
    row, its own first."""
    made = []
    admin = _demo_account(DEMO_ADMIN, superuser=True)
    for username, role, version, code, label in DEMO_USERS:
        user = admin if username == DEMO_ADMIN else _demo_account(username, superuser=False)
        units = [Unit.objects.get(version__name=version, code=code)]
        if role == Role.ADMIN:
            units += Unit.objects.filter(code="48").exclude(version__name=version)
        for unit in units:
            if not RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
                do_grant_role(user, role, unit, acting_user=admin, channel=Channel.DEMO,
                              reason=f"Tài khoản trình diễn: {label}")
        made.append((username, label))
    return made


def _demo_account(username: str, *, superuser: bool) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = superuser
        user.save()
    return user
