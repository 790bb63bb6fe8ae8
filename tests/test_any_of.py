"""``__any_of`` (chiso/web/lookups.py): many values as one SQL parameter, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.engine.periods import Period
from chiso.units.models import Unit
from chiso.values.models import DataValue

pytestmark = pytest.mark.django_db


def test_ids_are_one_parameter_and_find_exactly_those_units() -> None:
    wanted = set(Unit.objects.filter(version__name="2024").order_by("id").values_list("id", flat=True)[:1500])
    with CaptureQueriesContext(connection) as queries:
        found = set(Unit.objects.filter(id__any_of=wanted).values_list("id", flat=True))
    assert found == wanted
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert str(max(wanted)) in sql and ("= ANY(" in sql or "json_each(" in sql)  # one literal, no 1.500 "%s"


def test_a_foreign_key_takes_it_too() -> None:
    ward = Unit.objects.get(version__name="2024", code="20221")
    children = set(Unit.objects.filter(parent_id=ward.id).values_list("id", flat=True))
    assert children  # its tổ dân phố
    assert set(Unit.objects.filter(parent_id__any_of={ward.id}).values_list("id", flat=True)) == children


def test_texts_with_quotes_and_backslashes_are_compared_as_given() -> None:
    ward = Unit.objects.get(version__name="2024", code="20221")
    names = {ward.name, 'a "quoted" name', "back\\slash", "{braces},commas"}
    assert list(Unit.objects.filter(id=ward.id, name__any_of=names).values_list("code", flat=True)) == ["20221"]
    assert not Unit.objects.filter(id=ward.id, name__any_of=names - {ward.name}).exists()


def test_nothing_asked_finds_nothing_without_a_query() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert list(Unit.objects.filter(id__any_of=set())) == []
    assert queries.captured_queries == []


def test_a_single_text_is_refused_with_a_clear_error() -> None:
    with pytest.raises(TypeError, match="set"):
        list(Unit.objects.filter(id__any_of="123"))


def test_the_named_periods_of_a_month_find_what_its_dates_find() -> None:
    december = Period.parse("2024-12")
    from chiso.engine.periods import texts_within

    by_dates = set(DataValue.objects.filter(period_start__gte=december.start, period_end__lte=december.end)
                   .values_list("id", flat=True))
    by_name = set(DataValue.objects.filter(period__any_of=frozenset(texts_within(december.start, december.end)))
                  .values_list("id", flat=True))
    assert by_dates and by_name == by_dates
