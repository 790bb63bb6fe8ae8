"""Evidence as a file (issue 9, item 4): a unit attaches a PDF, JPEG, PNG, DOCX or XLSX to a self-assessment
(ranking.actions.do_claim, checked by ranking.evidence), the file alone is evidence, it is kept in the data folder
under bang-chung/<round>/<assessment>/ (0600), every history row notes its name and SHA-256, and it is downloaded
at /xep-hang/<round>/<unit>/bang-chung/<assessment>/ by exactly who may read the scorecard. On the small world:
quận Thanh Khê 2024 and its 10 phường (tests/ranking/test_rounds.py)."""

from __future__ import annotations

import doctest
import hashlib
import io
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.api.auth import create_token
from chiso.ranking import evidence
from chiso.ranking.actions import RankingError, do_claim, do_move_round, do_move_scorecard
from chiso.ranking.models import Assessment, AssessmentHistory
from chiso.ranking.queries import explain
from tests.ranking.test_pages import _publish
from tests.ranking.test_rounds import EVIDENCE, approver, card_of, files, method, round_  # noqa: F401

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PDF_SHA = hashlib.sha256(PDF).hexdigest()
THAC_GIAN, TAN_CHINH = "20221", "20212"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path_factory):
    """Files go to a folder of this test, removed afterwards."""
    folder = tmp_path_factory.mktemp("du-lieu")
    settings.MEDIA_ROOT = folder
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _office(kind: str) -> bytes:
    part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return out.getvalue()


def _url(round_, code: str, *parts: object) -> str:  # noqa: F811
    return "/".join([f"/xep-hang/{round_.pk}", code, *map(str, parts)]) + "/"


def _download(client, round_, code: str, assessment: Assessment):  # noqa: F811
    return client.get(_url(round_, code, "bang-chung", assessment.pk))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _stored(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_the_evidence_rules_read_as_their_examples():
    assert doctest.testmod(evidence).failed == 0


def test_a_pdf_claim_is_kept_and_the_ward_and_the_verifier_download_its_exact_bytes(
        client, media, round_, officer_thac_gian, approver, city_admin):  # noqa: F811
    client.force_login(officer_thac_gian)
    posted = client.post(_url(round_, THAC_GIAN, "tu-danh-gia"), {
        "component": "NTS-1", "value": "4", "evidence_file": SimpleUploadedFile("Biên bản họp quý II.pdf", PDF)})
    assert posted.status_code == 302
    claim = Assessment.objects.get(scorecard__round=round_, component="NTS-1")
    assert (claim.evidence_file.name, claim.evidence_file_name, claim.evidence_file_type, claim.evidence_file_size,
            claim.evidence_file_sha256) == (f"bang-chung/{round_.pk}/{claim.pk}/bien-ban-hop-quy-ii.pdf",
                                            "Biên bản họp quý II.pdf", "application/pdf", len(PDF), PDF_SHA)
    kept = media / claim.evidence_file.name
    assert kept.read_bytes() == PDF
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((media / "bang-chung").stat().st_mode) == 0o700

    page = client.get(_url(round_, THAC_GIAN)).content.decode()
    link = f'href="/xep-hang/{round_.pk}/{THAC_GIAN}/bang-chung/{claim.pk}/"'
    assert f"tệp <a {link}>Biên bản họp quý II.pdf</a> ({len(PDF)} byte)" in page  # the scorecard's line
    assert f"Đã đính kèm: <a {link}>Biên bản họp quý II.pdf</a>" in page  # the claim form
    assert 'enctype="multipart/form-data"' in page and 'name="evidence_file" type="file"' in page
    assert explain(round_, card_of(round_, THAC_GIAN)).score.components["NTS-1"] == 20.0  # the file alone

    got = _download(client, round_, THAC_GIAN, claim)
    assert got.status_code == 200 and _body(got) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20qu" \
                                         "%C3%BD%20II.pdf"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Cache-Control"] == "private, no-store"

    card = card_of(round_, THAC_GIAN)
    do_claim(card, "NTS-2", "không", acting_user=officer_thac_gian)
    do_claim(card, "THUONG", "0", acting_user=officer_thac_gian)
    do_move_scorecard(card, "submit", acting_user=officer_thac_gian)
    do_move_round(round_, "verify", acting_user=city_admin)
    client.force_login(approver)
    page = client.get(_url(round_, THAC_GIAN))
    assert page.context["verifying"] is True
    assert f"· tệp <a {link}>Biên bản họp quý II.pdf</a> ({len(PDF)} byte)</p>" in page.content.decode()  # _verify
    got = _download(client, round_, THAC_GIAN, claim)
    assert got.status_code == 200 and _body(got) == PDF


def test_it_checks_access_to_a_file_before_and_after_publication(
        client, round_, officer_thac_gian, officer_tan_chinh, viewer, approver, city_admin):  # noqa: F811
    claim = do_claim(card_of(round_, THAC_GIAN), "NTS-1", "4", acting_user=officer_thac_gian,
                     evidence_file=("bien-ban.pdf", PDF))
    other = do_claim(card_of(round_, TAN_CHINH), "NTS-1", "0", acting_user=officer_tan_chinh)
    assert _download(client, round_, THAC_GIAN, claim).status_code == 404  # anonymous
    for user in (viewer, officer_tan_chinh):
        client.force_login(user)
        assert _download(client, round_, THAC_GIAN, claim).status_code == 404
    client.force_login(officer_thac_gian)
    assert _download(client, round_, THAC_GIAN, claim).status_code == 200
    assert client.get(_url(round_, THAC_GIAN, "bang-chung", other.pk)).status_code == 404  # not this card's claim
    assert client.get(_url(round_, TAN_CHINH, "bang-chung", other.pk)).status_code == 404  # another ward's draft
    client.force_login(officer_tan_chinh)
    assert client.get(_url(round_, TAN_CHINH, "bang-chung", other.pk)).status_code == 404  # a claim without a file
    assert client.post(_url(round_, THAC_GIAN, "bang-chung", claim.pk)).status_code == 405

    _publish(round_, city_admin, approver)  # every ward claims again (no file given: Thạc Gián's is kept)
    claim.refresh_from_db()
    assert (claim.revision, claim.evidence_file_name, claim.evidence_file_sha256) == (3, "bien-ban.pdf", PDF_SHA)
    client.logout()
    got = _download(client, round_, THAC_GIAN, claim)
    assert (got.status_code, _body(got), got["Cache-Control"]) == (200, PDF, "private")
    page = client.get(_url(round_, THAC_GIAN)).content.decode()
    assert f'tệp <a href="/xep-hang/{round_.pk}/{THAC_GIAN}/bang-chung/{claim.pk}/">bien-ban.pdf</a>' in page


def test_an_html_page_renamed_pdf_is_refused_and_nothing_is_kept(client, media, round_,  # noqa: F811
                                                                  officer_thac_gian):
    page = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    with pytest.raises(RankingError) as refused:
        do_claim(card_of(round_, THAC_GIAN), "NTS-1", "4", acting_user=officer_thac_gian,
                 evidence_file=("bao-cao.pdf", page))
    assert (refused.value.status, refused.value.field, refused.value.message) == (
        400, "evidence_file", "NTS-1: Tệp 'bao-cao.pdf' có đuôi .pdf nhưng nội dung không phải tệp PDF, JPEG, PNG, "
                              "DOCX hay XLSX: lưu (xuất) lại đúng định dạng PDF rồi gửi lại.")
    client.force_login(officer_thac_gian)
    posted = client.post(_url(round_, THAC_GIAN, "tu-danh-gia"), {
        "component": "NTS-1", "value": "4", "evidence_number": "12/BB", "evidence_title": "Biên bản",
        "evidence_file": SimpleUploadedFile("bao-cao.pdf", page, content_type="application/pdf")})
    assert posted.status_code == 400
    assert posted.context["errors"]["NTS-1"] == {"field": "evidence_file", "message": refused.value.message}
    html = posted.content.decode()
    assert 'name="evidence_file" type="file" accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,' in html
    assert 'aria-invalid="true" aria-describedby="loi-NTS-1"></label>' in html
    assert 'value="12/BB"' in html  # what was typed is kept
    assert not Assessment.objects.filter(scorecard__round=round_).exists()
    assert _stored(media) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("anh.png", b"\xff\xd8\xff\xe0 jpeg", "Tệp 'anh.png' có đuôi .png nhưng nội dung là JPEG: lưu (xuất) lại đúng "
                                          "định dạng PNG rồi gửi lại."),
    ("bang.xlsx", _office("docx"), "Tệp 'bang.xlsx' có đuôi .xlsx nhưng nội dung là DOCX: lưu (xuất) lại đúng định "
                                   "dạng XLSX rồi gửi lại."),
    ("van-ban.docx", b"PK\x03\x04 truncated", "Tệp 'van-ban.docx' có đuôi .docx nhưng nội dung không phải tệp PDF, "
                                               "JPEG, PNG, DOCX hay XLSX: lưu (xuất) lại đúng định dạng DOCX rồi gửi "
                                               "lại."),
    ("trang.html", b"<html></html>", "Tệp 'trang.html': chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX (đuôi .pdf, "
                                     ".jpg, .jpeg, .png, .docx, .xlsx)."),
    ("bien-ban", PDF, "Tệp 'bien-ban': chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX (đuôi .pdf, .jpg, .jpeg, .png, "
                      ".docx, .xlsx)."),
    ("rong.pdf", b"", "Tệp 'rong.pdf' rỗng (0 byte): chọn lại tệp rồi gửi."),
    ("../..", PDF, "Tệp kiểm chứng cần có tên, ví dụ bien-ban-hop.pdf."),
])
def test_a_file_of_another_kind_than_its_name_says_is_refused(round_, officer_thac_gian, name, content,  # noqa: F811
                                                              message):
    with pytest.raises(RankingError) as refused:
        do_claim(card_of(round_, THAC_GIAN), "NTS-1", "0", acting_user=officer_thac_gian,
                 evidence_file=(name, content))
    assert (refused.value.field, refused.value.message) == ("evidence_file", f"NTS-1: {message}")


@pytest.mark.parametrize(("name", "kind", "content_type"), [
    ("anh chup.JPG", "jpeg", "image/jpeg"), ("so-do.png", "png", "image/png"),
    ("ke-hoach.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("so-lieu.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_each_allowed_kind_is_kept_and_served_as_its_kind(client, media, round_, officer_thac_gian,  # noqa: F811
                                                          name, kind, content_type):
    content = {"jpeg": b"\xff\xd8\xff\xe0 jpeg", "png": b"\x89PNG\r\n\x1a\n png"}.get(kind) or _office(kind)
    claim = do_claim(card_of(round_, THAC_GIAN), "NTS-1", "4", acting_user=officer_thac_gian,
                     evidence_file=(name, content))
    assert claim.evidence_file_type == content_type
    client.force_login(officer_thac_gian)
    got = _download(client, round_, THAC_GIAN, claim)
    assert (got.status_code, got["Content-Type"], _body(got)) == (200, content_type, content)


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_kept(settings, media, round_,  # noqa: F811
                                                                        officer_thac_gian):
    assert settings.EVIDENCE_FILE_MAX_BYTES == 10 * MB  # CHISO_EVIDENCE_FILE_MAX_MB's default
    card = card_of(round_, THAC_GIAN)
    with pytest.raises(RankingError) as refused:
        do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian,
                 evidence_file=("lon.pdf", PDF + b"0" * (10 * MB + 1 - len(PDF))))
    assert (refused.value.field, refused.value.message) == (
        "evidence_file", "NTS-1: Tệp 'lon.pdf' nặng 10.485.761 byte, quá giới hạn 10 MB (10.485.760 byte): nén hoặc "
                         "chia nhỏ tệp rồi gửi lại.")
    upload = SimpleUploadedFile("lon.pdf", PDF + b"0" * (10 * MB + 1 - len(PDF)))  # as a form or the API hands it
    with pytest.raises(RankingError, match="nặng 10.485.761 byte"):
        do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian, evidence_file=upload)
    assert _stored(media) == []
    kept = do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian,
                    evidence_file=("vua.pdf", PDF + b"0" * (10 * MB - len(PDF))))
    assert kept.evidence_file_size == 10 * MB
    settings.EVIDENCE_FILE_MAX_BYTES = 1000  # the setting, not a constant
    with pytest.raises(RankingError, match=r"quá giới hạn 1\.000 byte \(1\.000 byte\)"):
        do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian, evidence_file=("vua.pdf", PDF + b"0" * 1000))


def test_a_path_like_name_is_kept_as_a_display_name_inside_the_evidence_folder(client, media, round_,  # noqa: F811
                                                                                officer_thac_gian):
    claim = do_claim(card_of(round_, THAC_GIAN), "NTS-1", "4", acting_user=officer_thac_gian,
                     evidence_file=("../../x.pdf", PDF))
    assert (claim.evidence_file_name, claim.evidence_file.name) == ("x.pdf", f"bang-chung/{round_.pk}/{claim.pk}/x.pdf")
    assert _stored(media) == [f"bang-chung/{round_.pk}/{claim.pk}/x.pdf"]
    assert Path(claim.evidence_file.path).resolve().is_relative_to((media / "bang-chung").resolve())
    hidden = do_claim(card_of(round_, THAC_GIAN), "NTS-2", "có", acting_user=officer_thac_gian,
                      evidence_file=("..\\..\\Kế hoạch\u202efdp.exe\x00\n.pdf", PDF))
    assert (hidden.evidence_file_name, hidden.evidence_file.name) == (
        "Kế hoạchfdp.exe .pdf", f"bang-chung/{round_.pk}/{hidden.pk}/ke-hoachfdp-exe.pdf")
    client.force_login(officer_thac_gian)
    assert _download(client, round_, THAC_GIAN, hidden)["Content-Disposition"] == (
        "attachment; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1chfdp.exe%20.pdf")


def test_the_file_alone_is_evidence_and_the_history_notes_each_file(media, round_, officer_thac_gian,  # noqa: F811
                                                                     django_capture_on_commit_callbacks):
    card = card_of(round_, THAC_GIAN)
    with pytest.raises(RankingError, match="ghi số hiệu và tên văn bản, đường dẫn, hoặc đính kèm tệp"):
        do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian)
    first = do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian, evidence_file=("bien-ban.pdf", PDF))
    assert (first.evidence_number, first.evidence_title, first.evidence_link) == ("", "", "")
    again = do_claim(card, "NTS-1", "3", acting_user=officer_thac_gian)  # no new file: the first one stays
    assert (again.evidence_file.name, again.evidence_file_sha256) == (first.evidence_file.name, PDF_SHA)
    png = b"\x89PNG\r\n\x1a\nanh"
    with django_capture_on_commit_callbacks(execute=True):
        replaced = do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian, evidence_file=("anh.png", png))
    assert _stored(media) == [f"bang-chung/{round_.pk}/{first.pk}/anh.png"]  # the replaced file is gone
    assert replaced.evidence_file_size == len(png)
    rows = AssessmentHistory.objects.filter(assessment=first).order_by("revision")
    assert [(r.revision, r.step, r.claimed, r.evidence_file_name, r.evidence_file_sha256) for r in rows] == [
        (1, "claim", "4", "bien-ban.pdf", PDF_SHA), (2, "claim", "3", "bien-ban.pdf", PDF_SHA),
        (3, "claim", "4", "anh.png", hashlib.sha256(png).hexdigest())]


def test_the_api_takes_a_claim_with_its_file_and_the_scorecard_links_it(client, media, round_,  # noqa: F811
                                                                        officer_thac_gian, officer_tan_chinh):
    token = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer_thac_gian, 'test')[1]}"}
    base = f"/api/v1/rankings/{round_.pk}/units/{THAC_GIAN}"
    answer = client.post(f"{base}/claims/NTS-1/file", {"value": "4", "evidence_date": "2024-06-03",
                                                       "file": SimpleUploadedFile("Biên bản.pdf", PDF)}, **token)
    assert answer.status_code == 200
    claim = Assessment.objects.get(scorecard__round=round_, component="NTS-1")
    url = f"/xep-hang/{round_.pk}/{THAC_GIAN}/bang-chung/{claim.pk}/"
    shown = {"name": "Biên bản.pdf", "size": len(PDF), "content_type": "application/pdf", "sha256": PDF_SHA,
             "url": url}
    assert answer.json() == {
        "round": round_.pk, "unit": THAC_GIAN, "component": "NTS-1", "claimed": "4", "claimed_denominator": None,
        "evidence": {"number": "", "date": "2024-06-03", "title": "", "excerpt": "", "link": "", "file": shown},
        "verdict": "pending", "verified": "", "verify_reason": "", "revision": 1}
    card = client.get(base, **token).json()
    assert next(line for line in card["lines"] if line["code"] == "NTS-1")["evidence"]["file"] == shown
    assert next(line for line in card["lines"] if line["code"] == "NTS-2")["evidence"] is None  # not claimed

    refused = client.post(f"{base}/claims/NTS-1/file", {"value": "4", "file": SimpleUploadedFile(
        "trang.pdf", b"<html></html>")}, **token)
    assert (refused.status_code, refused.json()["field"]) == (400, "evidence_file")
    assert refused.json()["detail"].startswith("NTS-1: Tệp 'trang.pdf' có đuôi .pdf nhưng nội dung không phải")
    bad_date = client.post(f"{base}/claims/NTS-1/file", {"value": "4", "evidence_date": "3/6/2024",
                                                         "file": SimpleUploadedFile("a.pdf", PDF)}, **token)
    assert bad_date.status_code == 400 and bad_date.json() == {
        "detail": "Ngày văn bản '3/6/2024' không phải ngày: ghi YYYY-MM-DD, ví dụ 2024-06-03.",
        "field": "evidence_date"}
    other = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer_tan_chinh, 'test')[1]}"}
    forbidden = client.post(f"{base}/claims/NTS-1/file", {"value": "4", "file": SimpleUploadedFile("a.pdf", PDF)},
                            **other)
    assert forbidden.status_code == 403
    assert client.post(f"{base}/claims/NTS-1/file", {"value": "4", "file": SimpleUploadedFile("a.pdf", PDF)}
                       ).status_code == 401
    assert client.get(base, **other).status_code == 404  # nor does another ward read the card, file or not
    assert _stored(media) == [f"bang-chung/{round_.pk}/{claim.pk}/bien-ban.pdf"]


def test_a_file_larger_than_the_memory_threshold_goes_through_the_form(client, media, round_,  # noqa: F811
                                                                       officer_thac_gian):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE (2,5 MB) Django hands the action a temporary file, not bytes in memory."""
    big = PDF + b"0" * (3 * MB)
    client.force_login(officer_thac_gian)
    posted = client.post(_url(round_, THAC_GIAN, "tu-danh-gia"), {
        "component": "NTS-1", "value": "4", "evidence_file": SimpleUploadedFile("lon.pdf", big)})
    assert posted.status_code == 302
    claim = Assessment.objects.get(scorecard__round=round_, component="NTS-1")
    assert (claim.evidence_file_size, claim.evidence_file_sha256) == (len(big), hashlib.sha256(big).hexdigest())
    assert _body(_download(client, round_, THAC_GIAN, claim)) == big
