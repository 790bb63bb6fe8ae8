"""Registers as XLSX: the export round-trips, an import is all or nothing with every fault named (sheet, row,
column, what to do), formulas never run."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from chiso.registers.actions import do_add_entry
from chiso.registers.files import RegisterImportRefused, export_workbook, headers, import_workbook
from chiso.registers.kinds import MARKET
from chiso.registers.models import Entry, EntryEvent
from chiso.registers.queries import entries_under
from chiso.values.models import DataValueHistory
from tests.conftest import unit
from tests.registers.conftest import MARCH
from tests.registers.helpers import mismatches, stored

pytestmark = pytest.mark.django_db


def _book(rows: list[list[object]], title: str = "Chợ") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers(MARKET))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _state() -> tuple[int, int, int]:
    return Entry.objects.count(), EntryEvent.objects.count(), DataValueHistory.objects.count()


def test_an_import_adds_changes_and_retires_and_feeds_the_figures(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    kept = do_add_entry("cho", ward, "Chợ Hà Thân", {"cashless": False}, acting_user=officer_thanh_khe,
                        effective_on=MARCH)
    gone = do_add_entry("cho", ward, "Chợ Tam Thuận", {"cashless": True}, acting_user=officer_thanh_khe,
                        effective_on=MARCH)
    content = _book([
        [None, "2025-07", "20209", None, "Chợ Thanh Khê", "có", 500, 480, "có", None, "01/04/2026", "", None],
        [kept.pk, "2025-07", "20209", None, "Chợ Hà Thân", "có", None, None, "có", None, "15/05/2026", "QR", 1],
        [gone.pk, "2025-07", "20209", None, "Chợ Tam Thuận", "có", None, None, "không", None, "01/06/2026",
         "Giải tỏa", 1],
    ])
    result = import_workbook(content, acting_user=officer_thanh_khe)
    assert (result.added, result.changed, result.retired) == (1, 1, 1)
    assert [stored("KTS-11.MS", ward, m) for m in ("2026-03", "2026-04", "2026-05", "2026-06")] == [2, 3, 3, 2]
    assert [stored("KTS-11.TS", ward, m) for m in ("2026-03", "2026-04", "2026-05", "2026-06")] == [1, 2, 3, 2]
    assert EntryEvent.objects.get(entry=kept, revision=2).channel == "import"
    assert mismatches(MARCH) == []


def test_an_import_with_any_fault_writes_nothing_and_names_every_fault(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    kept = do_add_entry("cho", ward, "Chợ Hà Thân", {"cashless": False}, acting_user=officer_thanh_khe,
                        effective_on=MARCH)
    before = _state()
    content = _book([
        [None, "2025-07", "20209", None, "Chợ mới", "có", None, None, "có", None, None, None, None],  # fine alone
        [None, "2025-07", "99999", None, "Chợ X", "có lẽ", "nhiều", None, "có", None, "32/13/2026", None, None],
        [kept.pk, "2025-07", "20209", None, "Chợ Hà Thân", "=1+1", None, None, "có", None, None, None, "x"],
    ])
    with pytest.raises(RegisterImportRefused) as refused:
        import_workbook(content, acting_user=officer_thanh_khe)
    assert refused.value.problems == [
        'Trang "Chợ", dòng 3, cột "Mã đơn vị": không có đơn vị mã \'99999\' trong danh mục \'2025-07\'.',
        'Trang "Chợ", dòng 3, cột "Thanh toán không dùng tiền mặt": \'có lẽ\' không hợp lệ — ghi \'có\' hoặc '
        '\'không\'.',
        'Trang "Chợ", dòng 3, cột "Số hộ tiểu thương": \'nhiều\' không phải số nguyên (ví dụ 1.889).',
        'Trang "Chợ", dòng 3, cột "Ngày hiệu lực của thay đổi": \'32/13/2026\' không phải ngày; ghi dd/mm/yyyy (ví '
        'dụ 15/03/2026) hoặc để trống (hôm nay).',
        'Trang "Chợ", dòng 4, cột "Thanh toán không dùng tiền mặt": ô là công thức (=1+1); ghi giá trị, không ghi '
        'công thức.',
        'Trang "Chợ", dòng 4, cột "Thanh toán không dùng tiền mặt": cần ghi thanh toán không dùng tiền mặt.',
        'Trang "Chợ", dòng 4, cột "Lần sửa": \'x\' không phải số lần sửa; giữ nguyên số đã xuất ra.',
    ]
    assert refused.value.summary == ("Không nhập, chưa ghi gì: 7 lỗi. Sửa các ô nêu dưới đây rồi tải tệp lên lại.")
    assert _state() == before


def test_a_row_the_actions_refuse_rolls_back_the_rows_before_it(officer_thanh_khe):
    before = _state()
    content = _book([
        [None, "2025-07", "20209", None, "Chợ mới", "có", None, None, "có", None, None, None, None],
        [None, "2025-07", "20242", None, "Chợ của phường khác", "có", None, None, "có", None, None, None, None],
        [None, "2025-07", "20209", None, "chợ mới", "có", None, None, "có", None, None, None, None],
    ])
    with pytest.raises(RegisterImportRefused) as refused:
        import_workbook(content, acting_user=officer_thanh_khe)
    assert refused.value.problems == [
        'Trang "Chợ", dòng 3, cột "Mã đơn vị": Bạn không có quyền ghi sổ theo dõi của Phường Hải Châu (mã 20242, danh '
        'mục 2025-07): chỉ cán bộ của đơn vị đó hoặc cấp trên.',
        'Trang "Chợ", dòng 4, cột "Tên": Phường Thanh Khê đã có chợ \'chợ mới\' trong sổ chợ: sửa mục đó thay vì '
        'thêm mục mới.',
    ]
    assert refused.value.status == 403
    assert _state() == before


def test_a_wrong_sheet_or_header_or_file_is_refused(officer_thanh_khe):
    with pytest.raises(RegisterImportRefused) as sheet:
        import_workbook(_book([], title="Trang tính1"), acting_user=officer_thanh_khe)
    assert sheet.value.problems[0].startswith('Trang "Trang tính1" không phải sổ theo dõi nào: đổi tên trang thành '
                                              "một trong 'Chợ', 'Trường học'")
    with pytest.raises(RegisterImportRefused) as garbage:
        import_workbook(b"not a workbook", acting_user=officer_thanh_khe)
    assert garbage.value.problems == ["Tệp không phải bảng tính XLSX đọc được: lưu lại dưới dạng .xlsx (Excel, "
                                      "LibreOffice) rồi tải lên lại."]


def test_the_export_round_trips_and_keeps_formula_like_names_as_text(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    do_add_entry("cho", ward, '=HYPERLINK("http://x","Chợ")', {"cashless": True, "traders": 1889},
                 acting_user=officer_thanh_khe, effective_on=MARCH)
    do_add_entry("ocop", ward, "Mây tre", {"stars": 4, "platforms": "Postmart; Alibaba"},
                 acting_user=officer_thanh_khe, effective_on=MARCH)
    content = export_workbook(list(entries_under(officer_thanh_khe, ward, retired=True)))
    book = load_workbook(io.BytesIO(content))
    cell = book["Chợ"]["E2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x","Chợ")', "s", True)
    assert book["Chợ"]["G2"].value == 1889 and book["Sản phẩm OCOP"]["H2"].value == "Postmart; Alibaba"
    before = _state()
    result = import_workbook(content, acting_user=officer_thanh_khe)
    assert (result.added, result.changed, result.retired, result.unchanged) == (0, 0, 0, 2)
    assert _state() == before
    assert export_workbook(list(entries_under(officer_thanh_khe, ward, retired=True))) != b""
    again = load_workbook(io.BytesIO(export_workbook(list(entries_under(officer_thanh_khe, ward, retired=True)))))
    assert [[c.value for c in row] for row in again["Chợ"].iter_rows()] == \
        [[c.value for c in row] for row in book["Chợ"].iter_rows()]
