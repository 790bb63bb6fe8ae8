"""Every role against every read path: who sees which figure, published or not, in its own map version or
re-expressed in another one. The writes are covered by ``tests/collection/test_permissions_matrix.py``.

Three figures of XHS-06 (electronic identity accounts activated) are read:

* **Tân Chính's draft**: phường Tân Chính (2024 map), 12/2024, reopened as a draft and set to 777.777;
* **Thạc Gián's published figure**: phường Thạc Gián (2024 map), 12/2024, approved (the demo's);
* **Thanh Khê's draft**: phường Thanh Khê of today (2025-07 map), 12/2025, a draft set to 654.321.

One rule decides (``accounts.access.unpublished_read_prefixes``): a figure that is not published is shown,
or counted into a total or a re-expressed figure, only to a role covering *that figure's own unit* in *its
own version*. Each case reads as a sentence: "the officer of Thanh Khê today reads through the analytics
API, across versions, Tân Chính's draft → hidden" (issue 8, defect 3). Outcomes: "shown" (the exact value
is in the answer), "hidden" (it is not), an HTTP status, "login" (sent to the login page).
"""

from __future__ import annotations

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from chiso.analytics.queries import evaluate
from chiso.api.auth import create_token
from chiso.collection.models import Form, Status, Submission
from chiso.engine.periods import Period
from chiso.values.models import DataValue
from tests.collection.test_permissions_matrix import ascii_id
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db

MONTHLY = "BC-CDS-THANG-XA"
CODE = "XHS-06"
TAN_CHINH_DRAFT = Decimal(777777)
THANH_KHE_DRAFT = Decimal(654321)

ROLES = {  # who: grants (role, version, unit code); None is an anonymous visitor
    "an anonymous visitor": None,
    "a viewer of the city": [("viewer", "2024", "48"), ("viewer", "2025-07", "48")],
    "the officer of Tân Chính": [("reporter", "2024", "20212")],
    "the officer of Thạc Gián": [("reporter", "2024", "20221")],
    "the approver of quận Thanh Khê": [("approver", "2024", "491")],
    "the officer of Thanh Khê today": [("reporter", "2025-07", "20209")],
    "the city admin": [("admin", "2024", "48"), ("admin", "2025-01", "48"), ("admin", "2025-07", "48")],
}
FIGURES = {  # name: (version, unit code, period, published)
    "Tân Chính's draft": ("2024", "20212", "2024-12", False),
    "Thạc Gián's published figure": ("2024", "20221", "2024-12", True),
    "Thanh Khê's draft": ("2025-07", "20209", "2025-12", False),
}
ALL = tuple(FIGURES)
DRAFTS = ("Tân Chính's draft", "Thanh Khê's draft")


def person(role: str):
    grants = ROLES[role]
    if grants is None:
        return None
    from chiso.accounts.models import RoleAssignment

    user = _user("t_" + ascii_id(role).replace(" ", "_").lower())
    for name, version, code in grants:
        RoleAssignment.objects.create(user=user, role=name, unit=unit(version, code))
    return user


def browser(role: str) -> Client:
    client, user = Client(), person(role)
    if user is not None:
        client.force_login(user)
    return client


def api(role: str) -> tuple[Client, dict[str, str]]:
    user = person(role)
    if user is None:
        return Client(), {}
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'read matrix')[1]}"}


def value_of(figure: str) -> Decimal:
    version, code, period, _ = FIGURES[figure]
    return DataValue.objects.get(data_element__code=CODE, unit__version__name=version, unit__code=code,
                                 period=period).value


def vn(value: Decimal) -> str:
    """777777 → "777.777", as pages show it."""
    return f"{int(value):,}".replace(",", ".")


@pytest.fixture(autouse=True)
def drafts(db):
    """Tân Chính's December 2024 report reopened as a draft holding 777.777; Thanh Khê's December 2025
    report (a draft in the demo) holding 654.321. Written through the action, so the history has them."""
    from chiso.indicators.models import DataElement
    from chiso.values.actions import ValueEntry, do_set_values
    from chiso.values.models import Channel

    form = Form.objects.get(code=MONTHLY)
    writer = _user("t_matrix_writer", is_superuser=True)
    element = DataElement.objects.get(code=CODE)
    for figure, value in (("Tân Chính's draft", TAN_CHINH_DRAFT), ("Thanh Khê's draft", THANH_KHE_DRAFT)):
        version, code, period, _ = FIGURES[figure]
        report = Submission.objects.filter(form=form, unit=unit(version, code), period=period)
        report.update(status=Status.DRAFT)
        do_set_values([ValueEntry(element, unit(version, code), Period.parse(period), value)],
                      acting_user=writer, channel=Channel.WEB, reason="read matrix")
    version, code, period, _ = FIGURES["Thạc Gián's published figure"]
    approved = Submission.objects.get(form=form, unit=unit(version, code), period=period)
    assert approved.status == Status.APPROVED


def cases(table: dict[str, tuple[str, ...]], path: str, figures: tuple[str, ...] = ALL) -> list:
    assert set(table) == set(ROLES), set(ROLES) ^ set(table)
    return [pytest.param(role, figure, expected, id=ascii_id(f"{role} reads {path} {figure} -> {expected}"))
            for role, outcomes in table.items() for figure, expected in zip(figures, outcomes, strict=True)]


def in_text(text: str, figure: str, value: str | None = None) -> str:
    return "shown" if (value or vn(value_of(figure))) in text else "hidden"


# -- public pages and downloads: published figures only, whoever reads -----------------------------------

#                                       Tân Chính's draft   Thạc Gián's published   Thanh Khê's draft
PUBLIC = {role: ("hidden", "shown", "hidden") for role in ROLES}


@pytest.mark.parametrize("role, figure, expected", cases(PUBLIC, "the unit page"))
def test_the_unit_page(role, figure, expected):
    version, code, _, _ = FIGURES[figure]
    response = browser(role).get(f"/don-vi/{version}/{code}/")
    assert response.status_code == 200
    assert in_text(response.content.decode(), figure) == expected


PUBLIC_DOWNLOADS = {role: ("hidden", "hidden") for role in ROLES}


@pytest.mark.parametrize("role, figure, expected",
                         cases(PUBLIC_DOWNLOADS, "the indicator's CSV", DRAFTS))
def test_the_indicator_download(role, figure, expected):
    version, code, _, _ = FIGURES[figure]
    root = "491" if version == "2024" else "48"
    response = browser(role).get(f"/chi-tieu/{CODE}/tai-ve.csv?v={version}&don-vi={root}")
    assert response.status_code == 200
    assert in_text(response.content.decode(), figure, str(int(value_of(figure)))) == expected


ANNUAL_REPORTS = {role: ("hidden", "hidden") for role in ROLES}


def _xlsx_numbers(content: bytes) -> set[object]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("role, figure, expected",
                         cases(ANNUAL_REPORTS, "the annual report (XLSX)", DRAFTS))
def test_the_annual_report_xlsx(role, figure, expected):
    version, code, period, _ = FIGURES[figure]
    xlsx = browser(role).get(f"/bao-cao/{version}/{code}/{period[:4]}.xlsx")
    assert xlsx.status_code == 200
    value = value_of(figure)
    cells = {str(c) for c in _xlsx_numbers(xlsx.content)}
    assert ("shown" if {str(int(value)), f"{value}", f"{float(value)}"} & cells else "hidden") == expected


@pytest.mark.parametrize("role, figure", [  # the same PDF for everyone (and a PDF takes seconds to render)
    pytest.param("an anonymous visitor", "Tân Chính's draft",
                 id="an anonymous visitor reads the PDF report of Tan Chinh 2024 -> no draft"),
    pytest.param("the city admin", "Thanh Khê's draft", id="the city admin reads the PDF report of Thanh Khe "
                 "2025 -> no draft")])
def test_the_annual_report_pdf(role, figure):
    version, code, period, _ = FIGURES[figure]
    pdf = browser(role).get(f"/bao-cao/{version}/{code}/{period[:4]}.pdf")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.content)
    assert code in text and vn(value_of(figure)) not in text


def test_chiso_report_on_the_command_line_shows_no_draft(tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    call_command("report", "--unit", "20212", "--year", "2024", "--format", "xlsx", "--out", str(out),
                 "--hierarchy", "2024", stdout=StringIO())
    cells = _xlsx_numbers(out.read_bytes())
    assert not {777777, Decimal(777777), "777777", "777.777"} & cells


# -- the API: published figures, and the drafts the caller's roles cover ---------------------------------

#                                       Tân Chính's draft   Thạc Gián's published   Thanh Khê's draft
API_VALUES = {
    "an anonymous visitor":            ("hidden",           "shown",                "hidden"),
    "a viewer of the city":            ("hidden",           "shown",                "hidden"),
    "the officer of Tân Chính":        ("shown",            "shown",                "hidden"),
    "the officer of Thạc Gián":        ("hidden",           "shown",                "hidden"),
    "the approver of quận Thanh Khê":  ("shown",            "shown",                "hidden"),
    "the officer of Thanh Khê today":  ("hidden",           "shown",                "shown"),
    "the city admin":                  ("shown",            "shown",                "shown"),
}


@pytest.mark.parametrize("role, figure, expected", cases(API_VALUES, "/api/v1/values of the unit"))
def test_api_values_of_the_unit(role, figure, expected):
    version, code, period, _ = FIGURES[figure]
    client, headers = api(role)
    response = client.get(f"/api/v1/values?unit={code}&version={version}&data={CODE}&period={period}",
                          **headers)
    assert response.status_code == 200
    values = [Decimal(str(i["value"])) for i in response.json()["items"]]
    assert ("shown" if values == [value_of(figure)] else "hidden" if values == [] else values) == expected


@pytest.mark.parametrize("role, figure, expected", cases(API_VALUES, "/api/v1/values of every unit"))
def test_api_values_of_every_unit(role, figure, expected):
    """Without a unit the rule is the same, figure by figure (it used to be published only)."""
    version, code, period, _ = FIGURES[figure]
    client, headers = api(role)
    response = client.get(f"/api/v1/values?version={version}&data={CODE}&period={period}&limit=500",
                          **headers)
    assert response.status_code == 200
    mine = [Decimal(str(i["value"])) for i in response.json()["items"] if i["unit"] == code]
    assert ("shown" if mine == [value_of(figure)] else "hidden" if mine == [] else mine) == expected


def analytics(role: str, units: str, hierarchy: str, period: str, fmt: str = "json"):
    client, headers = api(role)
    response = client.get(f"/api/v1/analytics/values?data={CODE}&units={units}&periods={period}"
                          f"&hierarchy={hierarchy}&format={fmt}", **headers)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("role, figure, expected", cases(API_VALUES, "/api/v1/analytics/values of the unit"))
def test_api_analytics_of_the_unit(role, figure, expected):
    version, code, period, _ = FIGURES[figure]
    rows = analytics(role, code, version, period).json()["rows"]
    assert len(rows) == 1
    found = rows[0]["value"]
    assert ("shown" if found == float(value_of(figure)) else "hidden" if found is None else found) == expected


@pytest.mark.parametrize("role, figure, expected", cases(API_VALUES, "/api/v1/analytics/values as CSV"))
def test_api_analytics_csv(role, figure, expected):
    version, code, period, _ = FIGURES[figure]
    body = b"".join(analytics(role, code, version, period, "csv").streaming_content).decode()
    assert in_text(body, figure, f"{float(value_of(figure))}") == expected


def totals(units: str, hierarchy: str, period: str) -> tuple[Decimal, Decimal]:
    """The total with every draft and the total without Tân Chính's draft (what it adds: 777.777)."""
    from chiso.analytics.queries import resolve_units
    from chiso.api import queries

    chosen = resolve_units(units, queries.version(hierarchy))
    full = evaluate([CODE], chosen, [Period.parse(period)])[0].value
    assert full is not None
    return full, full - TAN_CHINH_DRAFT


def total_outcome(found: float | None, full: Decimal, without: Decimal) -> str:
    if found is None:
        return "withheld"  # published mode: the district's reports are not all approved, no total
    return {float(full): "with the draft", float(without): "without the draft"}.get(found, str(found))


# Derived figures follow the rule too: a total counts a draft only for a reader who may read it, and a
# total whose sources the reader may not all read is a published one (withheld while reports are missing)
#                                       quận Thanh Khê (2024 map)   phường Thanh Khê of today (2025-07 map)
TOTALS_WITH_TAN_CHINH = {
    "an anonymous visitor":            ("withheld",              "withheld"),
    "a viewer of the city":            ("withheld",              "withheld"),
    "the officer of Tân Chính":        ("withheld",              "withheld"),
    "the officer of Thạc Gián":        ("withheld",              "withheld"),
    "the approver of quận Thanh Khê":  ("with the draft",        "withheld"),  # a part of Hòa Minh is outside
    "the officer of Thanh Khê today":  ("withheld",              "withheld"),
    "the city admin":                  ("with the draft",        "with the draft"),
}
TOTAL_UNITS = {"quận Thanh Khê (2024 map), same version": ("491", "2024"),
               "phường Thanh Khê of today, across versions": ("20209", "2025-07")}


@pytest.mark.parametrize("role, target, expected", [
    pytest.param(role, target, expected,
                 id=ascii_id(f"{role} reads through the analytics API the 12/2024 total of {target} "
                             f"holding Tân Chính's draft -> {expected}"))
    for role, outcomes in TOTALS_WITH_TAN_CHINH.items()
    for target, expected in zip(TOTAL_UNITS, outcomes, strict=True)])
def test_api_analytics_totals_and_re_expressed_figures(role, target, expected):
    """Issue 8, defect 3: ``units=20209&periods=2024-12&hierarchy=2025-07`` as the officer of Thanh Khê
    today included Tân Chính 2024's draft (the check looked at the unit asked for, not the older units
    its figure comes from)."""
    code, hierarchy = TOTAL_UNITS[target]
    full, without = totals(code, hierarchy, "2024-12")
    found = analytics(role, code, hierarchy, "2024-12").json()["rows"][0]["value"]
    assert total_outcome(found, full, without) == expected


def test_a_published_figure_is_re_expressed_for_everyone():
    """The same re-expression with every report approved: the anonymous total is the full one."""
    form = Form.objects.get(code=MONTHLY)
    report = Submission.objects.filter(form=form, unit=unit("2024", "20212"), period="2024-12")
    report.update(status=Status.APPROVED)
    full, _ = totals("20209", "2025-07", "2024-12")
    found = analytics("an anonymous visitor", "20209", "2025-07", "2024-12").json()["rows"][0]["value"]
    assert found == float(full)


# A target's progress reads the same figures: its current value is a draft only for who may read it
@pytest.mark.parametrize("role, figure, expected", cases(API_VALUES, "/api/v1/analytics/targets of the unit"))
def test_api_target_progress(role, figure, expected):
    from datetime import date

    from chiso.indicators.models import Indicator
    from chiso.plans.models import Plan, Target

    version, code, period, _ = FIGURES[figure]
    year = int(period[:4])
    plan, _ = Plan.objects.get_or_create(unit=unit(version, code), year=year)
    Target.objects.filter(plan=plan, indicator__code=CODE).delete()
    Target.objects.create(plan=plan, indicator=Indicator.objects.get(code=CODE), value=Decimal(10**6),
                          target_date=date(year, 12, 31))
    client, headers = api(role)
    response = client.get(f"/api/v1/analytics/targets?unit={code}&year={year}&hierarchy={version}", **headers)
    assert response.status_code == 200, response.content
    current = [t["current_value"] for t in response.json()["targets"] if t["indicator"] == CODE]
    assert len(current) == 1
    assert ("shown" if current[0] == float(value_of(figure)) else "hidden") == expected


# -- entry pages: the grid, a figure's history, a unit's history export ---------------------------------

#                                       Tân Chính's draft   Thạc Gián's published   Thanh Khê's draft
ENTRY_PAGES = {
    "an anonymous visitor":            ("login",            "login",                "login"),
    "a viewer of the city":            ("404",              "404",                  "404"),
    "the officer of Tân Chính":        ("shown",            "404",                  "404"),
    "the officer of Thạc Gián":        ("404",              "shown",                "404"),
    "the approver of quận Thanh Khê":  ("shown",            "shown",                "404"),
    "the officer of Thanh Khê today":  ("404",              "404",                  "shown"),
    "the city admin":                  ("shown",            "shown",                "shown"),
}


def page_outcome(response, figure: str, value: str | None = None) -> str:
    if response.status_code == 302 and "/dang-nhap/" in response["Location"]:
        return "login"
    if response.status_code != 200:
        return str(response.status_code)
    body = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    return in_text(body.decode("utf-8-sig"), figure, value)


@pytest.mark.demo
@pytest.mark.parametrize("role, figure, expected", cases(ENTRY_PAGES, "the entry grid"))
def test_the_entry_grid(role, figure, expected):
    version, code, period, _ = FIGURES[figure]
    response = browser(role).get(f"/nhap-lieu/{version}/{code}/{MONTHLY}/{period}/")
    assert page_outcome(response, figure) == expected


@pytest.mark.parametrize("role, figure, expected", cases(ENTRY_PAGES, "the figure's history page"))
def test_the_history_page(role, figure, expected):
    version, code, period, _ = FIGURES[figure]
    value = DataValue.objects.get(data_element__code=CODE, unit__version__name=version, unit__code=code,
                                  period=period)
    assert page_outcome(browser(role).get(f"/nhap-lieu/lich-su/{value.pk}/"), figure) == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role, figure, expected", cases(ENTRY_PAGES, "the unit's history export"))
def test_the_history_export(role, figure, expected, fmt):
    version, code, period, _ = FIGURES[figure]
    response = browser(role).get(f"/nhap-lieu/lich-su/{version}/{code}/tai-ve.{fmt}?tu={period}&den={period}")
    if fmt == "xlsx" and response.status_code == 200:
        cells = {str(c) for c in _xlsx_numbers(response.content)}
        value = value_of(figure)
        assert ("shown" if {str(int(value)), str(value), str(float(value))} & cells else "hidden") == expected
    else:
        assert page_outcome(response, figure, str(int(value_of(figure)))) == expected


# -- the upload preview, its CSV and `chiso import --dry-run` (issue 8, defect 2) ------------------------

# The preview shows the stored figure (old → new) only where the user may write, and so read, the unit:
# `lanhdao` (a viewer) uploading `20212,2024-12,XHS-06,5` saw Tân Chính's draft "777.777 → 5"
#                                       Tân Chính's draft   Thạc Gián's published   Thanh Khê's draft
PREVIEWS = {
    "an anonymous visitor":            ("login",            "login",                "login"),
    "a viewer of the city":            ("hidden",           "hidden",               "hidden"),
    "the officer of Tân Chính":        ("shown",            "hidden",               "hidden"),
    "the officer of Thạc Gián":        ("hidden",           "shown",                "hidden"),
    "the approver of quận Thanh Khê":  ("hidden",           "hidden",               "hidden"),
    "the officer of Thanh Khê today":  ("hidden",           "hidden",               "shown"),
    "the city admin":                  ("shown",            "shown",                "shown"),
}


def sheet(figure: str) -> bytes:
    version, code, period, _ = FIGURES[figure]
    return f"Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị\n{code};{period};{CODE};5\n".encode()


def upload(client: Client, figure: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    version = FIGURES[figure][0]
    return client.post("/nhap-lieu/tai-len/", {"file": SimpleUploadedFile("so-lieu.csv", sheet(figure)),
                                               "hierarchy": version})


@pytest.mark.parametrize("role, figure, expected", cases(PREVIEWS, "the upload preview"))
def test_the_upload_preview(role, figure, expected):
    response = upload(browser(role), figure)
    outcome = page_outcome(response, figure)
    assert outcome == expected
    if outcome != "login":
        assert "→ 5" not in response.content.decode() or outcome == "shown"


@pytest.mark.parametrize("role, figure, expected", cases(PREVIEWS, "the upload preview's CSV"))
def test_the_upload_preview_csv(role, figure, expected):
    client = browser(role)
    uploaded = upload(client, figure)
    if uploaded.status_code == 302:
        assert page_outcome(uploaded, figure) == expected
        return
    response = client.get("/nhap-lieu/tai-len/xem-truoc.csv")
    assert response.status_code == 200
    assert in_text(response.content.decode("utf-8-sig"), figure) == expected


def test_the_preview_csv_says_the_old_value_is_not_yours():
    """Issue 8, defect 2, as reported: the viewer `lanhdao` uploading `20212,2024-12,XHS-06,5`."""
    client = browser("a viewer of the city")
    upload(client, "Tân Chính's draft")
    lines = client.get("/nhap-lieu/tai-len/xem-truoc.csv").content.decode("utf-8-sig").splitlines()
    assert lines[-1] == "Không rõ;;2;D;20212;Phường Tân Chính;XHS-06;2024-12;(không có quyền xem);5;"


DRY_RUNS = {role: outcomes for role, outcomes in PREVIEWS.items() if role != "an anonymous visitor"}


@pytest.mark.parametrize("role, figure, expected", [
    pytest.param(role, figure, expected,
                 id=ascii_id(f"{role} runs chiso import --dry-run on {figure} -> {expected}"))
    for role, outcomes in DRY_RUNS.items() for figure, expected in zip(ALL, outcomes, strict=True)])
def test_chiso_import_dry_run(role, figure, expected, tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_bytes(sheet(figure))
    out, err = StringIO(), StringIO()
    try:
        call_command("import", str(path), "--dry-run", "--user", person(role).username,
                     "--hierarchy", FIGURES[figure][0], stdout=out, stderr=err)
    except CommandError:
        pass  # refused (no permission, a closed report): what it printed before is what matters
    assert in_text(out.getvalue() + err.getvalue(), figure) == expected


# -- the helper itself ------------------------------------------------------------------------------------

def test_one_helper_decides_and_the_old_name_still_works():
    from chiso.accounts import access

    officer = person("the officer of Thanh Khê today")
    assert access.can_read_drafts is access.can_read_unpublished
    assert access.unpublished_read_prefixes(None) == []
    assert access.unpublished_read_prefixes(person("a viewer of the city")) == []
    assert access.unpublished_read_prefixes(_user("t_root", is_superuser=True)) is None
    assert access.unpublished_read_prefixes(officer) == [unit("2025-07", "20209").path]
    assert access.can_read_unpublished(officer, unit("2025-07", "20209"))
    assert not access.can_read_unpublished(officer, unit("2024", "20212"))  # an older unit it came from
    assert not access.can_read_unpublished(officer, unit("2024", "20209"))  # the same code, another unit


def test_the_query_engine_judges_each_source_figure():
    """``evaluate`` itself: Thanh Khê of today in 12/2024, for a reader of Tân Chính 2024's drafts only,
    counts the draft only where it may; the city admin's prefixes count it everywhere."""
    city_2024 = [unit("2024", "48").path]
    thanh_khe = [unit("2025-07", "20209")]
    month = [Period.parse("2024-12")]
    full = evaluate([CODE], thanh_khe, month)[0].value
    assert evaluate([CODE], thanh_khe, month, published_only=True, drafts_under=city_2024)[0].value == full
    assert evaluate([CODE], thanh_khe, month, published_only=True,
                    drafts_under=[unit("2025-07", "20209").path])[0].withheld
    assert full is not None
