"""Register actions: every write keeps its history, feeds its figures for the months it takes effect, and checks
permission, validity and effective dates first (nothing written on a refusal)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from chiso.registers.actions import (
    RegisterError,
    RegisterRefusal,
    do_add_entry,
    do_change_entry,
    do_retire_entry,
)
from chiso.registers.counts import months_from
from chiso.registers.models import Entry, EntryEvent
from chiso.values.models import Channel, DataValue, DataValueHistory
from tests.conftest import unit
from tests.registers.conftest import AUGUST, MARCH, MAY
from tests.registers.helpers import mismatches, stored

pytestmark = pytest.mark.django_db


def _now_month() -> str:
    today = timezone.localdate()
    return f"{today:%Y-%m}"


def test_a_market_feeds_its_counts_from_the_month_it_takes_effect(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    do_add_entry("cho", ward, "Chợ Thạc Gián", {"cashless": "không", "traders": "320", "traders_in_database": 300},
                 acting_user=officer_thanh_khe, effective_on=MARCH, channel=Channel.WEB)
    assert [stored(c, ward, "2026-02") for c in ("KTS-11.MS", "KTS-11.TS", "TIEUTHUONG-PM")] == [None, None, None]
    for month in ("2026-03", "2026-04", _now_month()):
        assert [stored(c, ward, month) for c in ("KTS-11.MS", "KTS-11.TS", "TIEUTHUONG-PM")] == [1, 0, 300]
    value = DataValue.objects.get(data_element__code="KTS-11.MS", unit=ward, period="2026-03")
    assert (value.channel, value.source, value.updated_by) == (
        Channel.REGISTER, "Sổ theo dõi chợ (chiso): 1 chợ đang theo dõi vào cuối tháng.", officer_thanh_khe)
    assert len(months_from(ward, MARCH)) == DataValue.objects.filter(data_element__code="KTS-11.MS", unit=ward,
                                                                     period__gte="2026-03").count()


def test_every_attribute_change_is_in_the_history_and_counts_follow(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    market = do_add_entry("cho", ward, "Chợ Thạc Gián", {"cashless": False, "traders": 320},
                          acting_user=officer_thanh_khe, effective_on=MARCH)
    do_change_entry(market, acting_user=officer_thanh_khe, attributes={"cashless": "có", "traders_in_database": "250"},
                    effective_on=MAY, reason="Ban quản lý chợ triển khai mã QR")
    do_change_entry(market, acting_user=officer_thanh_khe, name="Chợ Thạc Gián (mới)", attributes={"traders": 330},
                    effective_on=MAY)
    events = list(EntryEvent.objects.filter(entry=market).order_by("revision"))
    assert [(e.revision, e.action, e.changed_by.username, e.effective_on) for e in events] == [
        (1, "add", "t_officer_thanh_khe", MARCH), (2, "change", "t_officer_thanh_khe", MAY),
        (3, "change", "t_officer_thanh_khe", MAY)]
    assert [(c["field"], c["old"], c["new"]) for c in events[1].changes] == [
        ("cashless", False, True), ("traders_in_database", None, 250)]
    assert events[1].reason == "Ban quản lý chợ triển khai mã QR"
    assert [(c["field"], c["old"], c["new"]) for c in events[2].changes] == [
        ("name", "Chợ Thạc Gián", "Chợ Thạc Gián (mới)"), ("traders", 320, 330)]
    assert [stored("KTS-11.TS", ward, m) for m in ("2026-03", "2026-04", "2026-05", _now_month())] == [0, 0, 1, 1]
    assert [stored("TIEUTHUONG-PM", ward, m) for m in ("2026-04", "2026-05")] == [0, 250]
    assert mismatches(MARCH) == []
    # nothing changing is no write: no event, no figure history
    before = (EntryEvent.objects.count(), DataValueHistory.objects.count())
    do_change_entry(market, acting_user=officer_thanh_khe, attributes={"traders": "330"}, effective_on=MAY)
    assert (EntryEvent.objects.count(), DataValueHistory.objects.count()) == before


def test_schools_count_public_ones_and_a_retired_entry_stops_counting(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    a = do_add_entry("truong", ward, "Trường THCS Nguyễn Huệ", {"ownership": "Công lập", "cashless_fees": "có"},
                     acting_user=officer_thanh_khe, effective_on=MARCH)
    do_add_entry("truong", ward, "Trường Tiểu học Hà Huy Tập", {"ownership": "cong_lap", "cashless_fees": "không"},
                 acting_user=officer_thanh_khe, effective_on=MARCH)
    do_add_entry("truong", ward, "Trường Mầm non Tư thục Hoa Sen", {"ownership": "Ngoài công lập",
                                                                   "cashless_fees": "có"},
                 acting_user=officer_thanh_khe, effective_on=MAY)
    assert [stored(c, ward, "2026-05") for c in ("XHS-15.MS", "XHS-15.TS")] == [2, 1]
    do_retire_entry(a, acting_user=officer_thanh_khe, reason="Sáp nhập vào trường khác", effective_on=AUGUST)
    assert [stored(c, ward, "2026-07") for c in ("XHS-15.MS", "XHS-15.TS")] == [2, 1]
    assert [stored(c, ward, "2026-08") for c in ("XHS-15.MS", "XHS-15.TS")] == [1, 0]
    retired = EntryEvent.objects.get(entry=a, revision=2)
    assert (retired.action, retired.active, retired.changes[0]["old"], retired.changes[0]["new"]) == (
        "retire", False, True, False)
    assert mismatches(MARCH) == []


def test_every_kind_feeds_what_it_says(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    add = {"acting_user": officer_thanh_khe, "effective_on": MARCH}
    do_add_entry("co-so-y-te", ward, "Trạm y tế phường Thanh Khê", {"cashless": "có"}, **add)
    do_add_entry("ocop", ward, "Sản phẩm mây tre", {"stars": 3, "platforms": "Postmart; Shopee"}, **add)
    do_add_entry("ocop", ward, "Nước mắm", {"stars": "4"}, **add)
    do_add_entry("di-tich", ward, "Đình Thạc Gián", {"rank": "Quốc gia", "technology": "VR360"}, **add)
    do_add_entry("di-tich", ward, "Miếu Bà", {"rank": "Thành phố", "technology": "VR360"}, **add)
    do_add_entry("tuyen-pho", ward, "Đường Hà Huy Tập", {"street_type": "Tuyến đường"}, **add)
    do_add_entry("ho-chua-co-dtdm", ward, "Tổ 5", {"ethnic_group": "Cơ tu", "households": 262,
                                                   "without_smartphone": 50}, **add)
    month = "2026-03"
    assert {c: stored(c, ward, month) for c in ("XHS-16.MS", "XHS-16.TS", "OCOP", "OCOP-TMDT", "DT-SOHOA", "TP-KDTM",
                                                 "TD-KDTM", "HO-COTU", "HO-COTU-KDTTM")} == {
        "XHS-16.MS": 1, "XHS-16.TS": 1, "OCOP": 2, "OCOP-TMDT": 1, "DT-SOHOA": 1, "TP-KDTM": 0, "TD-KDTM": 1,
        "HO-COTU": 262, "HO-COTU-KDTTM": 50}
    assert stored("KTS-10", ward, month) is None  # KTS-10 also counts business households: not the register's
    assert mismatches(MARCH) == []


def test_a_ward_officer_cannot_write_another_wards_register(officer_thanh_khe, officer_hai_chau):
    mine = do_add_entry("cho", unit("2025-07", "20209"), "Chợ Hà Thân", {"cashless": True},
                        acting_user=officer_thanh_khe, effective_on=MARCH)
    before = (Entry.objects.count(), EntryEvent.objects.count(), DataValueHistory.objects.count())
    with pytest.raises(RegisterError) as add:
        do_add_entry("cho", unit("2025-07", "20209"), "Chợ giả", {"cashless": True}, acting_user=officer_hai_chau)
    with pytest.raises(RegisterError) as change:
        do_change_entry(mine, acting_user=officer_hai_chau, attributes={"cashless": False})
    with pytest.raises(RegisterError) as retire:
        do_retire_entry(mine, acting_user=officer_hai_chau, reason="thử")
    with pytest.raises(RegisterError) as move:  # nor move one of its own into another ward
        do_change_entry(mine, acting_user=officer_thanh_khe, unit=unit("2025-07", "20242"))
    assert {add.value.kind, change.value.kind, retire.value.kind, move.value.kind} == {RegisterRefusal.FORBIDDEN}
    assert add.value.message == ("Bạn không có quyền ghi sổ theo dõi của Phường Thanh Khê (mã 20209, danh mục "
                                 "2025-07): chỉ cán bộ của đơn vị đó hoặc cấp trên.")
    assert add.value.status == 403
    assert (Entry.objects.count(), EntryEvent.objects.count(), DataValueHistory.objects.count()) == before


def test_bad_input_is_refused_with_the_field_and_nothing_is_written(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    cases = [
        (("cho", ward, "Chợ A", {"cashless": "có lẽ"}), {}, "cashless",
         "Thanh toán không dùng tiền mặt: 'có lẽ' không hợp lệ — ghi 'có' hoặc 'không'."),
        (("cho", ward, "Chợ A", {}), {}, "cashless", "Thanh toán không dùng tiền mặt: cần ghi thanh toán không dùng "
                                                      "tiền mặt."),
        (("cho", ward, "Chợ A", {"cashless": True, "traders": "1e999999999"}), {}, "traders",
         "Số hộ tiểu thương: số hộ tiểu thương từ 0 đến 10.000.000 (đang ghi 1e999999999)."),
        (("cho", ward, "Chợ A", {"cashless": True, "traders": float("nan")}), {}, "traders",
         "Số hộ tiểu thương: 'nan' không phải số nguyên (ví dụ 1.889)."),
        (("cho", ward, "Chợ A", {"cashless": True, "traders": "12,5"}), {}, "traders",
         "Số hộ tiểu thương: số hộ tiểu thương phải là số nguyên (đang ghi 12,5)."),
        (("cho", ward, "Chợ A", {"cashless": True, "traders": 10, "traders_in_database": 11}), {},
         "traders_in_database", "Số hộ tiểu thương trong phần mềm quản lý chuyên ngành: số hộ tiểu thương trong phần "
                                "mềm quản lý chuyên ngành (11) không được lớn hơn số hộ tiểu thương (10)."),
        (("cho", ward, "Chợ A", {"cashless": True, "colour": "đỏ"}), {}, "colour",
         "Sổ chợ không có thuộc tính 'colour'. Có: cashless, traders, traders_in_database."),
        (("ocop", ward, "Bánh", {"stars": 7}), {}, "stars", "Số sao OCOP: số sao OCOP từ 3 đến 5 (đang ghi 7)."),
        (("cho", ward, "   ", {"cashless": True}), {}, "name", "Cần ghi tên của mục (ví dụ: Chợ Thạc Gián)."),
        (("cho", ward, "Chợ A", {"cashless": True}), {"effective_on": timezone.localdate() + timedelta(days=1)},
         "effective_on", f"Ngày hiệu lực {timezone.localdate() + timedelta(days=1):%d/%m/%Y} sau hôm nay: ghi khi việc "
                         "đã xảy ra."),
        (("cho", ward, "Chợ A", {"cashless": True}), {"effective_on": date(2025, 3, 1)}, "effective_on",
         "Phường Thanh Khê (danh mục 2025-07) chỉ có hiệu lực 01/07/2025 – nay; ngày hiệu lực 01/03/2025 nằm ngoài. "
         "Sau sắp xếp đơn vị, ghi cho đơn vị mới."),
        (("sach", ward, "A", {}), {}, "kind",
         "Không có sổ theo dõi 'sach'. Có: cho, truong, co-so-y-te, ocop, di-tich, tuyen-pho, ho-chua-co-dtdm, "
         "ho-kinh-doanh-tmdt."),
    ]
    for args, extra, field, message in cases:
        with pytest.raises(RegisterError) as refused:
            do_add_entry(*args, acting_user=officer_thanh_khe, **extra)
        assert (refused.value.field, refused.value.message) == (field, message)
    with pytest.raises(RegisterError) as city:  # even the system: entries sit on wards, communes and below
        do_add_entry("cho", unit("2025-07", "48"), "Chợ A", {"cashless": True}, acting_user=None)
    assert city.value.message == ("Mục sổ theo dõi gắn với phường, xã hoặc thôn, tổ dân phố; Thành phố Đà Nẵng là "
                                  "thành phố trực thuộc trung ương.")
    assert Entry.objects.count() == 0
    assert not DataValue.objects.filter(channel=Channel.REGISTER, unit__version__name="2025-07").exists()


def test_history_only_goes_forward_and_twins_are_refused(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    market = do_add_entry("cho", ward, "Chợ Hà Thân", {"cashless": True}, acting_user=officer_thanh_khe,
                          effective_on=MAY)
    with pytest.raises(RegisterError) as early:
        do_change_entry(market, acting_user=officer_thanh_khe, attributes={"cashless": False}, effective_on=MARCH)
    assert early.value.message == ("Ngày hiệu lực 10/03/2026 trước lần ghi trước của mục này (02/05/2026): lịch sử "
                                   "chỉ đi tới; ghi ngày từ 02/05/2026 trở đi.")
    with pytest.raises(RegisterError) as twin:
        do_add_entry("cho", ward, "chợ  hà thân", {"cashless": True}, acting_user=officer_thanh_khe)
    assert twin.value.message == ("Phường Thanh Khê đã có chợ 'chợ hà thân' trong sổ chợ: sửa mục đó thay vì thêm mục "
                                  "mới.")
    with pytest.raises(RegisterError) as stale:
        do_change_entry(market, acting_user=officer_thanh_khe, attributes={"cashless": False}, expected_revision=0)
    assert (stale.value.kind, stale.value.status) == (RegisterRefusal.CONFLICT, 409)
    with pytest.raises(RegisterError) as no_reason:
        do_retire_entry(market, acting_user=officer_thanh_khe, reason="  ")
    assert no_reason.value.field == "reason"


def test_a_change_that_would_alter_an_approved_report_is_refused(officer_thac_gian):
    """The small world's reports of 10–12/2024 are approved: a market of 2024 added by the ward would change them."""
    before = (Entry.objects.count(), DataValueHistory.objects.count())
    with pytest.raises(RegisterError) as refused:
        do_add_entry("cho", unit("2024", "20221"), "Chợ Thạc Gián", {"cashless": True},
                     acting_user=officer_thac_gian, effective_on=date(2024, 11, 5))
    assert (refused.value.kind, refused.value.status) == (RegisterRefusal.CLOSED, 409)
    assert refused.value.message.startswith("Không ghi được số liệu mà sổ chợ cập nhật: KTS-11.MS (Phường Thạc Gián, "
                                            "kỳ 2024-11): báo cáo chứa số liệu này đã gửi hoặc đã duyệt")
    assert refused.value.message.endswith("Chọn ngày hiệu lực sau kỳ báo cáo đã duyệt, hoặc nhờ cấp trên mở lại báo "
                                          "cáo.")
    assert (Entry.objects.count(), DataValueHistory.objects.count()) == before
