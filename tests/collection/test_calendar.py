"""The reporting calendar on the entry start page (issue #11 items 4 and 5): overdue reports (months never
started included), reports due soon, returned reports with their reason, the true count of reports waiting
for the user's review, and a unit that ended saying what it became. "Today" is always injected."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from chiso.accounts.access import units_in_scope, units_to_review
from chiso.accounts.models import READ_DRAFT_ROLES, WRITE_ROLES
from chiso.collection.entry import views_start
from chiso.collection.models import Form, Status
from chiso.collection.queries import ended_units, reporting_calendar
from chiso.collection.workflow import do_transition, submission_for
from chiso.engine.deadlines import Standing
from chiso.units.models import Unit
from tests.collection.test_entry_support import ENTRY_URLS, MONTHLY
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]

TDP_FORM = "BC-THANG-TDP"


@pytest.fixture
def approver_thanh_khe(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


def on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(views_start, "today", lambda: day)


def returned_december(city_admin, reason="Thiếu số liệu XHS-06, bổ sung giúp."):
    """The ward's approved 12/2024 report reopened by the city: returned, with a reason."""
    submission = submission_for(Form.objects.get(code=MONTHLY), unit("2024", "20221"), "2024-12")
    do_transition(submission, "reopen", acting_user=city_admin, reason=reason)
    return submission


def calendar_of(user, day, units=None):
    covered = units if units is not None else units_in_scope(user, READ_DRAFT_ROLES)
    return reporting_calendar(covered, units_in_scope(user, WRITE_ROLES), units_to_review(user), today=day)


# -- the calendar (queries) -------------------------------------------------------------------------------

def test_months_never_started_are_overdue_and_a_returned_report_is_due_soon(officer_thac_gian, city_admin):
    returned_december(city_admin)
    ward = Unit.objects.filter(pk=unit("2024", "20221").pk)
    found = calendar_of(officer_thac_gian, date(2025, 1, 8), units=ward)
    [overdue] = found.overdue
    assert (overdue.unit.code, overdue.form.code) == ("20221", MONTHLY)
    assert [(str(d.period), d.due, d.days) for d in overdue.deadlines] == [
        ("2024-01", date(2024, 2, 10), 333), ("2024-02", date(2024, 3, 10), 304),
        ("2024-03", date(2024, 4, 10), 273), ("2024-04", date(2024, 5, 10), 243),
        ("2024-05", date(2024, 6, 10), 212), ("2024-06", date(2024, 7, 10), 182),
        ("2024-07", date(2024, 8, 10), 151), ("2024-08", date(2024, 9, 10), 120),
        ("2024-09", date(2024, 10, 10), 90)]
    assert {label for _, label in overdue.entries} == {"chưa nhập"}
    assert found.overdue_total == 9
    [soon] = found.due_soon  # 10 and 11/2024 are approved: done
    assert [(str(d.period), d.due, d.standing, d.days) for d in soon.deadlines] == [
        ("2024-12", date(2025, 1, 10), Standing.DUE_SOON, 2)]
    assert soon.entries[0][1] == "bị trả lại"
    assert [(r.submission.period, r.reason, r.deadline.standing) for r in found.returned] == [
        ("2024-12", "Thiếu số liệu XHS-06, bổ sung giúp.", Standing.DUE_SOON)]
    assert (found.returned_total, found.to_review_total) == (1, 0)


def test_two_days_after_the_due_day_the_returned_report_is_overdue(officer_thac_gian, city_admin):
    returned_december(city_admin)
    found = calendar_of(officer_thac_gian, date(2025, 1, 12))
    assert found.due_soon == [] and found.due_soon_total == 0
    ward_row = next(o for o in found.overdue if o.form.code == MONTHLY)
    assert [(str(d.period), d.days) for d in ward_row.deadlines][-1] == ("2024-12", 2)
    assert found.overdue_total == 10 + 3 * 9  # the ward's ten; each tổ dân phố's 01–09/2024 (due on the 5th)
    assert [(o.unit.code, o.form.code) for o in found.overdue] == [  # the ward before its tổ, then the oldest
        ("20221", MONTHLY), ("TDP-TG-01", TDP_FORM), ("TDP-TG-02", TDP_FORM), ("TDP-TG-03", TDP_FORM)]
    assert [r.deadline.days for r in found.returned] == [2]


def test_a_unit_that_ended_owes_nothing_a_year_on(officer_thac_gian):
    found = calendar_of(officer_thac_gian, date(2026, 3, 1))  # 2024's units ended on 31/12/2024
    assert (found.overdue, found.overdue_total, found.due_soon_total) == ([], 0, 0)


def test_the_count_waiting_for_review_is_true_and_only_the_reviewers(officer_thac_gian, officer_tan_chinh,
                                                                     approver_thanh_khe, city_admin):
    form = Form.objects.get(code=MONTHLY)
    for code, officer in (("20221", officer_thac_gian), ("20212", officer_tan_chinh)):
        for period in ("2024-10", "2024-11", "2024-12"):
            submission = submission_for(form, unit("2024", code), period)
            do_transition(submission, "reopen", acting_user=city_admin, reason="Kiểm tra lại")
            do_transition(submission, "submit", acting_user=officer)
    day = date(2025, 1, 5)
    # the six reopened and sent again, after the six tổ dân phố reports of 12/2024 the demo leaves waiting
    assert calendar_of(approver_thanh_khe, day).to_review_total == 12
    assert calendar_of(city_admin, day).to_review_total == 12
    assert calendar_of(officer_thac_gian, day).to_review_total == 0  # an officer does not review its own ward
    assert calendar_of(approver_thanh_khe, day, units=Unit.objects.none()).to_review_total == 12
    shown = calendar_of(approver_thanh_khe, day)
    waiting = [(s.unit.code, s.period) for s in shown.to_review]  # the longest waiting first
    assert waiting[0] == ("TDP-TG-01", "2024-12")
    assert waiting[6:8] == [("20221", "2024-10"), ("20221", "2024-11")]
    assert reporting_calendar(Unit.objects.none(), Unit.objects.none(), units_to_review(approver_thanh_khe),
                              today=day, limit=4).to_review_total == 12


# -- the start page ------------------------------------------------------------------------------------

def test_the_start_page_lists_overdue_due_soon_and_returned_with_links(client, officer_thac_gian, city_admin,
                                                                       monkeypatch):
    returned_december(city_admin)
    on(monkeypatch, date(2025, 1, 8))
    client.force_login(officer_thac_gian)
    html = unescape(client.get("/nhap-lieu/").content.decode())
    assert "Quá hạn (36 báo cáo)" in html  # the ward's 01–09/2024 and each tổ dân phố's
    assert ('<a class="state state-overdue" href="/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2024-01/">Tháng 1/2024: '
            'chưa nhập, quá hạn 333 ngày (hạn 10/02/2024)</a>') in html
    assert "và 3 kỳ khác" in html  # six periods shown of nine
    assert "Sắp đến hạn (1 báo cáo)" in html
    assert ('<a class="state state-due" href="/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2024-12/">Tháng 12/2024: '
            'bị trả lại, hạn 10/01/2025 (còn 2 ngày)</a>') in html
    assert "Bị trả lại, cần sửa (1)" in html
    assert "Lý do trả lại: Thiếu số liệu XHS-06, bổ sung giúp." in html
    assert "Chờ bạn duyệt" not in html  # an officer reviews nothing
    assert "Lịch tính đến ngày 08/01/2025" in html


def test_the_start_page_counts_every_report_waiting_not_the_first_thirty(client, approver_thanh_khe, city_admin,
                                                                         monkeypatch):
    form = Form.objects.get(code=MONTHLY)
    officer = _user("t_officer_xuan_ha", "reporter", unit("2024", "20209"))
    for code in ("20221", "20212", "20209"):
        for month in range(1, 13):
            submission = submission_for(form, unit("2024", code), f"2024-{month:02d}")
            if submission.status == Status.APPROVED:
                do_transition(submission, "reopen", acting_user=city_admin, reason="Kiểm tra lại")
            do_transition(submission, "submit", acting_user=officer if code == "20209" else city_admin)
    on(monkeypatch, date(2025, 1, 20))
    client.force_login(approver_thanh_khe)
    html = client.get("/nhap-lieu/").content.decode()
    # 36 reports sent again and the six tổ dân phố reports of 12/2024 the demo leaves waiting
    assert '<a href="/nhap-lieu/duyet/">Chờ bạn duyệt (42)</a>' in html
    assert '<a href="/nhap-lieu/duyet/">Xem cả 42 báo cáo chờ duyệt</a>' in html
    assert html.count("gửi lúc") == 10


def test_an_officer_of_an_ended_ward_is_told_what_it_became(client, officer_thac_gian, monkeypatch):
    on(monkeypatch, date(2025, 8, 1))
    client.force_login(officer_thac_gian)
    html = unescape(client.get("/nhap-lieu/").content.decode())
    assert "Phường Thạc Gián (mã 20221) không còn từ 01/01/2025" in html
    assert ("Vai trò của bạn trên Phường Thạc Gián (danh mục 2024) vẫn dùng được cho số liệu các kỳ đến hết "
            "31/12/2024.") in html
    assert ("Phường Thạc Gián (mã 20221, danh mục 2024) đã sáp nhập vào phường Thạc Gián (mã 20218, danh mục "
            "2025-01) từ 01/01/2025.") in html
    assert ("Phường Thạc Gián (mã 20218, danh mục 2025-01) đã sáp nhập vào phường Thanh Khê (mã 20209, danh mục "
            "2025-07) từ 01/07/2025.") in html
    assert "Bạn chưa được phân quyền với Phường Thanh Khê: hãy đề nghị quản trị thành phố phân quyền." in html
    assert '<a href="/don-vi/2025-07/20209/">Số liệu đã công bố của Phường Thanh Khê</a>' in html


def test_an_officer_granted_the_successor_is_told_they_may_write_there(client, officer_thac_gian, monkeypatch):
    from chiso.accounts.models import RoleAssignment
    from chiso.collection.models import FormAssignment

    thanh_khe = unit("2025-07", "20209")
    RoleAssignment.objects.create(user=officer_thac_gian, role="reporter", unit=thanh_khe)
    FormAssignment.objects.get_or_create(form=Form.objects.get(code=MONTHLY), unit=thanh_khe)
    on(monkeypatch, date(2025, 8, 1))
    client.force_login(officer_thac_gian)
    html = unescape(client.get("/nhap-lieu/").content.decode())
    assert "Bạn được nhập số liệu cho Phường Thanh Khê." in html
    assert ('<a href="/nhap-lieu/2025-07/20209/BC-CDS-THANG-XA/2025-08/">Báo cáo tháng 8/2025 của Phường Thanh Khê'
            '</a>') in html  # 07/2025 is not due yet on 01/08 (10/08), so the running month
    assert "không còn từ" in html  # the 2024 role is still explained


def test_ended_units_follow_the_chain_only_to_the_day_asked():
    ward = unit("2024", "20221")
    [early] = ended_units([ward], today=date(2025, 2, 1))
    assert [(u.version.name, u.code) for u in early.successors] == [("2025-01", "20218")]
    [late] = ended_units([ward], today=date(2025, 8, 1))
    assert [s.sentence for s in late.steps][-1].endswith("phường Thanh Khê (mã 20209, danh mục 2025-07) từ 01/07/2025.")
    assert ended_units([ward], today=date(2024, 12, 31)) == []  # still valid on its last day
    assert ended_units([unit("2025-07", "20209")], today=date(2025, 8, 1)) == []


def test_a_reviewer_with_nothing_waiting_sees_zero_and_the_review_page(client, monkeypatch):
    on(monkeypatch, date(2025, 1, 20))
    client.force_login(_user("t_approver_hai_chau", "approver", unit("2024", "492")))  # nothing sent in Hải Châu
    html = client.get("/nhap-lieu/").content.decode()
    assert '<h2 id="cho-duyet"><a href="/nhap-lieu/duyet/">Chờ bạn duyệt (0)</a></h2>' in html
    assert "Không có báo cáo nào chờ bạn duyệt." in html
