"""Publication with completeness (issue 14, item 4): a total of the units below is published for a
period only when their reports are approved at the form's completeness threshold.

The demo: every monthly report approved up to 10/2025, 11/2025 submitted, 12/2025 a draft; 93 of the
city's 94 wards and communes must report "BC-CDS-THANG-XA" (đặc khu Hoàng Sa has no assignment).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from chiso.accounts.models import RoleAssignment
from chiso.analytics.queries import evaluate
from chiso.collection.models import Form, FormAssignment, Status, Submission
from chiso.collection.queries import Coverage, coverage_under, last_complete_month, pending_months
from chiso.collection.workflow import do_transition
from chiso.engine.periods import Period
from chiso.units.models import Unit
from chiso.values import hooks

MONTHLY = "BC-CDS-THANG-XA"
DEC, NOV, OCT = Period.parse("2025-12"), Period.parse("2025-11"), Period.parse("2025-10")


def _unit(code: str) -> Unit:
    return Unit.objects.select_related("version").get(version__name="2025-07", code=code)


@pytest.fixture
def city(db) -> Unit:
    return _unit("48")


@pytest.fixture
def thanh_khe(db) -> Unit:
    return _unit("20209")


@pytest.fixture
def city_admin_now(city) -> User:
    user = User.objects.create_user("t_city_admin_now")
    RoleAssignment.objects.create(user=user, role="admin", unit=city)
    return user


def approve(unit: Unit, period: str, by: User) -> None:
    """Through the workflow, as the city office would: submit the draft if need be, then approve."""
    report = Submission.objects.get(form__code=MONTHLY, unit=unit, period=period)
    if report.status == Status.DRAFT:
        report = do_transition(report, "submit", acting_user=by)
    do_transition(report, "approve", acting_user=by)


def approve_all(period: str, by: User) -> None:
    """Each report through the workflow; the roll-ups refreshed once for them all, as a bulk approval does."""
    with transaction.atomic(), hooks.gathered():
        _approve_each(period, by)


def _approve_each(period: str, by: User) -> None:
    for report in Submission.objects.filter(form__code=MONTHLY, unit__version__name="2025-07", period=period,
                                            unit__path__startswith=_unit("48").path).select_related("unit"):
        if report.status != Status.APPROVED:
            approve(report.unit, period, by)


def set_threshold(percent: str) -> None:
    Form.objects.filter(code=MONTHLY).update(completeness_threshold=Decimal(percent))


def cqs03(unit: Unit, period: Period, published_only: bool = True):
    return evaluate(["CQS-03"], [unit], [period], published_only=published_only)[0]


def test_every_form_starts_at_100_percent(db):
    assert set(Form.objects.values_list("completeness_threshold", flat=True)) == {Decimal(100)}


@pytest.mark.demo
def test_the_city_must_hear_from_93_units_not_from_the_tdp_under_a_reporting_ward(city, thanh_khe):
    found = coverage_under(city)
    form = Form.objects.get(code=MONTHLY)
    reporters = found.reporters(city.id, found.relevant(None))
    assert len(reporters[form.id]) == 93
    assert Form.objects.get(code="BC-THANG-TDP").id not in reporters  # Thanh Khê reports for its 6 tổ dân phố
    assert FormAssignment.objects.filter(form__code="BC-THANG-TDP", unit__parent=thanh_khe).count() == 6
    assert found.reporters(thanh_khe.id, found.relevant(None)) == {form.id: [thanh_khe.id]}


@pytest.mark.demo
def test_a_complete_month_is_published_with_93_of_93(city):
    row = cqs03(city, OCT)
    assert row.value == Decimal("83.7")
    assert row.coverage == Coverage(MONTHLY, "2025-10", 93, 93, Decimal(100))
    assert not row.withheld and not row.coverage.partial


@pytest.mark.demo
def test_approving_one_ward_does_not_publish_the_city_total(city, thanh_khe, city_admin_now):
    approve(thanh_khe, "2025-12", city_admin_now)
    row = cqs03(city, DEC)
    assert row.value is None and row.numerator is None and row.denominator is None
    assert row.withheld
    assert row.coverage == Coverage(MONTHLY, "2025-12", 1, 93, Decimal(100))
    assert row.coverage.label_vi == "1/93 đơn vị đã báo cáo"
    assert row.notes[-1] == ("Chưa công bố: 1/93 đơn vị đã báo cáo (BC-CDS-THANG-XA, kỳ 2025-12; "
                             "cần ít nhất 100%).")
    ward = cqs03(thanh_khe, DEC)  # the ward's own approved figure is published
    assert ward.value == Decimal("85.6") and ward.coverage is None and not ward.withheld
    assert cqs03(city, DEC, published_only=False).withheld is False  # officials still see the working total


@pytest.mark.demo
def test_the_last_complete_month_stays_at_october(city, thanh_khe, city_admin_now):
    assert last_complete_month(city) == OCT
    approve(thanh_khe, "2025-12", city_admin_now)
    assert last_complete_month(city) == OCT
    assert last_complete_month(thanh_khe) == DEC  # complete for the ward itself: 1/1
    assert pending_months(city, OCT) == [Coverage(MONTHLY, "2025-12", 1, 93, Decimal(100))]


@pytest.mark.demo
def test_at_threshold_zero_the_partial_total_is_published_and_says_so(city, thanh_khe, city_admin_now):
    approve(thanh_khe, "2025-12", city_admin_now)
    set_threshold("0")
    row = cqs03(city, DEC)
    assert row.value == Decimal("85.6")  # Thanh Khê's own rate: the only approved figure
    assert not row.withheld
    assert row.coverage == Coverage(MONTHLY, "2025-12", 1, 93, Decimal(0)) and row.coverage.partial
    assert last_complete_month(city) == DEC


@pytest.mark.demo
@pytest.mark.parametrize(("threshold", "complete"), [("1.07", True), ("1.08", False)])
def test_the_threshold_is_a_share_of_the_expected_units(city, thanh_khe, city_admin_now, threshold, complete):
    approve(thanh_khe, "2025-12", city_admin_now)  # 1/93 = 1,075 %
    set_threshold(threshold)
    assert cqs03(city, DEC).withheld is not complete
    assert (last_complete_month(city) == DEC) is complete


@pytest.mark.demo
def test_approving_every_unit_publishes_the_month(city, city_admin_now):
    approve_all("2025-11", city_admin_now)
    assert last_complete_month(city) == NOV
    approve_all("2025-12", city_admin_now)
    row = cqs03(city, DEC)
    assert row.coverage == Coverage(MONTHLY, "2025-12", 93, 93, Decimal(100))
    assert row.value == cqs03(city, DEC, published_only=False).value == Decimal("85.5")
    assert last_complete_month(city) == DEC
    assert pending_months(city, DEC) == []


@pytest.mark.demo
def test_a_year_with_an_incomplete_month_is_withheld(city):
    row = cqs03(city, Period.parse("2025"))
    assert row.withheld and row.value is None
    assert row.coverage == Coverage(MONTHLY, "2025-11", 0, 93, Decimal(100))  # the first month missing
    assert cqs03(Unit.objects.get(version__name="2024", code="48"), Period.parse("2024")).withheld is False
