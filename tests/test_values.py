"""Writing figures: one action, history for every change, nothing hard-deleted, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import (
    RefusalKind,
    ValueEntry,
    ValueWriteError,
    check_values,
    do_delete_value,
    do_set_values,
)
from chiso.values.models import Channel, DataValue, DataValueHistory
from tests.conftest import unit

pytestmark = pytest.mark.django_db


def entry(code="XHS-14", unit_code="20221", period="2024-03-15", value="42", **kw) -> ValueEntry:
    return ValueEntry(DataElement.objects.get(code=code), unit("2024", unit_code), Period.parse(period),
                      Decimal(value), **kw)


def test_a_new_figure_gets_its_first_history_row(officer_thac_gian):
    result = do_set_values([entry(source="Sổ theo dõi tổ CNSCĐ")], acting_user=officer_thac_gian,
                           channel=Channel.WEB)
    assert (result.created, result.changed, result.unchanged) == (1, 0, 0)
    value = DataValue.objects.get(unit__code="20221", unit__version__name="2024", period="2024-03-15")
    assert (value.value, value.revision, value.updated_by, value.channel) == (
        Decimal(42), 1, officer_thac_gian, "web")
    history = list(value.history.values_list("revision", "old_value", "value", "changed_by__username", "channel"))
    assert history == [(1, None, Decimal(42), "t_officer_thac_gian", "web")]


def test_a_change_keeps_old_and_new_with_who_and_why(officer_thac_gian):
    do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)
    result = do_set_values([entry(value="45")], acting_user=officer_thac_gian, channel=Channel.IMPORT,
                           reason="Sửa theo sổ gốc")
    assert (result.created, result.changed) == (0, 1)
    value = DataValue.objects.get(unit__code="20221", unit__version__name="2024", period="2024-03-15")
    assert list(value.history.values_list("revision", "old_value", "value", "channel", "reason")) == [
        (1, None, Decimal(42), "web", ""), (2, Decimal(42), Decimal(45), "import", "Sửa theo sổ gốc")]


def test_writing_the_same_figures_again_changes_nothing(officer_thac_gian):
    do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)
    history = DataValueHistory.objects.count()
    result = do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 1)
    assert DataValueHistory.objects.count() == history


def test_deleting_marks_the_figure_and_keeps_it(officer_thac_gian):
    do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)
    value = DataValue.objects.get(unit__code="20221", unit__version__name="2024", period="2024-03-15")
    with pytest.raises(ValueWriteError):
        do_delete_value(value, acting_user=officer_thac_gian, channel=Channel.WEB, reason=" ")
    do_delete_value(value, acting_user=officer_thac_gian, channel=Channel.WEB, reason="Nhập nhầm kỳ")
    value.refresh_from_db()
    assert (value.is_deleted, value.value, value.revision) == (True, Decimal(42), 2)
    assert value.history.last().reason == "Nhập nhầm kỳ"


def test_a_ward_officer_cannot_write_to_another_ward(officer_thac_gian):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(unit_code="20221"), entry(unit_code="20212")], acting_user=officer_thac_gian,
                      channel=Channel.WEB)
    assert error.value.problems == [
        "XHS-14 (Phường Tân Chính, kỳ 2024-03-15): bạn không có quyền ghi số liệu cho Phường Tân Chính (mã 20212, "
        "danh mục 2024). Bỏ số này, hoặc nhờ cán bộ của đơn vị đó nhập."
    ]
    assert [(r.kind, r.index, r.field) for r in error.value.refusals] == [(RefusalKind.FORBIDDEN, 1, "unit")]
    assert error.value.status == 403
    assert not DataValue.objects.filter(period="2024-03-15", data_element__code="XHS-14").exists()


def test_a_city_admin_writes_anywhere_in_the_city_and_a_viewer_nowhere(city_admin, viewer):
    assert do_set_values([entry(unit_code="20212")], acting_user=city_admin, channel=Channel.WEB).created == 1
    with pytest.raises(ValueWriteError):
        do_set_values([entry(unit_code="20215")], acting_user=viewer, channel=Channel.WEB)


def test_a_figure_must_fall_within_the_units_validity(city_admin):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(period="2025-03")], acting_user=city_admin, channel=Channel.WEB)
    assert error.value.problems == [
        "XHS-14 (Phường Thạc Gián, kỳ 2025-03): Phường Thạc Gián (mã 20221, danh mục 2024) chỉ có hiệu lực … – "
        "31/12/2024, không gồm ngày cuối kỳ (31/03/2025). Ghi số liệu cho đơn vị có hiệu lực vào cuối kỳ."
    ]
    assert error.value.kinds == {RefusalKind.OUTSIDE_VALIDITY}


def test_two_figures_for_the_same_cell_in_one_write_are_refused(city_admin):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(), entry(value="7")], acting_user=city_admin, channel=Channel.WEB)
    assert error.value.problems == [
        "XHS-14 (Phường Thạc Gián, kỳ 2024-03-15): trùng với một giá trị trước đó trong cùng lần ghi; giữ lại một."
    ]
    assert [(r.kind, r.index) for r in error.value.refusals] == [(RefusalKind.DUPLICATE, 1)]


def test_a_concurrent_edit_is_refused_with_the_other_change_named(officer_thac_gian, city_admin):
    do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)  # revision 1, both load it
    do_set_values([entry(value="50", expected_revision=1)], acting_user=city_admin, channel=Channel.WEB)
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(value="43", expected_revision=1)], acting_user=officer_thac_gian, channel=Channel.WEB)
    [message] = error.value.problems
    assert error.value.kinds == {RefusalKind.CONFLICT} and error.value.status == 409
    assert message.startswith("XHS-14 (Phường Thạc Gián, kỳ 2024-03-15): t_city_admin sửa lúc ")
    assert message.endswith(", nhập trên web: 42 → 50 — sau khi bạn mở số liệu (bạn thấy lần sửa 1, nay là lần sửa "
                            "2). Số bạn nhập (43) chưa được lưu: xem lại rồi lưu lại nếu vẫn đúng.")
    assert DataValue.objects.get(unit__code="20221", unit__version__name="2024", period="2024-03-15").value == 50


def test_an_empty_cell_filled_by_someone_else_is_a_conflict_too(officer_thac_gian, city_admin):
    do_set_values([entry(expected_revision=0)], acting_user=city_admin, channel=Channel.WEB)
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(value="7", expected_revision=0)], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert error.value.kinds == {RefusalKind.CONFLICT}


# -- the action owns every rule on a figure (issue 14 item 1, issue 8 defect 1) ----------------------------

@pytest.mark.parametrize(("code", "value", "message"), [
    ("XHS-14", "-3.5", "-3,5 — số đếm không được âm."),
    ("XHS-14", "12.5", "12,5 — số đếm phải là số nguyên, không có phần thập phân."),
    ("XHS-14", "1E+30", "1.000E+30 — số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên."),
    ("XHS-14", "1E+14", "100.000.000.000.000 — số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên."),
    ("XHS-14", "1e999999999", "1.000E+999999999 — số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số "
                              "nguyên."),
    ("XHS-14", "Infinity", "Infinity — không phải số hữu hạn."),
    ("XHS-14", "NaN", "NaN — không phải số hữu hạn."),
    ("CQS-03", "-1", "-1 — tỷ lệ phần trăm không được âm."),
    ("CQS-03", "1000.5", "1.000,5 — số quá lớn: tối đa 1.000 cho kiểu tỷ lệ phần trăm."),
    ("CQS-08", "1.0000001", "1,0000001 — quá 6 chữ số thập phân; làm tròn còn tối đa 6 chữ số."),
])
def test_a_figure_its_value_type_does_not_allow_is_refused_and_nothing_is_stored(city_admin, code, value, message):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(code="XHS-05"), entry(code=code, value=value)], acting_user=city_admin,
                      channel=Channel.API)
    assert error.value.problems == [f"{code} (Phường Thạc Gián, kỳ 2024-03-15): {message}"]
    assert [(r.kind, r.index, r.field) for r in error.value.refusals] == [(RefusalKind.INVALID, 1, "value")]
    assert error.value.status == 400
    assert not DataValue.objects.filter(period="2024-03-15", unit__code="20221").exists()


def test_the_system_itself_is_held_to_the_value_rules(db):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(value="-1")], acting_user=None, channel=Channel.DEMO)
    assert error.value.kinds == {RefusalKind.INVALID}


def test_an_implausible_figure_is_written_with_a_warning(city_admin):
    result = do_set_values([entry(code="CQS-03", value="120")], acting_user=city_admin, channel=Channel.API)
    assert result.created == 1
    assert [w.message for w in result.warnings] == [
        "CQS-03 (Phường Thạc Gián, kỳ 2024-03-15): tỷ lệ 120% vượt quá 100%: kiểm tra lại tử số và mẫu số."]


def test_an_unknown_qualifier_is_refused(city_admin):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(qualifier="maybe")], acting_user=city_admin, channel=Channel.API)
    assert [(r.kind, r.field) for r in error.value.refusals] == [(RefusalKind.INVALID, "qualifier")]


def test_a_refused_unit_is_reported_before_anything_about_its_figures(officer_thac_gian):
    """Permission comes first, so a refusal never reveals the other ward's stored figures or value faults."""
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(unit_code="20212", value="-5")], acting_user=officer_thac_gian, channel=Channel.API)
    assert error.value.kinds == {RefusalKind.FORBIDDEN}


def test_check_values_says_what_the_write_would_do_and_writes_nothing(officer_thac_gian):
    do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)
    found = check_values([entry(), entry(code="XHS-05", value="3")], acting_user=officer_thac_gian)
    assert (found.refusals, found.changes) == ([], [False, True])
    assert not DataValue.objects.filter(data_element__code="XHS-05", period="2024-03-15").exists()
    refused = check_values([entry(value="-1")], acting_user=officer_thac_gian)
    assert [r.kind for r in refused.refusals] == [RefusalKind.INVALID]


def _closed_report(officer, period="2021-05"):
    from chiso.collection.models import Form
    from chiso.collection.workflow import do_transition, submission_for

    report = submission_for(Form.objects.get(code="BC-CDS-THANG-XA"), unit("2024", "20221"), period)
    do_transition(report, "submit", acting_user=officer)
    return report


def test_a_closed_report_refuses_changes_but_not_the_same_figure_again(officer_thac_gian):
    do_set_values([entry(period="2021-05", value="5")], acting_user=officer_thac_gian, channel=Channel.WEB)
    _closed_report(officer_thac_gian)
    same = do_set_values([entry(period="2021-05", value="5")], acting_user=officer_thac_gian, channel=Channel.IMPORT)
    assert (same.changed, same.unchanged) == (0, 1)
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(period="2021-05", value="6")], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert error.value.kinds == {RefusalKind.CLOSED} and error.value.status == 409
    assert error.value.problems == [
        "XHS-14 (Phường Thạc Gián, kỳ 2021-05): báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ sửa được sau "
        "khi cấp trên trả lại hoặc mở lại báo cáo (có lý do)."]
