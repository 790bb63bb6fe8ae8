"""One computation for every surface (issue 14 item 6): the unit page, the overview, the indicator page,
the annual report (its data, its HTML/PDF and its XLSX) and the targets API give the same figure, the
same period and the same status for the same unit, indicator, year, version and publication state.

Before: the report of quận Thanh Khê gave CQS-03 2024 = 69,0 % (the year's rate) and the unit page 74,2 %
(December's) beside the same target, neither naming its period; a finished year kept a forecast.
"""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chiso.engine.progress import Status
from chiso.indicators.models import Indicator
from chiso.plans.actions import do_set_target
from chiso.portal.templatetags.vn import ind_value
from chiso.reports.build import build_report
from chiso.reports.render import render_html, render_xlsx
from tests.portal.helpers import unit

pytestmark = pytest.mark.django_db

# (unit code in version 2024, what it is): a district without own targets, a district with a plan, a ward
SAMPLE = [("491", "quận Thanh Khê"), ("492", "quận Hải Châu"), ("20209", "phường Thanh Khê")]


def _key(card) -> tuple[object, ...]:
    """What a surface says about one indicator: value judged, its period, target, deadline, status."""
    goal = card.goal
    return (card.figure.value if card.figure else None, card.figure_label,
            goal.value if goal else None, goal.deadline if goal else None, card.status, card.final)


def _unit_page_cards(client, code: str) -> dict[str, object]:
    response = client.get(f"/don-vi/2024/{code}/?nam=2024")
    assert response.status_code == 200
    return {c.indicator.code: c for g in response.context["pillar_cards"] for c in g.cards}


@pytest.fixture
def targets(city_admin):
    """Own 2024 targets on quận Thanh Khê, one judged on the year, one on the level at its date."""
    thanh_khe = unit("2024", "491")
    online = Indicator.objects.get(code="CQS-03")
    do_set_target(thanh_khe, 2024, online, Decimal(70), acting_user=city_admin)
    do_set_target(thanh_khe, 2024, Indicator.objects.get(code="CQS-12"), Decimal(60), acting_user=city_admin)
    from chiso.plans.models import Target

    Target.objects.filter(plan__unit=thanh_khe, plan__year=2024, indicator=online).update(
        judged_on="level_at_date")


def test_the_unit_page_report_and_api_judge_every_target_on_the_same_figure(client, targets):
    for code, _name in SAMPLE:
        target_unit = unit("2024", code)
        report = build_report(target_unit, 2024)
        in_report = {line.indicator.code: line.card for line in report.lines}
        on_page = _unit_page_cards(client, code)
        api = client.get("/api/v1/analytics/targets", {"unit": code, "year": 2024, "hierarchy": "2024"}).json()
        for indicator, card in on_page.items():
            assert _key(card) == _key(in_report[indicator]), (code, indicator)
        for row in api["targets"]:
            card = on_page[row["indicator"]]
            assert (row["current_value"], row["current_period_label"], row["status"], row["final"]) == (
                float(card.figure.value) if card.figure else None, card.figure_label, card.status.value,
                card.final), (code, row["indicator"])
            assert row["forecast"] is None  # 2024 is over: nothing is projected


@pytest.mark.demo
def test_quan_thanh_khe_cqs_03_is_the_same_on_every_surface(client, targets):
    """CQS-03 judged on its level at 31/12/2024 (74,2 %, tháng 12/2024) and CQS-12 on the year's rate
    (66,6 %, cả năm 2024) against the district's own targets 70 and 60: both Đạt, final, no forecast."""
    on_page = _unit_page_cards(client, "491")
    online, digitised = on_page["CQS-03"], on_page["CQS-12"]
    assert _key(online) == (Decimal("74.2"), "tháng 12/2024", Decimal(70), online.goal.deadline, Status.ACHIEVED,
                            True)
    assert _key(digitised)[:2] == (Decimal("66.6"), "cả năm 2024") and digitised.status is Status.ACHIEVED
    assert online.forecast is None and digitised.forecast is None

    text = html.unescape(client.get("/don-vi/2024/491/?nam=2024").content.decode())
    card = re.search(r'<article class="card[^"]*" aria-labelledby="card-dv-CQS-03">.*?</article>', text, re.S)[0]
    assert '<span class="value">74,2%</span>\n    <span class="card-period">tháng 12/2024</span>' in card
    assert '<span class="status status-achieved">Đạt</span>' in card and "Dự báo" not in card

    report = build_report(unit("2024", "491"), 2024)
    page = render_html(report)
    assert "74,2% <span class=\"muted\">(tháng 12/2024)</span>" in page
    assert "66,6% <span class=\"muted\">(cả năm 2024)</span>" in page
    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["Kết quả"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert (rows["CQS-03"][5], rows["CQS-03"][7], rows["CQS-03"][10], rows["CQS-03"][13], rows["CQS-03"][14]) == (
        69, 70, "Đạt", 74.2, "tháng 12/2024")  # the year's rate is 69,0; the target is judged on December
    assert (rows["CQS-12"][13], rows["CQS-12"][14], rows["CQS-12"][10]) == (66.6, "cả năm 2024", "Đạt")

    api = client.get("/api/v1/analytics/targets", {"unit": "491", "year": 2024, "hierarchy": "2024"}).json()
    by_code = {t["indicator"]: t for t in api["targets"]}
    assert {k: by_code["CQS-03"][k] for k in ("judged_on", "current_value", "current_period",
                                               "current_period_label", "as_of", "final", "status")} == {
        "judged_on": "level_at_date", "current_value": 74.2, "current_period": "2024-12",
        "current_period_label": "tháng 12/2024", "as_of": "2024-12", "final": True, "status": "achieved"}
    assert (by_code["CQS-12"]["judged_on"], by_code["CQS-12"]["current_period"]) == ("period", "2024")


@pytest.mark.demo
def test_the_overview_and_indicator_page_agree_with_the_citys_report():
    """The city in 2024: the overview's cards, the indicator page's year and the city's report."""
    from django.test import Client

    client = Client()
    response = client.get("/?v=2024")
    overview = {c.indicator.code: c for g in response.context["pillars"] for c in g.cards}
    report = {line.indicator.code: line for line in build_report(unit("2024", "48"), 2024).lines}
    assert overview, "the overview shows headline cards"
    for code, card in overview.items():
        line = report[code]
        assert _key(card) == _key(line.card), code
        page = client.get(f"/chi-tieu/{code}/?v=2024").context["page"]
        year = next(r for r in page.years if str(r.period) == "2024")
        assert year.value == line.value.value, code  # the indicator page's year is the report's "Năm 2024"
        if card.standing.judged_on == "period" and card.final:
            assert card.figure.value == year.value, code
    online = overview["CQS-03"]
    assert (online.figure.value, online.figure_label) == (Decimal("69.2"), "cả năm 2024")
    text = html.unescape(response.content.decode())
    assert f'<span class="value">{ind_value(Decimal("69.2"), online.indicator)}</span>\n    ' \
           '<span class="card-period">cả năm 2024</span>' in text


@pytest.mark.demo
def test_a_ward_card_and_the_indicator_page_name_their_peer_group(client):
    text = html.unescape(client.get("/don-vi/2024/20209/?nam=2024").content.decode())
    assert "Xếp thứ 1/10 phường trong Quận Thanh Khê (cả năm 2024); trung vị 68,0%" in text
    page = html.unescape(client.get("/chi-tieu/CQS-03/?v=2024").content.decode())
    assert "Xếp hạng 56 đơn vị của Thành phố Đà Nẵng (tháng 12/2024)" in page
    assert '<td class="num" data-value="1">1/56 đơn vị</td>' in page
