"""Audit: every figure's history from its cell and its own page, exports, and no lost update."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel
from tests.collection.test_entry_support import ENTRY_URLS, PERIOD, grid_url, hidden, put, stored
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stamp(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


# -- concurrent edits never lose an update -------------------------------------------------------------

def test_two_officers_save_the_same_cell_and_the_second_is_told_about_the_first(officer_thac_gian):
    put("XHS-05", 100)
    colleague = _user("t_colleague_thac_gian", "reporter", unit("2024", "20221"))
    first, second = _client(officer_thac_gian), _client(colleague)
    seen_by_first, seen_by_second = first.get(grid_url()).content.decode(), second.get(grid_url()).content.decode()
    assert hidden(seen_by_first, "r-XHS-05") == hidden(seen_by_second, "r-XHS-05") == "1"

    saved = first.post(grid_url(suffix="luu/"), {"v-XHS-05": "120", "o-XHS-05": "100", "r-XHS-05": "1"})
    assert saved.status_code == 302
    refused = second.post(grid_url(suffix="luu/"), {
        "v-XHS-05": "130", "o-XHS-05": "100", "r-XHS-05": "1", "v-XHS-14": "7", "o-XHS-14": "", "r-XHS-14": "0"})
    html = unescape(refused.content.decode())
    assert refused.status_code == 200  # the other cell is saved; the conflicting one waits for the officer
    change = stored("XHS-05").history.get(revision=2)
    assert (f"XHS-05 (Phường Thạc Gián, kỳ {PERIOD}): t_officer_thac_gian sửa lúc {_stamp(change.changed_at)}, "
            "nhập trên web: 100 → 120 — sau khi bạn mở số liệu (bạn thấy lần sửa 1, nay là lần sửa 2). "
            "Số bạn nhập (130) chưa được lưu: xem lại rồi lưu lại nếu vẫn đúng.") in html
    assert "Đã lưu 1 số liệu; 1 ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại." in html
    assert stored("XHS-05").value == Decimal("120") and stored("XHS-14").value == Decimal(7)
    assert hidden(html, "v-XHS-05") == "130" and hidden(html, "r-XHS-05") == "1"  # the typing and what was seen
    assert (hidden(html, "v-XHS-14"), hidden(html, "o-XHS-14"), hidden(html, "r-XHS-14")) == ("7", "7", "1")
    assert 'name="ghi-de-XHS-05" value="2"' in html

    overwrite = second.post(grid_url(suffix="luu/"), {
        "v-XHS-05": "130", "o-XHS-05": "100", "r-XHS-05": "1", "ghi-de-XHS-05": "2",
        "v-XHS-14": "7", "o-XHS-14": "", "r-XHS-14": "0"})
    assert overwrite.status_code == 302
    assert list(stored("XHS-05").history.values_list("revision", "old_value", "value", "changed_by__username")) == [
        (1, None, Decimal("100"), None),
        (2, Decimal("100"), Decimal("120"), "t_officer_thac_gian"),
        (3, Decimal("120"), Decimal("130"), "t_colleague_thac_gian"),
    ]


def test_a_figure_created_meanwhile_is_a_conflict_too(officer_thac_gian):
    colleague = _user("t_colleague_thac_gian", "reporter", unit("2024", "20221"))
    put("XHS-14", 5, user=colleague)
    change = ValueEntry(DataElement.objects.get(code="XHS-14"), unit("2024", "20221"), Period.parse(PERIOD),
                        Decimal(6), expected_revision=0)
    with pytest.raises(ValueWriteError) as error:
        do_set_values([change], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert error.value.kinds == {RefusalKind.CONFLICT}
    stamp = _stamp(stored("XHS-14").updated_at)
    assert error.value.problems == [
        f"XHS-14 (Phường Thạc Gián, kỳ {PERIOD}): t_colleague_thac_gian sửa lúc {stamp}, nhập trên web: – → 5 — "
        "sau khi bạn mở số liệu (bạn thấy lần sửa 0, nay là lần sửa 1). Số bạn nhập (6) chưa được lưu: "
        "xem lại rồi lưu lại nếu vẫn đúng."]


def test_a_figure_created_between_the_check_and_the_insert_is_a_conflict(officer_thac_gian, monkeypatch):
    """Two writers create the same new figure at once: the second one's insert hits the one-figure-per-cell
    constraint (PostgreSQL lets both pass the check); it is told about the first, and nothing is written."""
    from chiso.values import actions

    colleague = _user("t_colleague_thac_gian", "reporter", unit("2024", "20221"))
    change = ValueEntry(DataElement.objects.get(code="XHS-14"), unit("2024", "20221"), Period.parse(PERIOD),
                        Decimal(6), expected_revision=0)
    put("XHS-14", 5, user=colleague)  # committed by the colleague just after this writer looked:
    real_existing = actions._existing
    monkeypatch.setattr(actions, "_existing",  # …so the check under lock did not see it
                        lambda keys, *, lock: {} if lock else real_existing(keys, lock=lock))
    with pytest.raises(ValueWriteError) as error:
        do_set_values([change], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert error.value.kinds == {RefusalKind.CONFLICT}
    assert "t_colleague_thac_gian sửa lúc" in error.value.problems[0] and ": – → 5 — " in error.value.problems[0]
    assert (stored("XHS-14").value, stored("XHS-14").revision) == (Decimal(5), 1)


def test_writing_the_figure_someone_else_already_wrote_is_no_conflict(officer_thac_gian):
    put("XHS-14", 5)
    put("XHS-14", 6)
    change = ValueEntry(DataElement.objects.get(code="XHS-14"), unit("2024", "20221"), Period.parse(PERIOD),
                        Decimal(6), expected_revision=1)
    result = do_set_values([change], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 1)


# -- history from the cell and its own page ------------------------------------------------------------

def test_a_cells_history_shows_old_to_new_who_when_channel_and_reason(client, officer_thac_gian):
    put("XHS-05", 100)
    put("XHS-05", 120, user=officer_thac_gian)
    client.force_login(officer_thac_gian)
    html = client.get(grid_url(suffix="lich-su/XHS-05/")).content.decode()
    value = stored("XHS-05")
    assert html.count("<tr><td>") == 2
    assert "<tr><td>2</td>" in html.split("<tr><td>1</td>")[0]  # newest first
    assert "<td>t_officer_thac_gian</td>" in html and "<td>hệ thống</td>" in html
    assert "<td>100 →  120</td>" in html and "<td>– →  100</td>" in html
    assert f'href="/nhap-lieu/lich-su/{value.pk}/"' in html
    empty = client.get(grid_url(suffix="lich-su/XHS-06/")).content.decode()
    assert "Chưa có số liệu nào được ghi cho ô này." in empty


def test_the_history_page_of_a_figure(client, officer_thac_gian, officer_tan_chinh):
    put("XHS-05", 3500, qualifier="at_least")
    value = stored("XHS-05")
    client.force_login(officer_thac_gian)
    html = client.get(f"/nhap-lieu/lich-su/{value.pk}/").content.decode()
    assert "<h1>Lịch sử số liệu <code>XHS-05</code></h1>" in html
    assert "Hiện nay: <strong>hơn 3.500</strong>" in html
    assert f'href="{grid_url()}">Báo cáo CĐS tháng — cấp phường, xã</a>' in html
    client.force_login(officer_tan_chinh)
    assert client.get(f"/nhap-lieu/lich-su/{value.pk}/").status_code == 404
    assert client.get("/nhap-lieu/lich-su/999999999/").status_code == 404


# -- exports ---------------------------------------------------------------------------------------------

@pytest.fixture
def changed_twice(officer_thac_gian):
    put("XHS-05", 100, source="=cmd|' /C calc'!A0")
    from chiso.values.actions import ValueEntry, do_set_values

    do_set_values([ValueEntry(DataElement.objects.get(code="XHS-05"), unit("2024", "20221"), Period.parse(PERIOD),
                              Decimal("121"), source="=cmd|' /C calc'!A0")],
                  acting_user=officer_thac_gian, channel=Channel.WEB, reason="@SUM(1+1) sửa theo sổ")
    return stored("XHS-05")


def test_a_units_history_exports_as_csv_with_formulas_neutralised(client, officer_thac_gian, changed_twice):
    client.force_login(officer_thac_gian)
    response = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv", {"tu": PERIOD, "den": PERIOD})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="lich-su-2024-20221-{PERIOD}-{PERIOD}.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")  # streamed (issue 8 item 3)
    assert text.startswith("\ufeffMã chỉ tiêu;Chỉ tiêu;Mã đơn vị;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [r[:16] for r in rows[1:]] == [
        ["XHS-05", "Số hồ sơ định danh điện tử đã thu nhận", "20221", "Phường Thạc Gián", "2024", PERIOD, "1", "",
         "100", "Chính xác", "'=cmd|' /C calc'!A0", "", "", "Nhập trên web", "", ""],
        ["XHS-05", "Số hồ sơ định danh điện tử đã thu nhận", "20221", "Phường Thạc Gián", "2024", PERIOD, "2", "100",
         "121", "Chính xác", "'=cmd|' /C calc'!A0", "", "", "Nhập trên web", "'@SUM(1+1) sửa theo sổ",
         "t_officer_thac_gian"],
    ]
    outside = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv", {"tu": "2021-06", "den": "2021-12"})
    assert len(list(csv.reader(io.StringIO(b"".join(outside.streaming_content).decode("utf-8"))))) == 1  # header


def test_a_units_history_exports_as_xlsx(client, officer_thac_gian, changed_twice):
    client.force_login(officer_thac_gian)
    response = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.xlsx", {"tu": "2021-01", "den": "2021-12"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Lịch sử sửa số liệu: Phường Thạc Gián (2024)")  # a title, a note, a blank row
    assert rows[3][:3] == ("Mã chỉ tiêu", "Chỉ tiêu", "Mã đơn vị") and sheet.freeze_panes == "A5"
    assert [(r[6], r[7], r[8], r[10], r[14]) for r in rows[4:]] == [  # the texts kept, as text cells:
        (1, None, 100, "=cmd|' /C calc'!A0", None),
        (2, 100, 121, "=cmd|' /C calc'!A0", "@SUM(1+1) sửa theo sổ"),
    ]
    cells = [sheet.cell(row=r, column=c) for r in (5, 6) for c in (11, 15) if sheet.cell(row=r, column=c).value]
    assert {(cell.data_type, cell.quotePrefix) for cell in cells} == {("s", True)}  # never a formula (issue 8)


def test_exports_check_access_and_the_format(client, officer_tan_chinh, officer_thac_gian):
    client.force_login(officer_tan_chinh)
    assert client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv").status_code == 404
    client.force_login(officer_thac_gian)
    assert client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.pdf").status_code == 404
    bad = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv", {"tu": "2021-13"})
    assert bad.status_code == 400
    assert "Kỳ báo cáo không hợp lệ: '2021-13' (tháng phải từ 01 đến 12)." in bad.content.decode()
