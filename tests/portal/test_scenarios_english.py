"""The what-if box reads in English too (Vietnamese first)."""

from __future__ import annotations

from django.utils import translation


def test_the_scenario_texts_have_english():
    with translation.override("en"):
        assert translation.gettext("Chạy kịch bản") == "Run the scenario"
        assert translation.gettext("khả năng đạt: %(p)s") % {"p": "61%"} == "chance of reaching: 61%"
    with translation.override("vi"):
        assert translation.gettext("Chạy kịch bản") == "Chạy kịch bản"
