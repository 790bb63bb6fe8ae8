"""The grid laid out like the form (pillars, indicators, rates), messages in words at one cell, partial saves,
usual ranges as warnings, the submit confirmation, recalling a submitted report, the tổ dân phố reports."""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from chiso.collection.entry import grid, layout
from chiso.collection.models import Form, Status
from chiso.collection.workflow import WorkflowError, do_transition, submission_for
from chiso.engine.periods import Period
from chiso.indicators.catalogue import load_sanity_bounds
from chiso.indicators.models import DataElement, SanityBound
from chiso.values.actions import RefusalKind, ValueEntry, do_set_values
from chiso.values.models import Channel, DataValueHistory
from tests.collection.test_entry_support import ENTRY_URLS, MONTHLY, PERIOD, grid_url, put, stored
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]


@pytest.fixture
def officer(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    return client


def report(code="20221", period=PERIOD):
    return submission_for(Form.objects.get(code=MONTHLY), unit("2024", code), period)


def entry(code: str, value: str, unit_code: str = "20221") -> ValueEntry:
    return ValueEntry(DataElement.objects.get(code=code), unit("2024", unit_code), Period.parse(PERIOD), Decimal(value))


# -- laid out like the form -------------------------------------------------------------------------------

def test_the_grid_is_grouped_by_pillar_and_indicator_each_row_once(officer_thac_gian):
    found = grid.find_report(MONTHLY, "2024", "20221", PERIOD)
    rows = grid.rows(found, officer_thac_gian)
    sections = layout.sections(rows, {})
    assert [s.title for s in sections] == ["Chính quyền số", "Kinh tế số", "Xã hội số"]
    order = [r.element.code for s in sections for r in s.rows]
    assert sorted(order) == sorted(r.element.code for r in rows) and len(order) == 77  # each row once
    first = sections[0].groups
    assert [(g.code, g.title, [r.element.code for r in g.rows]) for g in first[:4]] == [
        ("", "Số liệu chung", ["TTHC", "HS", "HS-GQ", "CBCC"]),
        ("CQS-01", "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình", ["CQS-01.TS"]),
        ("CQS-02", "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ", ["CQS-02.MS", "CQS-02.TS"]),
        ("CQS-03", "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến", ["CQS-03.MS", "CQS-03.TS"]),
    ]
    assert first[1].uses == "Mẫu số: Tổng số TTHC (ở mục Số liệu chung)"
    cqs16 = next(g for g in first if g.code == "CQS-16")
    assert cqs16.uses == "Mẫu số: Số văn bản điện tử (ở mục CQS-15)"  # a numerator elsewhere is this denominator
    assert [r.element.code for r in sections[2].groups[0].rows] == ["DS-TT", "THON-TDP"]


def test_the_rate_is_shown_beside_its_parts_the_vietnamese_way(officer):
    put("CQS-03.MS", 200)
    put("CQS-03.TS", 183)
    html = officer.get(grid_url()).content.decode()
    assert ('<span class="rate">Tỷ lệ: <output class="rate-value" data-num="CQS-03.TS" data-den="CQS-03.MS" '
            'data-factor="100.0000" data-decimals="1" data-suffix="%">91,5%</output></span>') in html
    assert 'data-num="CQS-08.TS" data-den="HS-GQ"' in html and '<span class="rate">Bình quân: ' in html
    rows = [line.split('data-code="')[1].split('"')[0] for line in html.splitlines() if 'class="grid-row' in line]
    assert rows.index("CQS-03.TS") == rows.index("CQS-03.MS") + 1


@pytest.mark.parametrize(("top", "bottom", "shown"), [
    ("183", "200", "91,5%"), ("gần 50", "200", "25,0%"), ("1", "0", "–"), ("-3", "20", "–"), ("1.23", "200", "–"),
    ("", "200", "–")])
def test_rate_text(top, bottom, shown):
    assert layout.rate_text(top, bottom, Decimal(100), 1, "%") == shown


# -- messages in words, each once at its cell ---------------------------------------------------------------

def test_a_broken_rule_names_its_figures_once_at_the_numerators_cell(officer):
    put("KTS-11.MS", 200)
    html = unescape(officer.post(grid_url(suffix="kiem-tra/KTS-11.TS/"), {"v-KTS-11.TS": "2.909"}).content.decode())
    sentence = "Số chợ thực hiện thanh toán không dùng tiền mặt (2.909) không được lớn hơn Tổng số chợ (200)."
    assert html.count(sentence) == 1
    assert "1 ô có lỗi (xem lời giải thích ở từng ô):" in html
    assert '<a href="#c-63" data-focus="c-63">Số chợ thực hiện thanh toán không dùng tiền mặt</a>' in html
    put("KTS-11.TS", 2909)
    page = unescape(officer.get(grid_url()).content.decode())
    assert page.count(sentence) == 1  # at the cell; not again in the panel nor above the submit button
    row = page.split('data-code="KTS-11.TS"', 1)[1].split("</tr>", 1)[0]
    assert sentence in row


def test_a_figure_far_from_the_wards_past_says_how_far_in_words(officer):
    for month, value in (("2020-12", 70), ("2021-01", 72), ("2021-02", 75), ("2021-03", 71), ("2021-04", 74)):
        put("KTS-12.MS", value, period=month)
    html = unescape(officer.post(grid_url(suffix="kiem-tra/KTS-12.MS/"), {"v-KTS-12.MS": "2.909"}).content.decode())
    assert ('<p class="note note-outlier">Số này gấp khoảng 40 lần mức thường thấy của phường (khoảng 72): hãy kiểm '
            "tra lại; nếu đúng vẫn lưu được.</p>") in html


# -- valid cells save, invalid ones are returned per cell ---------------------------------------------------

def test_a_partial_write_writes_what_passes_and_returns_the_others(officer_thac_gian):
    result = do_set_values([entry("XHS-05", "100"), entry("XHS-14", "-5"), entry("DS", "12000")],
                           acting_user=officer_thac_gian, channel=Channel.WEB, partial=True)
    assert (result.created, result.changed) == (2, 0)
    assert [(r.kind, r.index, r.message) for r in result.refused] == [(
        RefusalKind.INVALID, 1, f"XHS-14 (Phường Thạc Gián, kỳ {PERIOD}): -5 — số đếm không được âm.")]
    assert sorted(DataValueHistory.objects.filter(data_value__unit=unit("2024", "20221"), data_value__period=PERIOD)
                  .values_list("data_value__data_element__code", "value")) == [
        ("DS", Decimal(12000)), ("XHS-05", Decimal(100))]


def test_a_partial_write_still_refuses_another_wards_figures(officer_thac_gian):
    result = do_set_values([entry("XHS-05", "100"), entry("XHS-05", "7", unit_code="20212")],
                           acting_user=officer_thac_gian, channel=Channel.WEB, partial=True)
    assert [(r.kind, r.index) for r in result.refused] == [(RefusalKind.FORBIDDEN, 1)]
    assert (stored("XHS-05").value, stored("XHS-05", unit_code="20212")) == (Decimal(100), None)


def test_a_save_of_only_refused_cells_saves_nothing_and_says_so(officer):
    response = officer.post(grid_url(suffix="luu/"), {"v-XHS-14": "-5", "o-XHS-14": "", "r-XHS-14": "0"})
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "Chưa lưu số nào: 1 ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại." in html
    assert html.count("Số đếm không được âm.") == 1 and stored("XHS-14") is None


# -- usual ranges: warnings, never refusals -----------------------------------------------------------------

def test_a_wards_population_of_ten_million_is_written_with_a_warning(officer, officer_thac_gian):
    result = do_set_values([entry("DS", "9999999")], acting_user=officer_thac_gian, channel=Channel.WEB)
    assert result.created == 1
    assert [w.message for w in result.warnings] == [
        f"DS (Phường Thạc Gián, kỳ {PERIOD}): 9.999.999 lớn bất thường cho một phường: thường trong khoảng 500 – "
        "300.000 (Dân số một phường của Đà Nẵng: vài nghìn đến khoảng 200.000 người sau sắp xếp 2025). Kiểm tra lại "
        "xem có gõ thừa hay thiếu chữ số; nếu đúng vẫn lưu được."]
    html = unescape(officer.post(grid_url(suffix="kiem-tra/DS/"), {"v-DS": "9.999.999"}).content.decode())
    assert 'data-level="warning"' in html and "Hợp lệ" not in html
    assert "<p class=\"note note-warning\">9.999.999 lớn bất thường cho một phường: thường trong khoảng 500" in html
    assert do_set_values([entry("DS", "12000")], acting_user=officer_thac_gian, channel=Channel.WEB).warnings == []


def test_the_usual_ranges_are_loaded_from_their_file_and_checked(tmp_path: Path):
    assert SanityBound.objects.get(data_element__code="DS", unit_type="phuong").high == Decimal(300000)
    bad = tmp_path / "bounds.csv"
    bad.write_text("element,unit_type,low,high,why\nKHONG-CO,phuong,1,2,x\nDS,phuong,10,5,x\nDS,lang,1,2,x\n",
                   encoding="utf-8")
    rows = load_sanity_bounds(bad, {e.code: e for e in DataElement.objects.filter(code="DS")})
    problems = [p for row in rows for p in row.problems]
    assert len(problems) == 3
    assert "không có yếu tố dữ liệu mã 'KHONG-CO'" in problems[0] and "cận trên 5 nhỏ hơn cận dưới 10" in problems[1]


def test_no_figure_of_the_test_world_is_outside_its_usual_range():
    """The demo's own figures stay inside the ranges (else every demo page would warn)."""
    from chiso.values.models import DataValue

    outside = []
    for bound in SanityBound.objects.select_related("data_element"):
        figures = DataValue.objects.filter(data_element=bound.data_element, unit__type=bound.unit_type,
                                           is_deleted=False, value__isnull=False)
        outside += list(figures.filter(value__lt=bound.low).values_list("data_element__code", "unit__code", "value"))
        outside += list(figures.filter(value__gt=bound.high).values_list("data_element__code", "unit__code", "value"))
    assert outside == []


# -- submit after a confirmation; recall before review ------------------------------------------------------

def test_submitting_shows_what_is_sent_first(officer):
    put("XHS-05", 100)
    put("DS", 9999999)
    html = unescape(officer.post(grid_url(suffix="thao-tac/submit/"), {"giai-trinh-XHS-05<=DS": "x"}).content.decode())
    assert "<li><strong>2</strong> / 77 ô đã điền</li>" in html
    assert "<li><strong>75</strong> ô để trống: <span class=\"meta\">Tổng số TTHC; Số DVCTT;" in html
    assert "<li><strong>1</strong> cảnh báo:" in html and "Dân số: 9.999.999 lớn bất thường cho một phường" in html
    assert report().status == Status.DRAFT


def test_the_units_officer_recalls_a_submitted_report_before_review(client, officer_thac_gian):
    do_transition(report(), "submit", acting_user=officer_thac_gian)
    client.force_login(officer_thac_gian)
    html = client.get(grid_url()).content.decode()
    assert 'class="btn-recall" data-workflow>Rút lại để sửa</button>' in html
    assert client.post(grid_url(suffix="thao-tac/recall/")).status_code == 302
    assert report().status == Status.DRAFT
    assert list(report().events.values_list("action", "from_status", "to_status")) == [
        ("submit", "draft", "submitted"), ("recall", "submitted", "draft")]
    assert put("XHS-14", 6, user=officer_thac_gian).created == 1  # writable again


def test_another_wards_officer_cannot_recall(client, officer_thac_gian, officer_tan_chinh):
    do_transition(report(), "submit", acting_user=officer_thac_gian)
    with pytest.raises(WorkflowError) as error:
        do_transition(report(), "recall", acting_user=officer_tan_chinh)
    assert str(error.value) == "Bạn không có quyền 'rút lại để sửa' báo cáo của Phường Thạc Gián."
    client.force_login(officer_tan_chinh)
    assert client.post(grid_url(suffix="thao-tac/recall/")).status_code == 404  # not even readable
    approver = _user("t_approver_thanh_khe", "approver", unit("2024", "491"))
    client.force_login(approver)
    assert client.post(grid_url(suffix="thao-tac/recall/")).status_code == 403  # a reviewer returns, not recalls
    assert report().status == Status.SUBMITTED


def test_an_approved_report_cannot_be_recalled(officer_thac_gian):
    approver = _user("t_approver_thanh_khe", "approver", unit("2024", "491"))
    do_transition(report(), "submit", acting_user=officer_thac_gian)
    do_transition(report(), "approve", acting_user=approver)
    with pytest.raises(WorkflowError) as error:
        do_transition(report(), "recall", acting_user=officer_thac_gian)
    assert str(error.value) == "Không thể 'rút lại để sửa' báo cáo đang ở trạng thái 'Đã duyệt'."
    assert report().status == Status.APPROVED


# -- the ward's tổ dân phố -------------------------------------------------------------------------------

def test_the_wards_grid_links_its_to_dan_pho_reports(officer):
    html = officer.get(grid_url(period="2024-10")).content.decode()
    part = html.split('id="to-dan-pho"', 1)[1].split("</section>", 1)[0]
    assert part.count("<li>") == 3
    assert ('<a href="/nhap-lieu/2024/TDP-TG-01/BC-THANG-TDP/2024-10/">Tổ dân phố 1 (Thạc Gián)</a> '
            '<span class="meta">· Báo cáo tháng — tổ dân phố</span>') in part
    assert officer.get("/nhap-lieu/2024/TDP-TG-01/BC-THANG-TDP/2024-10/").status_code == 200
    assert 'id="to-dan-pho"' not in officer.get("/nhap-lieu/2024/TDP-TG-01/BC-THANG-TDP/2024-10/").content.decode()
