"""The annual report: content, PDF text (pypdf), XLSX cells, the command and the unit page's button."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from chiso.engine.progress import Status
from chiso.reports.build import build_report, version_of_year
from chiso.reports.render import render_html
from tests.portal.helpers import unit

pytestmark = pytest.mark.django_db

ARTICLE = 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'


@pytest.fixture(scope="module")
def pdf_text(django_db_blocker) -> str:
    from pypdf import PdfReader

    from chiso.reports.render import render_pdf

    with django_db_blocker.unblock():
        body = render_pdf(build_report(unit("2024", "491"), 2024))
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_code_is_read_in_the_version_in_force_at_the_end_of_the_year():
    assert version_of_year(2024).name == "2024"
    assert version_of_year(2025).name == "2025-07"


@pytest.mark.demo
def test_the_report_has_results_by_pillar_with_real_figures_and_their_sources():
    report = build_report(unit("2024", "491"), 2024)
    assert str(report.month) == "2024-12"
    assert [s.pillar.code for s in report.sections] == ["CQS", "KTS", "XHS"]
    lines = {line.indicator.code: line for line in report.lines}
    accounts = lines["XHS-06"]
    assert (accounts.value.value, accounts.value.illustrative) == (133713, False)
    assert accounts.previous.value == 100815 and accounts.previous.illustrative
    assert [s.text for s in accounts.sources] == [ARTICLE]
    assert lines["XHS-05"].value.value == 166039
    assert lines["CQS-03"].card.goal.value == 65 and lines["CQS-03"].status == Status.ACHIEVED  # 2024 is over
    assert not report.plan_based and report.plan.stated_total == 28
    assert "Trụ cột XHS: văn bản ghi 13 chỉ tiêu, kế hoạch khai báo 0." in report.plan_checks
    assert len(report.children) == 10 and report.has_illustrative
    assert ARTICLE in [s.text for s in report.sources]


@pytest.mark.demo
def test_a_plan_with_targets_is_reported_against_them():
    report = build_report(unit("2024", "492"), 2024)
    assert report.plan_based
    planned = [line for line in report.lines if line.card.goal and line.card.goal.kind == "plan"]
    assert [(line.indicator.code, line.card.goal.value, line.status) for line in planned] == [
        ("KTS-09", 50, Status.ACHIEVED), ("KTS-12", 35, Status.ACHIEVED)]


@pytest.mark.demo
def test_the_pdf_is_vietnamese_text_with_the_known_figure_and_its_source(pdf_text):
    text = " ".join(pdf_text.split())
    assert "Báo cáo kết quả thực hiện chuyển đổi số năm 2024" in text
    assert "ỦY BAN NHÂN DÂN QUẬN THANH KHÊ" in text.upper()
    assert "133.713" in text and "166.039" in text
    assert "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" in text
    assert "Xã hội số (XHS)" in text and "Đã đạt mục tiêu" in text
    assert "minh họa" in text


def test_the_pdf_html_declares_the_fonts_and_draws_charts_as_inline_svg_without_script():
    html = render_html(build_report(unit("2024", "491"), 2024))
    assert '@font-face { font-family: "DejaVu Sans"' in html
    assert "<svg" in html and 'role="img"' in html
    assert "<script" not in html


@pytest.mark.demo
def test_the_xlsx_has_every_line_and_the_sources():
    from openpyxl import load_workbook

    from chiso.reports.render import render_xlsx

    book = load_workbook(io.BytesIO(render_xlsx(build_report(unit("2024", "491"), 2024))))
    sheet = book["Kết quả"]
    assert sheet["A1"].value == "Báo cáo kết quả chuyển đổi số năm 2024 – Quận Thanh Khê"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["XHS-06"][4:6] == (100815, 133713)
    assert rows["XHS-06"][11] == "không" and rows["XHS-06"][12] == f"[1] {ARTICLE}"
    assert rows["CQS-03"][7] == 65 and rows["CQS-03"][10] == "Đạt"
    assert rows["CQS-03"][13:16] == (69, "cả năm 2024", "4/6 quận (cả năm 2024)")
    assert rows["XHS-06"][10] == "Chưa có mục tiêu"  # no target: never a progress status
    assert rows["XHS-06"][13:16] == (133713, "tháng 12/2024", "2/6 quận (tháng 12/2024)")
    assert [c.value for c in book["Đơn vị trực thuộc"][1]][:2] == ["Mã", "Đơn vị"]
    sources = list(book["Nguồn"].iter_rows(min_row=2, values_only=True))
    assert (1, "XHS-06", "2024", 133713.0, ARTICLE) in sources


def test_the_command_writes_the_report(tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    stdout = io.StringIO()
    call_command("report", "--unit", "491", "--year", "2024", "--format", "xlsx", "--out", str(out), stdout=stdout)
    assert out.read_bytes()[:2] == b"PK"
    assert "báo cáo năm 2024 của Quận Thanh Khê (mã 491, danh mục 2024)" in stdout.getvalue()


def test_the_command_explains_a_code_unknown_in_that_years_version(tmp_path):
    with pytest.raises(CommandError, match="Không có đơn vị mã '491' trong danh mục 2025-07"):
        call_command("report", "--unit", "491", "--year", "2025", "--out", str(tmp_path / "x.pdf"))


def test_the_unit_pages_button_downloads_the_report(client):
    response = client.get("/bao-cao/2024/491/2024.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-cds-2024-491-2024.xlsx"'
    assert client.get("/bao-cao/2024/491/2024.doc").status_code == 404
    assert client.get("/bao-cao/2025-07/491/2024.pdf").status_code == 404
