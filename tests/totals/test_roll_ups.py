"""The roll-ups equal a recomputation from the raw figures, whatever is written, deleted, approved or reopened.

Random sequences of writes (flows and stocks, months, quarters, years and days, every qualifier, illustrative or
not), deletions and report approvals and reopenings on a three-level subtree of 2024 (city, district, ward, its
tổ dân phố); after each sequence every total, rate and completeness count read through the roll-ups equals the one
the engine adds up from the raw figures, for every figure and for published figures only.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.analytics.queries import evaluate
from chiso.collection.models import Form, FormElement, PeriodType, Status, Submission
from chiso.collection.workflow import do_transition
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, Indicator, OverHierarchy, OverTime
from chiso.totals.measures import built_keys, key_of
from chiso.totals.models import BelowTotal
from chiso.totals.refresh import check, rebuild
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, do_delete_value, do_set_values
from chiso.values.models import Channel, DataValue, Qualifier
from tests.conftest import unit

pytestmark = pytest.mark.django_db
PERIODS = ["2024-03", "2024-04", "2024-05", "2024Q2", "2024", "2024-04-15"]
ASKED = [Period.parse(p) for p in ("2024-04", "2024Q2", "2024")]
QUALIFIERS = [Qualifier.EXACT, Qualifier.APPROXIMATE, Qualifier.AT_LEAST, Qualifier.AT_MOST]


def _subtree() -> list[Unit]:
    """City 48, district 491, ward 20221 and its tổ dân phố (2024), plus another ward of 491 (a leaf)."""
    ward = unit("2024", "20221")
    groups = list(Unit.objects.filter(parent=ward).order_by("code"))
    other = Unit.objects.filter(parent=ward.parent).exclude(id=ward.id).order_by("code").first()
    assert groups and other is not None
    return [unit("2024", "48"), ward.parent, ward, other, *groups]  # type: ignore[list-item]


def _codes() -> tuple[Indicator, DataElement]:
    rate = (Indicator.objects.filter(numerator__over_hierarchy=OverHierarchy.SUM,
                                     denominator__over_hierarchy=OverHierarchy.SUM,
                                     numerator__over_time=OverTime.FLOW)
            .select_related("numerator", "denominator").order_by("code").first())
    stock = DataElement.objects.filter(over_hierarchy=OverHierarchy.SUM, over_time=OverTime.STOCK).order_by(
        "code").first()
    assert rate is not None and stock is not None
    return rate, stock


def _form(elements: list[DataElement]) -> Form:
    form = Form.objects.create(code="KT-TONG", name_vi="Biểu kiểm tra tổng", name_en="Roll-up check",
                               period_type=PeriodType.MONTH)
    FormElement.objects.bulk_create([FormElement(form=form, data_element=e, order=i) for i, e in enumerate(elements)])
    return form


operations = st.lists(st.one_of(
    st.tuples(st.just("set"), st.integers(0, 2), st.integers(1, 6), st.sampled_from(PERIODS),
              st.integers(min_value=0, max_value=10**6).map(Decimal),  # counts: whole numbers
              st.sampled_from(QUALIFIERS), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(1, 6), st.sampled_from(PERIODS)),
    st.tuples(st.just("approve"), st.integers(1, 6), st.sampled_from(PERIODS[:3])),
    st.tuples(st.just("reopen"), st.integers(1, 6), st.sampled_from(PERIODS[:3])),
), min_size=1, max_size=14)


def _apply(op: tuple, units: list[Unit], elements: list[DataElement], form: Form, admin: User) -> None:  # type: ignore[type-arg]
    kind = op[0]
    if kind == "set":
        _, e, u, period, value, qualifier, illustrative = op
        do_set_values([ValueEntry(elements[e], units[u % len(units)], Period.parse(period), value,
                                  qualifier=qualifier, source="thử", is_illustrative=illustrative)],
                      acting_user=None, channel=Channel.CLI)
    elif kind == "delete":
        _, e, u, period = op
        found = DataValue.objects.filter(data_element=elements[e], unit=units[u % len(units)], period=period,
                                         is_deleted=False).first()
        if found is not None:
            do_delete_value(found, acting_user=None, channel=Channel.CLI, reason="thử xóa")
    else:
        _, u, period = op
        report, _ = Submission.objects.get_or_create(form=form, unit=units[u % len(units)], period=period)
        if kind == "approve" and report.status != Status.APPROVED:
            Submission.objects.filter(pk=report.pk).update(status=Status.SUBMITTED)
            do_transition(report, "approve", acting_user=admin)
        elif kind == "reopen" and report.status == Status.APPROVED:
            do_transition(report, "reopen", acting_user=admin, reason="thử mở lại")


def _same_reads(codes: list[str], units: list[Unit], **reading: object) -> None:
    fields = ("value", "numerator", "denominator", "qualifier", "reported", "expected", "illustrative",
              "own_value", "children_value", "differs", "withheld", "estimated")
    rolled = evaluate(codes, units, ASKED, **reading)  # type: ignore[arg-type]
    walked = evaluate(codes, units, ASKED, roll_ups=False, **reading)  # type: ignore[arg-type]
    assert [[getattr(r, f) for f in fields] for r in rolled] == [[getattr(r, f) for f in fields] for r in walked]


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    rate, stock = _codes()
    elements = [rate.numerator, rate.denominator, stock]
    assert built_keys() >= {key_of([rate.numerator, rate.denominator]), key_of([stock])}  # built by the demo
    admin = User.objects.create_superuser("t_roll_up_admin", password="pw-for-tests")
    return _subtree(), elements, [rate.code, stock.code], _form(elements), admin  # type: ignore[list-item]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ops=operations)
def test_every_total_read_through_the_roll_ups_equals_the_raw_figures_added_up(world, ops):
    units, elements, codes, form, admin = world
    with transaction.atomic():
        for op in ops:
            _apply(op, units, elements, form, admin)
        _same_reads(codes, units[:4])
        _same_reads(codes, units[:4], published_only=True)
        _same_reads(codes, units[:4], published_only=True, drafts_under=[units[2].path])  # a ward's officer
        transaction.set_rollback(True)


def test_a_saved_figure_is_in_every_ancestors_stored_total_when_its_transaction_commits(world):
    units, elements, codes, form, admin = world
    city, district, ward, _, group, *_ = units
    key = key_of([elements[0], elements[1]])
    assert not DataValue.objects.filter(unit__in=[ward, *units[4:]], period="2024-04",
                                        data_element__in=elements[:2]).exists()
    do_set_values([ValueEntry(elements[0], group, Period.parse("2024-04"), Decimal(7)),
                   ValueEntry(elements[1], group, Period.parse("2024-04"), Decimal(9))],
                  acting_user=None, channel=Channel.CLI)
    stored = {row.unit_id: (row.first, row.second, row.reported, row.expected) for row in BelowTotal.objects.filter(
        measure=key, period="2024-04", published=False, unit__in=[city, district, ward])}
    assert stored[ward.id] == (Decimal(7), Decimal(9), 1, len(units) - 4)  # 1 of the ward's tổ dân phố reported
    assert district.id in stored and city.id in stored
    _same_reads(codes, units[:4])
    assert check() == []


def test_approving_a_report_puts_its_figures_in_the_published_totals_and_reopening_takes_them_out(world):
    units, elements, codes, form, admin = world
    group = units[4]
    key = key_of([elements[2]])
    do_set_values([ValueEntry(elements[2], group, Period.parse("2024-05"), Decimal(41))], acting_user=None,
                  channel=Channel.CLI)

    def published() -> Decimal | None:
        row = BelowTotal.objects.filter(measure=key, period="2024-05", published=True, unit=units[2]).first()
        return None if row is None else row.first

    assert published() is None
    report = Submission.objects.create(form=form, unit=group, period="2024-05", status=Status.SUBMITTED)
    do_transition(report, "approve", acting_user=admin)
    assert published() == Decimal(41)
    do_transition(report, "reopen", acting_user=admin, reason="sai số")
    assert published() is None


def test_check_finds_a_changed_total_and_rebuild_mends_it(world):
    units, *_ = world
    row = BelowTotal.objects.filter(unit=units[0], published=False).order_by("id").first()
    assert row is not None
    BelowTotal.objects.filter(pk=row.pk).update(first=row.first + 1)
    differences = check()
    assert len(differences) == 1 and f"({units[0].id}, '{row.measure}', '{row.period}', False)" in differences[0]
    rebuild()
    assert check() == []


def test_a_reorganisation_sends_readers_to_the_raw_figures_until_the_rebuild(world):
    """A tổ dân phố moved to another ward: the stored totals of both wards are stale, so nothing reads them until
    `chiso totals rebuild`; every read stays right meanwhile, and the rebuild makes the roll-ups current again."""
    from chiso.units.loaders import refresh_paths

    units, elements, codes, form, admin = world
    city, district, ward, other, group, *_ = units
    do_set_values([ValueEntry(elements[2], group, Period.parse("2024-04"), Decimal(13))], acting_user=None,
                  channel=Channel.CLI)
    assert built_keys()
    Unit.objects.filter(pk=group.pk).update(parent=other)
    refresh_paths()
    assert built_keys() == set()  # the map changed: the roll-ups are not read
    for unit_ in (ward, other):
        unit_.refresh_from_db()
    _same_reads(codes, [city, district, ward, other])
    moved = evaluate([codes[1]], [other], [Period.parse("2024-04")])[0]
    assert moved.children_value == Decimal(13)  # the group's figure now counts under the other ward
    assert check() == ["Chưa dựng tổng theo cấp (hoặc bản đồ đã đổi từ lần dựng trước): chạy `chiso totals rebuild`."]
    rebuild()
    assert built_keys()
    _same_reads(codes, [city, district, ward, other])
    assert check() == []


def test_the_command_rebuilds_resumes_and_checks(world, capsys):
    from django.core.management import CommandError, call_command

    from chiso.totals.models import TotalsState

    units, *_ = world
    call_command("totals", "rebuild", "--check")
    assert "Mọi tổng theo cấp khớp với số liệu gốc." in capsys.readouterr().out
    rows = BelowTotal.objects.count()
    # a rebuild stopped after the deepest level: the next run goes on from there and ends current
    deepest = max(u.path.count("/") - 1 for u in Unit.objects.filter(id__in=BelowTotal.objects.values("unit_id")))
    TotalsState.objects.update(built=False, done_depth=deepest, done_unit=10**12)
    call_command("totals", "rebuild")
    assert "Đã dựng" in capsys.readouterr().out
    assert BelowTotal.objects.count() == rows and built_keys()
    BelowTotal.objects.filter(unit=units[0]).update(reported=999)
    with pytest.raises(CommandError, match="Tổng theo cấp lệch với số liệu gốc"):
        call_command("totals", "rebuild", "--check")


def test_a_write_in_batches_and_its_undo_leave_the_roll_ups_equal_to_the_figures(world):
    """SQLite's large imports write batch by batch, each its own transaction, and refresh the roll-ups after the
    last (short transactions of their own); an undone run refreshes them too. Forced here on every database."""
    from chiso.values.parted import PartedWrite, undo_run

    units, elements, codes, form, admin = world
    city, district, ward, other, *groups = units
    entries = [ValueEntry(e, u, Period.parse(p), Decimal(10 + i))
               for i, (e, u, p) in enumerate((e, u, p) for e in elements for u in (other, *groups)
                                             for p in ("2024-03", "2024-04"))]
    with PartedWrite(acting_user=None, channel=Channel.IMPORT, reason="thử nhập theo đợt", batch=4) as write:
        assert write.check(entries, list(range(2, 2 + len(entries)))).refusals == []
        write.keep()
        write.commit()
    assert write.run is not None and write.run.status == "done"
    _same_reads(codes, units[:4])
    assert check() == []
    undo_run(write.run, "thử hoàn tác")
    _same_reads(codes, units[:4])
    assert check() == []
