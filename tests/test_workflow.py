"""The review workflow: one transition table, permissions, reasons, locks, published figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.collection.models import Form, Status, Submission
from chiso.collection.queries import published
from chiso.collection.validation import validate_subtree
from chiso.collection.workflow import WorkflowError, do_transition, submission_for
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel, DataValue
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db
MONTHLY = "BC-CDS-THANG-XA"


@pytest.fixture
def approver_thanh_khe(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


def draft(unit_code="20221", period="2021-05"):
    return submission_for(Form.objects.get(code=MONTHLY), unit("2024", unit_code), period)


def put(code, value, unit_code="20221", period="2021-05", user=None):
    return do_set_values([ValueEntry(DataElement.objects.get(code=code), unit("2024", unit_code),
                                     Period.parse(period), Decimal(value))], acting_user=user, channel=Channel.WEB)


def test_draft_submitted_approved_locked(officer_thac_gian, approver_thanh_khe, city_admin):
    report = draft()
    do_transition(report, "submit", acting_user=officer_thac_gian)
    do_transition(report, "approve", acting_user=approver_thanh_khe)
    do_transition(report, "lock", acting_user=city_admin)
    report.refresh_from_db()
    assert report.status == Status.LOCKED
    assert list(report.events.values_list("action", "from_status", "to_status", "by__username")) == [
        ("submit", "draft", "submitted", "t_officer_thac_gian"),
        ("approve", "submitted", "approved", "t_approver_thanh_khe"),
        ("lock", "approved", "locked", "t_city_admin"),
    ]


def test_a_ward_officer_cannot_approve_its_own_report(officer_thac_gian):
    report = draft()
    do_transition(report, "submit", acting_user=officer_thac_gian)
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "approve", acting_user=officer_thac_gian)
    assert str(error.value) == "Bạn không có quyền 'duyệt' báo cáo của Phường Thạc Gián."


def test_an_approver_of_the_ward_itself_is_not_the_level_above(db):
    same_level = _user("t_approver_ward", "approver", unit("2024", "20221"))
    report = draft()
    do_transition(report, "submit", acting_user=_user("t_rep", "reporter", unit("2024", "20221")))
    with pytest.raises(WorkflowError):
        do_transition(report, "approve", acting_user=same_level)


def test_returning_and_reopening_need_a_reason_and_are_recorded(officer_thac_gian, approver_thanh_khe):
    report = draft()
    do_transition(report, "submit", acting_user=officer_thac_gian)
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "return", acting_user=approver_thanh_khe, reason="  ")
    assert str(error.value) == "Cần ghi lý do để 'trả lại'."
    do_transition(report, "return", acting_user=approver_thanh_khe, reason="Thiếu số hộ")
    assert Submission.objects.get(pk=report.pk).status == Status.RETURNED
    do_transition(report, "submit", acting_user=officer_thac_gian)
    do_transition(report, "approve", acting_user=approver_thanh_khe)
    do_transition(report, "reopen", acting_user=approver_thanh_khe, reason="Sai dân số")
    assert list(report.events.values_list("action", "reason"))[-1] == ("reopen", "Sai dân số")


def test_figures_of_a_submitted_report_cannot_change_until_it_is_returned(officer_thac_gian, approver_thanh_khe):
    put("XHS-14", 5, user=officer_thac_gian)
    report = draft()
    do_transition(report, "submit", acting_user=officer_thac_gian)
    with pytest.raises(ValueWriteError) as error:
        put("XHS-14", 6, user=officer_thac_gian)
    assert error.value.problems == [
        "XHS-14 (Phường Thạc Gián, kỳ 2021-05): báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ sửa được "
        "sau khi cấp trên trả lại hoặc mở lại báo cáo (có lý do)."]
    do_transition(report, "return", acting_user=approver_thanh_khe, reason="Kiểm tra lại")
    assert put("XHS-14", 6, user=officer_thac_gian).changed == 1


def test_an_error_blocks_submission_and_a_warning_needs_an_explanation(officer_thac_gian):
    put("XHS-05", 100, user=officer_thac_gian)
    put("XHS-06", 120, user=officer_thac_gian)
    report = draft()
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "submit", acting_user=officer_thac_gian)
    assert str(error.value).splitlines()[1] == (
        "Lỗi (Phường Thạc Gián, kỳ 2021-05): Số tài khoản định danh điện tử đã kích hoạt (120) không được lớn hơn "
        "Số hồ sơ định danh điện tử đã thu nhận (100).")
    put("XHS-06", 90, user=officer_thac_gian)
    put("DS", 80, user=officer_thac_gian)  # 100 applications for 80 residents: a warning
    with pytest.raises(WorkflowError):
        do_transition(report, "submit", acting_user=officer_thac_gian)
    do_transition(report, "submit", acting_user=officer_thac_gian,
                  explanations={"XHS-05<=DS": "Có cả người tạm trú đăng ký"})
    assert Submission.objects.get(pk=report.pk).explanations == {"XHS-05<=DS": "Có cả người tạm trú đăng ký"}


@pytest.mark.demo
def test_published_figures_are_those_of_approved_reports():
    demo = DataValue.objects.filter(unit__version__name="2024", unit__code="20221", data_element__code="DS")
    assert published(demo.filter(period="2024-12")).count() == 1
    later = DataValue.objects.filter(unit__version__name="2025-07", unit__code="20209", data_element__code="DS")
    assert published(later.filter(period="2025-10")).count() == 1
    assert published(later.filter(period__in=["2025-11", "2025-12"])).count() == 0  # submitted, draft
    assert published(DataValue.objects.filter(unit__code="491", period="2024", data_element__code="XHS-06")).count() == 1


def test_validate_a_subtree_on_demand(officer_thac_gian):
    put("XHS-05", 100, user=officer_thac_gian)
    put("XHS-06", 120, user=officer_thac_gian)
    found = validate_subtree(unit("2024", "491"), [Period.parse("2021-05")])
    assert [(v.rule, v.unit, v.period, v.severity) for v in found] == [("XHS-06<=XHS-05", "20221", "2021-05", "error")]
    assert validate_subtree(unit("2024", "48"), [Period.parse("2024-12")]) == []  # the demo keeps every rule
