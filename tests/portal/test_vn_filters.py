"""Template filters of chiso.portal.templatetags.vn: Vietnamese numbers, dates and periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from chiso.portal.templatetags import vn


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (133713, "133.713"),
        (Decimal("166039.000000"), "166.039"),
        (1234.5, "1.234,5"),
        (None, "–"),
        ("", "–"),
        ("abc", "–"),
    ],
)
def test_vn_number(value, expected):
    assert vn.vn_number(value) == expected


def test_vn_number_with_fixed_decimals():
    assert vn.vn_number(Decimal("0.834"), 4) == "0,8340"
    assert vn.vn_number(16.06418) == "16,06418"


def test_vn_percent_takes_a_value_that_already_is_a_percentage():
    assert (vn.vn_percent(91.5), vn.vn_percent(91, 0), vn.vn_percent(None)) == ("91,5%", "91%", "–")


def test_vn_share_shows_a_share_as_a_percentage_with_at_most_two_decimals():
    assert (
        vn.vn_share(Decimal("0.2612")),
        vn.vn_share(Decimal("1.0000")),
        vn.vn_share(Decimal("0.0836")),
    ) == ("26,12%", "100%", "8,36%")


@pytest.mark.parametrize(
    ("value", "value_type", "expected"),
    [
        (Decimal("133713.000000"), "integer", "133.713"),
        (Decimal("91.500000"), "percent", "91,5%"),
        (Decimal("91.000000"), "percent", "91%"),
        (Decimal("78.250000"), "score", "78,25"),
        (Decimal("2.500000"), "number", "2,5"),
        (None, "integer", "–"),
    ],
)
def test_vn_value_follows_the_value_type(value, value_type, expected):
    assert vn.vn_value(value, value_type) == expected


def test_vn_date():
    assert (vn.vn_date(date(2025, 7, 1)), vn.vn_date(None)) == ("01/07/2025", "–")


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2024", "Năm 2024"),
        ("2024Q3", "Quý III/2024"),
        ("2024-07", "Tháng 7/2024"),
        ("2022-12-01", "Ngày 01/12/2022"),
        ("không phải kỳ", "không phải kỳ"),
    ],
)
def test_period_label(period, label):
    assert vn.period_label(period) == label


def test_qualifier_word():
    assert [vn.qualifier_word(q) for q in ["exact", "approximate", "at_least", "at_most", "??"]] == [
        "",
        "gần",
        "hơn",
        "không quá",
        "",
    ]


def test_english_pages_have_english_numbers_once_the_catalogue_exists():
    """chiso/locale/en/LC_MESSAGES/django.mo is committed: English is a page language."""
    with translation.override("en"):
        assert vn.page_language() == "en"
        assert vn.vn_number(133713) == "133,713"
        assert vn.status_label("on_track") == "On track"
    assert vn.status_label("on_track") == "Đúng tiến độ"


def test_filters_work_in_templates():
    template = Template(
        '{% load vn %}{{ n|vn_number }} · {{ p|period_label }} · {{ d|vn_date }} · {{ v|vn_value:"percent" }}'
    )
    context = Context({"n": 166039, "p": "2024Q3", "d": date(2024, 12, 31), "v": Decimal("91.5")})
    assert template.render(context) == "166.039 · Quý III/2024 · 31/12/2024 · 91,5%"
