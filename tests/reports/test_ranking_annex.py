"""The ranking annex (phụ lục kết quả xếp hạng) of the small round (tests/ranking/world.py): the XLSX cells, the
PDF's text (pypdf), and who may download it before and after publication."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from chiso.ranking.actions import do_move_round
from tests.ranking import world

pytestmark = pytest.mark.django_db

OTHERS = [("20224", "Phường An Khê"), ("20215", "Phường Chính Gián"), ("20225", "Phường Hòa Khê"),
          ("20203", "Phường Tam Thuận"), ("20206", "Phường Thanh Khê Tây"), ("20207", "Phường Thanh Khê Đông"),
          ("20218", "Phường Vĩnh Trung"), ("20209", "Phường Xuân Hà")]


@pytest.fixture
def approver(db):  # type: ignore[no-untyped-def]
    return world.approver_of_thanh_khe()


@pytest.fixture
def method(tmp_path, city_admin):  # type: ignore[no-untyped-def]
    return world.load_method(tmp_path, city_admin)


@pytest.fixture
def published(method, city_admin, officer_thac_gian, approver):  # type: ignore[no-untyped-def]
    return world.published(method, city_admin, officer_thac_gian, approver)


def url(round_, fmt: str) -> str:  # type: ignore[no-untyped-def]
    return f"/bao-cao/xep-hang/{round_.pk}/phu-luc.{fmt}"


def test_the_xlsx_holds_the_table_and_every_components_points(client, published):
    from django.urls import reverse

    assert reverse("reports:ranking-annex", kwargs={"round_id": published.pk, "fmt": "xlsx"}) == url(published,
                                                                                                     "xlsx")
    answer = client.get(url(published, "xlsx"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="phu-luc-xep-hang-2024-{published.pk}.xlsx"'
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Xếp hạng", "Điểm thành phần"]
    rows = [list(r) for r in book["Xếp hạng"].iter_rows(values_only=True)]
    width = 9
    assert rows[:8] == [
        ["Xếp hạng chuyển đổi số phường năm 2024: quận Thanh Khê (minh họa)"] + [None] * (width - 1),
        ["Phương pháp: Bộ chỉ số thử, phiên bản 1 (mã thu-nghiem)"] + [None] * (width - 1),
        ["Kèm theo Quyết định số 15/QĐ-UBND ngày 10/10/2024"] + [None] * (width - 1),
        ["Minh họa: phương pháp hoặc điểm số không phải số liệu công bố chính thức, dùng để thử và trình diễn."]
        + [None] * (width - 1),
        [None] * width,
        ["Nhóm xếp hạng: Phường"] + [None] * (width - 1),
        ["STT", "Đơn vị", "Tổng điểm", "Xếp loại", "Hạng", "Khoảng hạng", "NTS Nhận thức số (tối đa 40)",
         "HT Hồ sơ trực tuyến (tối đa 60)", "THUONG Điểm thưởng (tối đa 5)"],
        [1, "Phường Thạc Gián", 89.02, "tốt", 1, "1", 40, 47.02, 2],
    ]
    assert rows[8] == [2, "Phường Tân Chính", 65, "trung bình khá", 2, "2", 35, 30, 0]
    tied = rows[9:]
    assert [r[0] for r in tied] == list(range(3, 11))
    assert sorted(r[1] for r in tied) == sorted(name for _, name in OTHERS)
    assert {tuple(r[2:]) for r in tied} == {(5, None, 3, "3", 5, 0, 0)}
    detail = [list(r) for r in book["Điểm thành phần"].iter_rows(values_only=True)]
    assert detail[:4] == [
        ["Nhóm xếp hạng", "Mã đơn vị", "Đơn vị", "NTS", "NTS-1", "NTS-2", "HT", "HT-1", "THUONG"],
        [None, None, "Điểm tối đa", 40, 20, 20, 60, 60, 5],
        ["Phường", "20221", "Phường Thạc Gián", 40, 20, 20, 47.02, 47.02, 2],
        ["Phường", "20212", "Phường Tân Chính", 35, 15, 20, 30, 30, 0],
    ]
    assert {tuple(r[3:]) for r in detail[4:]} == {(5, 5, 0, 0, 0, 0)} and len(detail) == 12


def test_the_pdf_reads_like_the_decisions_annex(client, published):
    from pypdf import PdfReader

    answer = client.get(url(published, "pdf"))
    assert (answer.status_code, answer["Content-Type"]) == (200, "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "PHỤ LỤC" in text
    assert "Xếp hạng chuyển đổi số phường năm 2024: quận Thanh Khê (minh họa)" in text
    assert "Kèm theo Quyết định số 15/QĐ-UBND ngày 10/10/2024" in text
    assert "Phương pháp: Bộ chỉ số thử, phiên bản 1 (mã thu-nghiem)" in text
    assert "1. Nhóm xếp hạng: Phường" in text
    lines = text.splitlines()
    assert "1 Phường Thạc Gián 89,02 tốt 1 1 40,00 47,02 2,00" in lines
    assert "2 Phường Tân Chính 65,00 trung bình khá 2 2 35,00 30,00 0,00" in lines
    for _, name in OTHERS:
        assert any(line.endswith(f"{name} 5,00 – 3 3 5,00 0,00 0,00") for line in lines), name
    assert "Minh họa: phương pháp hoặc điểm số không phải số liệu công bố chính thức" in text
    assert "Kết quả tạm tính" not in text and "2. Nhóm xếp hạng" not in text


def test_rounds_published_by_one_decision_are_one_annex_a_table_each(client, published, method, city_admin,
                                                                     officer_thac_gian, approver):
    from pypdf import PdfReader

    both = world.published(method, city_admin, officer_thac_gian, approver, peer_group="phuong-xa")
    for round_ in (published, both):
        answer = client.get(url(round_, "pdf"))
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
        assert text.index("1. Nhóm xếp hạng: Phường\n") < text.index("2. Nhóm xếp hạng: Phường, xã, đặc khu\n")
        assert text.count("Phường Thạc Gián 89,02 tốt") == 2
    detail = load_workbook(io.BytesIO(client.get(url(both, "xlsx")).content))["Điểm thành phần"]
    assert [r[0] for r in detail.iter_rows(min_row=3, values_only=True)] == ["Phường"] * 10 + [
        "Phường, xã, đặc khu"] * 10


def test_a_draft_annex_says_it_is_provisional(client, method, city_admin, officer_thac_gian):
    from pypdf import PdfReader

    round_ = world.at_verification(method, city_admin, officer_thac_gian)
    assert client.get(url(round_, "pdf")).status_code == 404
    client.force_login(city_admin)
    answer = client.get(url(round_, "pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Chưa có quyết định phê duyệt của hội đồng: kết quả tạm tính." in text
    assert "1 Phường Thạc Gián 92,02 xuất sắc 1 1 40,00 47,02 5,00" in text.splitlines()
    assert answer["Cache-Control"] == "private, no-store"


def test_it_checks_access(client, method, city_admin, officer_thac_gian, officer_tan_chinh, viewer, approver):
    round_ = world.at_verification(method, city_admin, officer_thac_gian)
    world.verify_all(round_, approver)
    do_move_round(round_, "council", acting_user=city_admin)
    do_move_round(round_, "approve", acting_user=city_admin, decision="15/QĐ-UBND", decision_date=date(2024, 10, 10))

    def status(user, fmt: str = "xlsx") -> int:  # type: ignore[no-untyped-def]
        client.logout()
        if user is not None:
            client.force_login(user)
        return client.get(url(round_, fmt)).status_code

    people = (None, viewer, officer_thac_gian, officer_tan_chinh, approver, city_admin)
    assert [status(p) for p in people] == [404, 404, 404, 404, 200, 200]  # approved, not yet published
    do_move_round(round_, "publish", acting_user=city_admin)
    assert [status(p) for p in people] == [200, 200, 200, 200, 200, 200]
    assert status(None, "docx") == 404
    assert client.get(f"/bao-cao/xep-hang/{round_.pk + 999}/phu-luc.pdf").status_code == 404
