"""Writing figures: one action, history for every change, nothing hard-deleted, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueConflict, ValueEntry, ValueWriteError, do_delete_value, do_set_values
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
        "Giá trị 2 (XHS-14, Phường Tân Chính, kỳ 2024-03-15): bạn không có quyền ghi số liệu cho Phường Tân Chính."
    ]
    assert not DataValue.objects.filter(period="2024-03-15", data_element__code="XHS-14").exists()


def test_a_city_admin_writes_anywhere_in_the_city_and_a_viewer_nowhere(city_admin, viewer):
    assert do_set_values([entry(unit_code="20212")], acting_user=city_admin, channel=Channel.WEB).created == 1
    with pytest.raises(ValueWriteError):
        do_set_values([entry(unit_code="20215")], acting_user=viewer, channel=Channel.WEB)


def test_a_figure_must_fall_within_the_units_validity(city_admin):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(period="2025-03")], acting_user=city_admin, channel=Channel.WEB)
    assert error.value.problems == [
        "Giá trị 1 (XHS-14, Phường Thạc Gián, kỳ 2025-03): đơn vị này chỉ có hiệu lực … – 2024-12-31; "
        "ghi số liệu cho đơn vị có hiệu lực vào cuối kỳ."
    ]


def test_two_figures_for_the_same_cell_in_one_write_are_refused(city_admin):
    with pytest.raises(ValueWriteError) as error:
        do_set_values([entry(), entry(value="7")], acting_user=city_admin, channel=Channel.WEB)
    assert error.value.problems == [
        "Giá trị 2 (XHS-14, Phường Thạc Gián, kỳ 2024-03-15): trùng với một giá trị trước đó trong cùng lần ghi."
    ]


def test_a_concurrent_edit_is_refused_with_the_other_change_named(officer_thac_gian, city_admin):
    do_set_values([entry()], acting_user=officer_thac_gian, channel=Channel.WEB)  # revision 1, both load it
    do_set_values([entry(value="50", expected_revision=1)], acting_user=city_admin, channel=Channel.WEB)
    with pytest.raises(ValueConflict) as error:
        do_set_values([entry(value="43", expected_revision=1)], acting_user=officer_thac_gian, channel=Channel.WEB)
    [message] = error.value.problems
    assert message.startswith("XHS-14, Phường Thạc Gián, kỳ 2024-03-15: t_city_admin đã sửa lúc ")
    assert message.endswith("(42 → 50) sau khi bạn mở biểu mẫu. Số của bạn chưa được lưu; xem số mới rồi nhập lại "
                            "nếu cần.")
    assert DataValue.objects.get(unit__code="20221", unit__version__name="2024", period="2024-03-15").value == 50


def test_an_empty_cell_filled_by_someone_else_is_a_conflict_too(officer_thac_gian, city_admin):
    do_set_values([entry(expected_revision=0)], acting_user=city_admin, channel=Channel.WEB)
    with pytest.raises(ValueConflict):
        do_set_values([entry(value="7", expected_revision=0)], acting_user=officer_thac_gian, channel=Channel.WEB)
