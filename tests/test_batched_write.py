"""A large write on SQLite in batches (issue 8: other writers wait at most a second during an import of 200.000
figures), still all or nothing: ``values.parted.PartedWrite`` writes a ``WriteRun`` batch by batch, each its own
short transaction; a batch that finds a figure moved undoes the batches written, and a run whose process died is
undone by the next ``chiso import``. PostgreSQL writes in one transaction; these tests ask for small batches, so
the journal is exercised on both databases."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, ValueType
from chiso.units.models import Unit
from chiso.values import bulkwrite, parted
from chiso.values.actions import RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel, DataValue, DataValueHistory, WriteRun
from chiso.values.parted import PartedWrite

pytestmark = pytest.mark.django_db

BATCH = 5
# Cells stored before the import; the import creates the others. Parts of 8 are staged changed figures first:
# batch 1 changes 0-4, batch 2 creates 5-7 and changes 10-11, batch 3 changes 12 and creates 8, 9, 13, 14.
OLD_AT = (0, 1, 2, 3, 4, 10, 11, 12)
WRITTEN_BY_TWO_BATCHES = (0, 1, 2, 3, 4, 5, 6, 7, 10, 11)


def _cells() -> list[tuple[DataElement, Unit, Period]]:
    elements = list(DataElement.objects.filter(value_type=ValueType.INTEGER).order_by("code")[:6])
    city = Unit.objects.get(version__name="2024", code="48")  # Đà Nẵng: the city administrator's
    units = list(Unit.objects.filter(version=city.version, type="phuong", path__startswith=city.path)
                 .exclude(code__in=("20221", "20212", "20209")).order_by("path")[:4])  # wards without reports
    return [(e, u, Period.parse("2024-05")) for u in units for e in elements][:22]


def _entries(base: int, **kw: object) -> list[ValueEntry]:
    return [ValueEntry(e, u, p, Decimal(base + i), **kw) for i, (e, u, p) in enumerate(_cells())]  # type: ignore[arg-type]


def _figure(entry: ValueEntry) -> DataValue:
    return DataValue.objects.get(data_element=entry.data_element, unit=entry.unit, period=str(entry.period))


def _stored_before() -> dict[int, ValueEntry]:
    old = {i: e for i, e in enumerate(_entries(100)) if i in OLD_AT}
    do_set_values([old[0], old[1]], acting_user=None, channel=Channel.DEMO)
    do_set_values([ValueEntry(e.data_element, e.unit, e.period, e.value, is_illustrative=True) for i, e in old.items()
                   if i > 1], acting_user=None, channel=Channel.DEMO)  # illustrative: the undo gives the flag back
    return old


def _exists(entry: ValueEntry) -> bool:
    return DataValue.objects.filter(data_element=entry.data_element, unit=entry.unit, period=str(entry.period)).exists()


def _import(user: User, entries: list[ValueEntry], watch: Callable[..., object] | None = None) -> PartedWrite:
    """Import ``entries`` in three parts, in batches of ``BATCH``; ``watch`` sees the statements of the commit."""
    with PartedWrite(acting_user=user, channel=Channel.IMPORT, reason="Nhập từ tệp lon.csv", batch=BATCH) as write:
        for start in range(0, len(entries), 8):
            part = entries[start:start + 8]
            assert write.check(part, list(range(start + 2, start + 2 + len(part)))).refusals == []
            write.keep()
        with connection.execute_wrapper(watch) if watch else nullcontext():
            write.commit()
    return write


def test_sqlite_writes_a_large_write_in_batches_postgresql_in_one_transaction(city_admin):
    with PartedWrite(acting_user=city_admin, channel=Channel.IMPORT) as write:
        assert write.batch == (bulkwrite.BATCH if connection.vendor == "sqlite" else 0)
    assert (bulkwrite.BATCH, bulkwrite.PAUSE) == (10_000, 0.15)


def test_a_batched_write_writes_everything_each_batch_its_own_transaction_history_naming_run_who_and_when(
        city_admin):
    old = _stored_before()
    new = _entries(500)
    highest = DataValue.objects.order_by("-id").values_list("id", flat=True).first()
    savepoints = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.startswith("SAVEPOINT"):  # a transaction of its own outside the test's (every database)
            savepoints.append(sql)
        return execute(sql, params, many, context)

    write = _import(city_admin, new, count)
    # 22 figures, 5 per batch; then the roll-ups of their ancestors, a short transaction per level (2 here)
    assert len(savepoints) == 5 + 2
    run = write.run
    assert run is not None and run.status == WriteRun.Status.DONE
    run.refresh_from_db()
    assert (run.status, run.figures, run.started_by, run.channel) == ("done", 22, city_admin, "import")
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert [_figure(e).value for e in new] == [e.value for e in new]
    created = sorted(_figure(e).pk for i, e in enumerate(new) if i not in OLD_AT)
    assert highest is not None and len(created) == 14
    assert highest < created[0] and created[-1] <= highest + 22  # right after the highest id: no gap grows by batch
    rows = DataValueHistory.objects.filter(run=run)
    assert rows.count() == 22
    assert {(h.changed_by_id, h.channel, h.reason, h.is_illustrative) for h in rows} == {
        (city_admin.pk, "import", "Nhập từ tệp lon.csv", False)}
    assert {h.changed_at for h in rows} == {run.started_at}  # one stamp, as one transaction: "the last import"
    first = rows.get(data_value=_figure(old[0]))
    assert (first.revision, first.old_value, first.value) == (2, Decimal(100), Decimal(500))


def test_a_figure_moved_mid_way_undoes_every_batch_written_and_keeps_the_other_writers_change(
        city_admin, monkeypatch):
    old = _stored_before()
    new = _entries(500)
    before = {i: (_figure(e).value, _figure(e).revision, _figure(e).is_illustrative) for i, e in old.items()}
    calls = []

    def meanwhile() -> None:  # between two batches, outside their transactions
        calls.append(1)
        if len(calls) == 2:  # batches 1 and 2 are written: another user changes one of their figures and one
            do_set_values([ValueEntry(new[1].data_element, new[1].unit, new[1].period, Decimal(7)),  # of batch 3
                           ValueEntry(new[12].data_element, new[12].unit, new[12].period, Decimal(8))],
                          acting_user=city_admin, channel=Channel.WEB, reason="sửa tay")

    monkeypatch.setattr(bulkwrite, "pause", meanwhile)
    with pytest.raises(ValueWriteError) as error:
        _import(city_admin, new)
    assert [r.kind for r in error.value.refusals] == [RefusalKind.CONFLICT]
    assert len(calls) == 2  # batch 3 found its figure moved
    run = WriteRun.objects.get()
    assert (run.status, run.note) == ("undone", "có người sửa một số liệu của lần ghi trong lúc ghi")
    # the import's figures are back as they were: old ones restored (value and illustrative flag), new ones deleted
    for i, entry in old.items():
        figure = _figure(entry)
        if i in (1, 12):  # changed by the other writer: their change stays
            assert (figure.value, figure.revision) == ((Decimal(7), 3) if i == 1 else (Decimal(8), 2))
            continue
        value, revision, illustrative = before[i]
        assert (figure.value, figure.is_illustrative, figure.is_deleted, figure.revision) == (
            value, illustrative, False, revision + 2)  # written, then undone
    assert [(_figure(new[i]).is_deleted, _figure(new[i]).revision) for i in (5, 6, 7)] == [(True, 2)] * 3
    assert not any(_exists(new[i]) for i in (8, 9, *range(13, 22)))  # batch 3 and after: never written
    # the undo is in the history: who (the importer), when, why, old → restored
    undo = DataValueHistory.objects.filter(reason__startswith=f"Hoàn tác lần ghi #{run.pk} (Nhập từ tệp lon.csv)")
    assert undo.count() == len(WRITTEN_BY_TWO_BATCHES) - 1
    restored = undo.get(data_value=_figure(old[0]))
    assert (restored.revision, restored.old_value, restored.value, restored.changed_by, restored.channel) == (
        3, Decimal(500), Decimal(100), city_admin, "import")
    assert restored.changed_at >= run.started_at and restored.run is None
    assert len({h.changed_at for h in undo}) == 1
    assert (undo.get(data_value=_figure(old[10])).is_illustrative, restored.is_illustrative) == (True, False)
    deleted = undo.get(data_value=_figure(new[5]))
    assert (deleted.revision, deleted.old_value, deleted.value, deleted.is_deleted) == (2, Decimal(505), Decimal(505),
                                                                                        True)


def test_a_crash_mid_way_is_undone_by_the_next_import(city_admin, monkeypatch):
    old = _stored_before()
    new = _entries(500)
    apply = bulkwrite.Stage.apply
    calls = []

    def crash(self, **kw):  # type: ignore[no-untyped-def]
        calls.append(kw["rows"])
        if len(calls) == 3:
            raise KeyboardInterrupt  # the process stops in batch 3...
        return apply(self, **kw)

    def dies(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("disk I/O error")  # ...and cannot undo (as if it died there)

    monkeypatch.setattr(bulkwrite.Stage, "apply", crash)
    monkeypatch.setattr(parted, "undo_run", dies)
    with pytest.raises(KeyboardInterrupt):
        _import(city_admin, new)
    monkeypatch.undo()
    run = WriteRun.objects.get()
    assert run.status == "writing" and _figure(new[0]).value == Decimal(500)  # two batches written
    assert parted.recover_runs() == []  # its process (this one) still runs: left alone
    gone = subprocess.Popen(["true"])
    gone.wait()
    WriteRun.objects.filter(pk=run.pk).update(pid=gone.pid)
    elsewhere = WriteRun.objects.create(channel="import", started_at=run.started_at, host="may-khac", pid=gone.pid)
    out = StringIO()
    call_command("import", "--recover", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"Đã hoàn tác lần nhập #{run.pk} bị dừng giữa chừng (Nhập từ tệp lon.csv, bắt đầu ")
    assert lines[0].endswith(f": {len(WRITTEN_BY_TWO_BATCHES)} số liệu trả về như trước.")
    assert lines[1].startswith(f"Lần nhập #{elsewhere.pk} () đang ghi ở tiến trình {gone.pid} trên máy may-khac")
    run.refresh_from_db()
    assert (run.status, run.note) == ("undone", "tiến trình ghi đã dừng giữa chừng")
    assert [_figure(e).value for e in old.values()] == [e.value for e in old.values()]
    assert all(_figure(new[i]).is_deleted for i in (5, 6, 7))
    assert not any(_exists(new[i]) for i in (8, 9, *range(13, 22)))  # never written
    assert parted.undo_run(run, "lần nữa") == 0  # undoing again changes nothing


def test_a_report_closed_mid_way_undoes_every_batch_written(city_admin, monkeypatch):
    from chiso.collection.models import Form, Status, Submission

    old = _stored_before()
    new = _entries(500)
    calls = []

    def meanwhile() -> None:
        calls.append(1)
        if len(calls) == 2:  # batches 1 and 2 are written; the report of a figure of batch 3 is approved
            report = Submission.objects.create(form=Form.objects.get(code="BC-CDS-THANG-XA"), unit=new[12].unit,
                                               period="2024-05")
            Submission.objects.filter(pk=report.pk).update(status=Status.APPROVED, updated_at=timezone.now())

    monkeypatch.setattr(bulkwrite, "pause", meanwhile)
    with pytest.raises(ValueWriteError) as error:
        _import(city_admin, new)
    assert [r.kind for r in error.value.refusals] == [RefusalKind.CLOSED]
    run = WriteRun.objects.get()
    assert (run.status, run.note) == ("undone", "một báo cáo chứa số liệu của lần ghi vừa được gửi hoặc duyệt")
    assert [_figure(e).value for e in old.values()] == [e.value for e in old.values()]
    assert all(_figure(new[i]).is_deleted for i in (5, 6, 7))
