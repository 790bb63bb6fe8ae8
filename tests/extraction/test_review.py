"""The review page of figures read out of a report: proposals highlighted in the (escaped) text; accepted,
corrected and rejected figures; stored through do_set_values / do_set_target with the sentence as source, all
or nothing; another user's draft is 404.

The reader is replaced by ``fake_reader`` (fixed proposals located in the text): these tests are about the
review and the write, whatever the reader finds (its own tests hold its exact figures)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from chiso.extraction import reading
from chiso.extraction.actions import Decision, ReviewError, do_create_draft, do_store_reviewed
from chiso.extraction.models import ExtractionDraft
from chiso.extraction.reading import Proposal
from chiso.plans.models import Target
from chiso.values.models import DataValue, DataValueHistory
from tests.conftest import unit

pytestmark = pytest.mark.django_db

PARAGRAPH = ("Tính đến tháng 9/2024, phường Thạc Gián đã thu nhận 1.250 hồ sơ định danh điện tử và kích hoạt hơn "
             "980 tài khoản. Tổ công nghệ số cộng đồng đã hướng dẫn gần 300 lượt người dân. Tỷ lệ hồ sơ nộp trực "
             "tuyến đạt 91,5%.\nNăm 2024 phường phấn đấu tỷ lệ hồ sơ nộp trực tuyến đạt 95%.")
READ = [  # (the number as written, value, qualifier, element, period, kind, measure)
    ("1.250", "1250", "exact", "XHS-05", "2024-09", "actual", "hồ sơ định danh điện tử"),
    ("980", "980", "at_least", "XHS-06", "2024-09", "actual", "tài khoản"),
    ("300", "300", "approximate", "XHS-14", "2024-09", "actual", "lượt người dân"),
    ("91,5", "91.5", "exact", "CQS-03", "2024-09", "actual", "tỷ lệ hồ sơ nộp trực tuyến"),
    ("95", "95", "exact", "CQS-03", "2024", "target", "tỷ lệ hồ sơ nộp trực tuyến"),
]
SOURCE = "Báo cáo số 45/BC-UBND"
FIRST = ("Tính đến tháng 9/2024, phường Thạc Gián đã thu nhận 1.250 hồ sơ định danh điện tử và kích hoạt hơn 980 "
         "tài khoản.")


def fake_reader_of(rows):  # type: ignore[no-untyped-def]
    """A reader that proposes ``rows`` (as READ), each at the next place its number is written."""
    return lambda text, *, on=None, main_unit=None: _proposals(rows, text, main_unit)


def _proposals(rows, text, main_unit):  # type: ignore[no-untyped-def]
    proposals, at = [], 0
    for written, value, qualifier, element, period, kind, measure in rows:
        start = text.find(written, at)
        if start < 0:
            continue
        at = end = start + len(written)
        ends = [m.end() for m in re.finditer(r"[.\n](?=\s|$)", text)]  # sentence ends: "." or a line end
        begin = max([e for e in ends if e <= start], default=0)
        stop = min([e for e in ends if e > end], default=len(text)) - 1
        proposals.append(Proposal(Decimal(value), qualifier, None, measure, element, main_unit.name,
                                  main_unit.code, main_unit.version.name, period, kind,  # type: ignore[arg-type]
                                  text[begin:stop + 1].strip(), start, end))
    return proposals

REAL_READER = reading.read_text


@pytest.fixture(autouse=True)
def fake_reader(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reading, "read_text", fake_reader_of(READ))


def _draft(user, text=PARAGRAPH, main=("2024", "20221")):  # type: ignore[no-untyped-def]
    return do_create_draft(text, source=SOURCE, document_date=date(2024, 10, 5), main_unit=unit(*main),
                           acting_user=user)


def test_a_pasted_paragraph_is_shown_with_each_figure_highlighted(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = client.post("/doc-bao-cao/", {"text": PARAGRAPH, "source": SOURCE, "document_date": "2024-10-05",
                                             "main_unit": unit("2024", "20221").pk})
    draft = ExtractionDraft.objects.get(created_by=officer_thac_gian)
    assert response.status_code == 302 and response["Location"] == f"/doc-bao-cao/{draft.pk}/"
    assert f'<a href="/doc-bao-cao/{draft.pk}/">{SOURCE}</a>' in client.get("/doc-bao-cao/").content.decode()
    page = client.get(f"/doc-bao-cao/{draft.pk}/").content.decode()
    assert [p["value"] for p in draft.proposals] == ["1250", "980", "300", "91.5", "95"]
    for number, written in enumerate(["1.250", "980", "300", "91,5", "95"], start=1):
        assert f'<mark class="figure-mark" id="so-{number}"><a href="#hinh-{number}">{written}</a>' in page
    assert "hơn 980" in page and "gần 300" in page  # the reading, qualifier first
    assert "chỉ tiêu (mục tiêu)" in page  # the fifth figure's kind


def test_accepted_and_corrected_figures_are_stored_with_their_sentence_and_the_rejected_one_is_not(
        client, officer_thac_gian):
    draft = _draft(officer_thac_gian)
    client.force_login(officer_thac_gian)
    response = client.post(f"/doc-bao-cao/{draft.pk}/", {
        "action": "store",
        "d-0": "accept",
        "d-1": "correct", "value-1": "985", "qualifier-1": "at_least", "data_element-1": "XHS-06",
        "unit_code-1": "20221", "period-1": "2024-09",
        "d-2": "accept",
        "d-3": "reject",
    })
    assert response.status_code == 200, response.content.decode()
    stored = {v.data_element.code: v for v in DataValue.objects.filter(
        unit=unit("2024", "20221"), period="2024-09").select_related("data_element")}
    assert {code: (v.value, v.qualifier) for code, v in stored.items()} == {
        "XHS-05": (Decimal("1250"), "exact"), "XHS-06": (Decimal("985"), "at_least"),
        "XHS-14": (Decimal("300"), "approximate")}
    assert stored["XHS-05"].source == f"{SOURCE} (05/10/2024): «{FIRST}»"
    assert stored["XHS-06"].source == f"{SOURCE} (05/10/2024): «{FIRST}»"
    assert stored["XHS-14"].source == (f"{SOURCE} (05/10/2024): «Tổ công nghệ số cộng đồng đã hướng dẫn gần 300 "
                                       "lượt người dân.»")
    assert [DataValueHistory.objects.filter(data_value=v).count() for v in stored.values()] == [1, 1, 1]
    assert not Target.objects.filter(source__startswith=SOURCE).exists()  # the target was left undecided
    assert "Đã ghi 3 số liệu và 0 chỉ tiêu." in response.content.decode()
    draft.refresh_from_db()
    assert [p["decision"] for p in draft.proposals] == ["accept", "accept", "accept", "reject", ""]


def test_the_review_is_kept_on_the_server_across_reloads(client, officer_thac_gian):
    draft = _draft(officer_thac_gian)
    client.force_login(officer_thac_gian)
    response = client.post(f"/doc-bao-cao/{draft.pk}/", {"action": "keep", "d-0": "reject", "d-1": "correct",
                                                         "value-1": "1.001", "qualifier-1": "exact"})
    assert response.status_code == 302
    page = client.get(f"/doc-bao-cao/{draft.pk}/").content.decode()
    assert '<input type="radio" name="d-0" value="reject" checked>' in page
    assert '<input type="radio" name="d-1" value="correct" checked>' in page
    assert 'name="value-1" inputmode="decimal" value="1.001"' in page
    assert not DataValue.objects.filter(unit=unit("2024", "20221"), period="2024-09").exists()


def test_a_target_sentence_is_stored_as_a_target_through_the_plan_action(officer_thac_gian):
    draft = _draft(officer_thac_gian)
    result = do_store_reviewed(draft, [Decision(4, "accept")], acting_user=officer_thac_gian)
    target = Target.objects.get(plan__unit=unit("2024", "20221"), plan__year=2024, indicator__code="CQS-03",
                                scope="own")
    assert result.targets == [target] and result.values == []
    assert target.value == Decimal("95")
    assert target.source == (f"{SOURCE} (05/10/2024): «Năm 2024 phường phấn đấu tỷ lệ hồ sơ nộp trực tuyến "
                             "đạt 95%.»")
    assert not DataValue.objects.filter(unit=unit("2024", "20221"), period="2024-09").exists()


def test_a_ward_officer_cannot_store_figures_of_another_ward(officer_tan_chinh):
    draft = _draft(officer_tan_chinh, main=("2024", "20212"))
    decisions = [Decision(0, "accept"),
                 Decision(1, "accept", value="980", qualifier="at_least", data_element="XHS-06", unit_code="20221",
                          period="2024-09")]  # corrected to phường Thạc Gián, not the officer's ward
    with pytest.raises(ReviewError) as refused:
        do_store_reviewed(draft, decisions, acting_user=officer_tan_chinh)
    assert refused.value.status == 403
    assert list(refused.value.figures) == [1]
    assert "Thạc Gián" in refused.value.figures[1][0]
    assert refused.value.message.startswith(f"Chưa ghi gì: 1 số liệu không ghi được, đầu tiên là «{FIRST}»")
    assert not DataValue.objects.filter(period="2024-09", unit__in=[unit("2024", "20221"),
                                                                   unit("2024", "20212")]).exists()


def test_the_refusal_is_shown_next_to_its_figure_and_nothing_is_stored(client, officer_tan_chinh):
    draft = _draft(officer_tan_chinh, main=("2024", "20212"))
    client.force_login(officer_tan_chinh)
    response = client.post(f"/doc-bao-cao/{draft.pk}/", {
        "action": "store", "d-0": "accept", "d-2": "correct", "value-2": "300", "qualifier-2": "approximate",
        "data_element-2": "XHS-14", "unit_code-2": "20221", "period-2": "2024-09"})
    page = response.content.decode()
    assert response.status_code == 403
    card = page[page.index('id="hinh-3"'):page.index('id="hinh-4"')]
    assert '<ul class="problems" role="alert">' in card and "Thạc Gián" in card
    assert not DataValue.objects.filter(period="2024-09", unit__code__in=["20221", "20212"]).exists()


def test_a_main_unit_the_officer_may_not_write_is_refused(officer_tan_chinh):
    with pytest.raises(ReviewError) as refused:
        _draft(officer_tan_chinh, main=("2024", "20221"))
    assert refused.value.status == 403
    assert refused.value.message == ("Bạn không có quyền nhập số liệu cho Phường Thạc Gián: chọn đơn vị chính là "
                                     "đơn vị bạn phụ trách.")


def test_another_users_draft_is_404(client, officer_thac_gian, officer_tan_chinh):
    draft = _draft(officer_thac_gian)
    client.force_login(officer_tan_chinh)
    assert SOURCE not in client.get("/doc-bao-cao/").content.decode()  # not in the list of drafts either
    assert client.get(f"/doc-bao-cao/{draft.pk}/").status_code == 404
    assert client.post(f"/doc-bao-cao/{draft.pk}/", {"action": "store", "d-0": "accept"}).status_code == 404
    assert not DataValue.objects.filter(unit=unit("2024", "20221"), period="2024-09").exists()


def test_it_needs_a_signed_in_user(client, officer_thac_gian):
    draft = _draft(officer_thac_gian)
    assert client.get("/doc-bao-cao/")["Location"] == "/nhap-lieu/dang-nhap/?next=/doc-bao-cao/"
    assert client.get(f"/doc-bao-cao/{draft.pk}/").status_code == 302


def test_script_in_the_pasted_text_is_escaped(client, officer_thac_gian):
    draft = _draft(officer_thac_gian, text="<script>alert(1)</script> Đã thu nhận 1.250 hồ sơ <b>định danh</b>.")
    client.force_login(officer_thac_gian)
    page = client.get(f"/doc-bao-cao/{draft.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>định danh</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Đã thu nhận " in page
    assert '<a href="#hinh-1">1.250</a><sup>1</sup></mark> hồ sơ &lt;b&gt;định danh&lt;/b&gt;.' in page


def test_plan_counts_are_checked_not_stored_and_a_pillar_named_twice_is_flagged(client, officer_thac_gian,
                                                                                monkeypatch):
    monkeypatch.setattr(reading, "read_text", fake_reader_of([
        ("23", "23", "exact", None, "2024", "plan_count", "chỉ tiêu"),
        ("12", "12", "exact", None, "2024", "plan_count", "kinh tế số"),
        ("3", "3", "exact", None, "2024", "plan_count", "kinh tế số"),
        ("8", "8", "exact", None, "2024", "plan_count", "xã hội số")]))
    draft = _draft(officer_thac_gian, text="Năm 2024 phường đặt 23 chỉ tiêu: 12 chỉ tiêu kinh tế số, 3 chỉ tiêu kinh "
                                           "tế số và 8 chỉ tiêu xã hội số.")
    client.force_login(officer_thac_gian)
    page = client.get(f"/doc-bao-cao/{draft.pk}/").content.decode()
    assert "Trụ cột KTS được ghi 2 lần trong văn bản (12 và 3 chỉ tiêu)." in page
    assert '<input type="radio" name="d-0"' not in page  # a plan count is not a figure to accept
    with pytest.raises(ReviewError) as refused:
        do_store_reviewed(draft, [Decision(0, "accept")], acting_user=officer_thac_gian)
    assert refused.value.message == "Chưa nhận số liệu nào: chọn “Nhận” hoặc “Sửa” ở những số liệu cần ghi."


def test_a_text_file_is_read_and_another_kind_of_file_refused(client, officer_thac_gian):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer_thac_gian)
    form = {"source": SOURCE, "document_date": "2024-10-05", "main_unit": unit("2024", "20221").pk}
    response = client.post("/doc-bao-cao/", {**form, "file": SimpleUploadedFile(
        "bao-cao.txt", PARAGRAPH.encode("utf-8"), content_type="text/plain")})
    draft = ExtractionDraft.objects.get(created_by=officer_thac_gian)
    assert response.status_code == 302 and draft.text == PARAGRAPH and len(draft.proposals) == 5
    response = client.post("/doc-bao-cao/", {**form, "file": SimpleUploadedFile("bao-cao.xls", b"\xd0\xcf")})
    assert response.status_code == 400
    assert ("Tệp bao-cao.xls: không đọc được loại tệp này. Chỉ nhận văn bản thuần (.txt, UTF-8), Word (.docx) "
            "hoặc PDF có lớp chữ (.pdf); hãy chuyển tệp sang một trong các dạng đó.") in response.content.decode()
    assert ExtractionDraft.objects.filter(created_by=officer_thac_gian).count() == 1


def test_the_readers_own_proposals_are_highlighted_in_the_text(client, officer_thac_gian, monkeypatch):
    monkeypatch.undo()  # the extraction reader itself, not the fake
    draft = _draft(officer_thac_gian)
    assert [(p["value"], p["qualifier"], p["data_element"], p["kind"]) for p in draft.proposals] == [
        ("1250", "exact", "XHS-05", "actual"), ("980", "at_least", "XHS-06", "actual"),
        ("300", "approximate", "XHS-14", "actual"), ("91.5", "exact", "CQS-03", "actual"),
        ("95", "exact", "CQS-03", "target")]
    client.force_login(officer_thac_gian)
    page = client.get(f"/doc-bao-cao/{draft.pk}/").content.decode()
    assert ('kích hoạt hơn <mark class="figure-mark" id="so-2"><a href="#hinh-2">980</a><sup>2</sup></mark> tài '
            'khoản.') in page


def test_a_sentence_without_a_period_takes_the_one_before_and_the_reviewer_is_told(client, officer_thac_gian,
                                                                                    monkeypatch):
    monkeypatch.setattr(reading, "read_text", REAL_READER)  # this test is about what the reader itself finds
    client.force_login(officer_thac_gian)
    client.post("/doc-bao-cao/", {"text": PARAGRAPH, "source": SOURCE, "document_date": "2024-10-05",
                                  "main_unit": unit("2024", "20221").pk})
    draft = ExtractionDraft.objects.get(created_by=officer_thac_gian)
    assert [(p["value"], p["period"], p["period_carried"]) for p in draft.proposals] == [
        ("1250", "2024-09", False), ("980", "2024-09", False), ("300", "2024-09", True), ("91.5", "2024-09", True),
        ("95", "2024", False)]
    page = client.get(f"/doc-bao-cao/{draft.pk}/").content.decode()
    assert page.count("câu này không ghi kỳ: lấy theo câu trước, xem lại") == 2
