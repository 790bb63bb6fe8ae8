"""How ``do_set_values`` writes (issue 8, defect 8): checked and staged before the write transaction, then a
few set-based statements in it, so an import of 200.000 figures holds SQLite's write lock for about a
second instead of minutes; a figure that moved in between is checked again under lock."""

from __future__ import annotations

from decimal import Decimal
from itertools import islice, product

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, ValueType
from chiso.units.models import Unit
from chiso.values import bulkwrite, hooks
from chiso.values.actions import RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel, DataValue, DataValueHistory

pytestmark = pytest.mark.django_db


def _cells(count: int, value_type: str = ValueType.INTEGER) -> list[tuple[DataElement, Unit, Period]]:
    elements = list(DataElement.objects.filter(value_type=value_type).order_by("code")[:20])
    units = list(Unit.objects.filter(version__name="2025-07", type__in=("phuong", "xa", "dac_khu"))
                 .order_by("path"))
    months = [Period.parse(f"2091-{m:02d}") for m in range(1, 13)]
    return [(e, u, p) for p, u, e in islice(product(months, units, elements), count)]


def _entries(cells: list[tuple[DataElement, Unit, Period]], base: int, **kw: object) -> list[ValueEntry]:
    return [ValueEntry(e, u, p, Decimal(base + i), **kw) for i, (e, u, p) in enumerate(cells)]  # type: ignore[arg-type]


def _statements_in_the_write_transaction(entries: list[ValueEntry]) -> tuple[int, int]:
    """Statements run while ``do_set_values``'s own transaction is open (on SQLite: the write lock): (the figures'
    and their history's, the roll-ups' refresh of their ancestors)."""
    outer = len(connection.atomic_blocks)
    figures, roll_ups = [], []
    refreshing = False
    listeners = list(hooks._listeners)

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if len(connection.atomic_blocks) > outer:
            (roll_ups if refreshing else figures).append(sql)
        return execute(sql, params, many, context)

    def marked(listener):  # type: ignore[no-untyped-def]
        def listen(batches, **options):  # type: ignore[no-untyped-def]
            nonlocal refreshing
            refreshing = True
            try:
                listener(batches, **options)
            finally:
                refreshing = False
        return listen

    hooks._listeners[:] = [marked(listener) for listener in listeners]
    try:
        with connection.execute_wrapper(count):
            do_set_values(entries, acting_user=None, channel=Channel.IMPORT)
    finally:
        hooks._listeners[:] = listeners
    return len(figures), len(roll_ups)


def test_the_write_transaction_runs_the_same_few_statements_for_500_or_6000_figures():
    small, big = _cells(500), _cells(6000)[500:]
    do_set_values(_entries(small, 1), acting_user=None, channel=Channel.IMPORT)
    do_set_values(_entries(big, 1), acting_user=None, channel=Channel.IMPORT)
    # changing them: the old writer ran one UPDATE per 2.000 figures and one history INSERT per 2.000, all
    # under the lock, after reading and comparing every figure under it
    (few, few_roll_ups), (many, many_roll_ups) = _statements_in_the_write_transaction(_entries(small, 7)), \
        _statements_in_the_write_transaction(_entries(big, 7))
    # a large write on PostgreSQL checks its foreign keys once (the privilege, the units, the data elements) and
    # turns the row-by-row checks off and on again: five statements more, whatever its size
    at_once = 5 if connection.vendor == "postgresql" and len(big) >= bulkwrite.AT_ONCE > len(small) else 0
    assert many - few == at_once
    assert many <= 8 + at_once
    # the roll-ups read and write per ancestor level (the city, then the province), not per figure: 5.500 figures
    # of 4 months (2 quarters) cost a few more row inserts than 500 of one month, not more reads
    assert few_roll_ups <= 40 and many_roll_ups <= 40


def test_changed_and_new_figures_get_exact_rows_and_history(officer_thac_gian: User):
    cells = _cells(3, ValueType.NUMBER)
    first = do_set_values([ValueEntry(*cells[0], Decimal("12.5"), source="Sổ gốc", comment="tạm tính"),
                           ValueEntry(*cells[1], Decimal(7), qualifier="at_least")],
                          acting_user=None, channel=Channel.IMPORT, reason="lần đầu")
    assert (first.created, first.changed, first.unchanged) == (2, 0, 0)
    admin = User.objects.create_user("t_bulk_admin", is_superuser=True)
    second = do_set_values([
        ValueEntry(*cells[0], Decimal("13.25"), source=None, comment=None),  # keeps the stored texts
        ValueEntry(*cells[1], Decimal(7), qualifier="at_least"),  # unchanged
        ValueEntry(*cells[2], None, qualifier="approximate", source="Ước tính"),  # new, no number
    ], acting_user=admin, channel=Channel.API, reason="sửa theo sổ")
    assert (second.created, second.changed, second.unchanged) == (1, 1, 1)
    assert [(c.value, c.revision, old) for c, old in second.changes] == [
        (Decimal("13.25"), 2, Decimal("12.5"))]
    rows = {(v.data_element_id, v.unit_id, v.period): v for v in DataValue.objects.filter(period="2091-01")}
    changed = rows[(cells[0][0].pk, cells[0][1].pk, "2091-01")]
    assert (changed.value, changed.source, changed.comment, changed.revision, changed.channel,
            changed.updated_by) == (Decimal("13.25"), "Sổ gốc", "tạm tính", 2, "api", admin)
    assert list(changed.history.order_by("revision").values_list(
        "revision", "old_value", "value", "source", "channel", "reason", "changed_by__username")) == [
        (1, None, Decimal("12.5"), "Sổ gốc", "import", "lần đầu", None),
        (2, Decimal("12.5"), Decimal("13.25"), "Sổ gốc", "api", "sửa theo sổ", "t_bulk_admin")]
    unchanged = rows[(cells[1][0].pk, cells[1][1].pk, "2091-01")]
    assert (unchanged.revision, unchanged.history.count()) == (1, 1)
    new = rows[(cells[2][0].pk, cells[2][1].pk, "2091-01")]
    assert (new.value, new.qualifier, new.source, new.revision, new.period_start.isoformat(),
            new.period_end.isoformat()) == (None, "approximate", "Ước tính", 1, "2091-01-01", "2091-01-31")
    history = new.history.values_list("revision", "old_value", "value", "qualifier", "changed_by__username")
    assert list(history) == [(1, None, None, "approximate", "t_bulk_admin")]


def test_texts_with_tabs_newlines_and_backslashes_are_stored_as_written():
    """The stage is filled in COPY's text format on PostgreSQL: what that format escapes comes back unchanged."""
    cells = _cells(2)
    texts = ["Sổ\tgốc\\N", "dòng 1\ndòng 2\r\nhết \\ \\\\ \"trích\""]
    do_set_values([ValueEntry(*cells[0], Decimal(1), source=texts[0], comment=texts[1])],
                  acting_user=None, channel=Channel.IMPORT)
    do_set_values([ValueEntry(*cells[0], Decimal(2), source=texts[1], comment=None),  # changed, comment kept
                   ValueEntry(*cells[1], Decimal(3), source="\\N", comment=texts[0])],  # new
                  acting_user=None, channel=Channel.IMPORT)
    stored = [DataValue.objects.get(data_element=e, unit=u, period=str(p)) for e, u, p in cells]
    assert [(v.source, v.comment) for v in stored] == [(texts[1], texts[1]), ("\\N", texts[0])]
    assert list(DataValueHistory.objects.filter(data_value=stored[0]).order_by("revision")
                .values_list("source", "comment")) == [(texts[0], texts[1]), (texts[1], texts[1])]


def test_each_new_figure_has_its_own_history_row_and_a_never_used_id():
    """The history rows of new figures come from the rows written (ids given up front on SQLite, handed on by
    RETURNING on PostgreSQL): each names its own figure; an id once used, even by a figure since removed, is
    not given again."""
    cells = _cells(300)
    do_set_values(_entries(cells[:3], 1), acting_user=None, channel=Channel.IMPORT)
    highest = DataValue.objects.order_by("-id").first()
    assert highest is not None
    removed = highest.pk
    DataValueHistory.objects.filter(data_value=highest).delete()
    highest.delete()
    do_set_values(_entries(cells[3:], 1000), acting_user=None, channel=Channel.IMPORT)
    written = DataValue.objects.filter(period__startswith="2091-").exclude(pk__lte=removed)
    assert written.count() == 297
    history = {h.data_value_id: (h.revision, h.old_value, h.value) for h in DataValueHistory.objects.filter(
        data_value__in=written)}
    assert history == {v.pk: (1, None, v.value) for v in written}
    assert sorted(v.value for v in written) == [Decimal(1000 + i) for i in range(297)]


def _someone_writes_after_staging(monkeypatch: pytest.MonkeyPatch,
                                  cell: tuple[DataElement, Unit, Period]) -> None:
    fill = bulkwrite.Stage.fill
    done: list[bool] = []

    def fill_then_someone_writes(self, changed, new):  # type: ignore[no-untyped-def]
        fill(self, changed, new)
        if not done:  # another user's save lands between the check and the write transaction
            done.append(True)
            DataValue.objects.filter(data_element=cell[0], unit=cell[1], period=str(cell[2])).update(
                value=Decimal(99), revision=2)

    monkeypatch.setattr(bulkwrite.Stage, "fill", fill_then_someone_writes)


def test_a_figure_moved_after_the_check_is_checked_again_under_lock_and_written(monkeypatch):
    cell = _cells(1)[0]
    do_set_values([ValueEntry(*cell, Decimal(5))], acting_user=None, channel=Channel.IMPORT)
    _someone_writes_after_staging(monkeypatch, cell)
    result = do_set_values([ValueEntry(*cell, Decimal(6))], acting_user=None, channel=Channel.IMPORT)
    stored = DataValue.objects.get(data_element=cell[0], unit=cell[1], period=str(cell[2]))
    assert (result.changed, stored.value, stored.revision) == (1, Decimal(6), 3)
    assert list(DataValueHistory.objects.filter(data_value=stored).order_by("revision").values_list(
        "revision", "old_value", "value")) == [(1, None, Decimal(5)), (3, Decimal(99), Decimal(6))]


def test_a_figure_moved_after_the_check_is_a_conflict_for_a_writer_who_saw_the_old_one(monkeypatch):
    cell = _cells(1)[0]
    do_set_values([ValueEntry(*cell, Decimal(5))], acting_user=None, channel=Channel.IMPORT)
    _someone_writes_after_staging(monkeypatch, cell)
    with pytest.raises(ValueWriteError) as refused:
        do_set_values([ValueEntry(*cell, Decimal(6), expected_revision=1)], acting_user=None,
                      channel=Channel.WEB)
    assert refused.value.kinds == {RefusalKind.CONFLICT}
    stored = DataValue.objects.get(data_element=cell[0], unit=cell[1], period=str(cell[2]))
    assert (stored.value, stored.revision) == (Decimal(99), 2)


def test_the_staging_table_is_gone_after_a_write():
    cell = _cells(1)[0]
    do_set_values([ValueEntry(*cell, Decimal(5))], acting_user=None, channel=Channel.IMPORT)
    assert bulkwrite.TABLE not in connection.introspection.table_names(include_views=False)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {bulkwrite.TABLE} (id integer)")  # the name is free again
        cursor.execute(f"DROP TABLE {bulkwrite.TABLE}")


def test_the_system_writes_into_an_approved_report_without_rechecking_under_the_lock():
    """The system (acting_user None) may change a figure of an approved report; its write must not take the
    slow path (every figure read and checked again inside the write transaction) because the report is
    closed. The demo's 12/2024 report of Thạc Gián is approved."""
    from chiso.collection.models import Submission

    figure = DataValue.objects.select_related("data_element", "unit").filter(
        unit__version__name="2024", unit__code="20221", period="2024-12", value__isnull=False,
        data_element__value_type=ValueType.INTEGER).order_by("data_element__code").first()
    assert figure is not None
    assert Submission.objects.filter(unit=figure.unit, period="2024-12", status="approved").exists()
    inside, _ = _statements_in_the_write_transaction(
        [ValueEntry(figure.data_element, figure.unit, Period.parse("2024-12"), figure.value + 1)])
    figure.refresh_from_db()
    assert figure.revision == 2 and figure.history.count() == 2
    assert inside <= 4  # UPDATE, history INSERT and the savepoint's statements; the slow path reads far more


# -- foreign keys of a large write on PostgreSQL, checked once for the whole write -----------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row-by-row checks")


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


@postgres_only
def test_a_large_write_checks_its_references_at_once_and_turns_the_row_checks_on_again():
    cells = _cells(bulkwrite.AT_ONCE)
    admin = User.objects.create_user("t_bulk_at_once", is_superuser=True)
    assert _role() == "origin"
    result = do_set_values(_entries(cells, 1), acting_user=admin, channel=Channel.IMPORT)
    assert result.created == bulkwrite.AT_ONCE
    assert _role() == "origin"  # what the same transaction writes next is checked row by row again
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what a commit would check: nothing is wrong
    written = DataValue.objects.filter(period__startswith="2091-")
    assert written.count() == bulkwrite.AT_ONCE
    assert set(written.values_list("updated_by", flat=True)) == {admin.pk}
    assert DataValueHistory.objects.filter(data_value__in=written, changed_by=admin).count() == bulkwrite.AT_ONCE


@postgres_only
def test_a_large_write_naming_a_unit_that_no_longer_exists_is_refused_and_writes_nothing():
    cells = _cells(bulkwrite.AT_ONCE)
    gone = Unit.objects.create(version=cells[0][1].version, code="t-gone", name="Đã xóa", type="xa",
                               parent=cells[0][1].parent)
    cells[-1] = (cells[-1][0], gone, cells[-1][2])
    Unit.objects.filter(pk=gone.pk).delete()  # deleted after the entries were made
    before = DataValue.objects.count()
    with pytest.raises(IntegrityError, match="units_unit"):
        do_set_values(_entries(cells, 1), acting_user=None, channel=Channel.IMPORT)
    assert DataValue.objects.count() == before
    assert _role() == "origin"


@postgres_only
def test_without_the_privilege_a_large_write_is_checked_row_by_row_and_written_all_the_same():
    """A role that may not set session_replication_role (neither superuser nor granted it) writes as before: the
    foreign keys' own row checks, run at the commit."""
    cells = _cells(bulkwrite.AT_ONCE)
    with connection.cursor() as cursor:
        # rolled back with the test's transaction, like everything it does: no role is left behind
        cursor.execute("CREATE ROLE chiso_test_plain NOSUPERUSER")
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO chiso_test_plain")
        cursor.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO chiso_test_plain")
        cursor.execute("SET LOCAL ROLE chiso_test_plain")
        cursor.execute("SELECT current_setting('is_superuser')")
        assert cursor.fetchone()[0] == "off"
        assert bulkwrite._row_checks_may_wait(cursor) is False
    seen: list[str] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        result = do_set_values(_entries(cells, 1), acting_user=None, channel=Channel.IMPORT)
    assert result.created == bulkwrite.AT_ONCE
    assert not [sql for sql in seen if "session_replication_role = replica" in sql]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the queued row checks run, and pass
        cursor.execute("RESET ROLE")
    assert DataValue.objects.filter(period__startswith="2091-").count() == bulkwrite.AT_ONCE
