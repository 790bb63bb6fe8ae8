"""A write of more figures than memory should hold (an import of a million), part by part, still all or nothing,
on the rules of ``values.actions`` (``check_values`` checks each part; the same refusals). On SQLite a large write
goes in short batches journaled as a ``WriteRun``, undone when refused or crashed (``undo_run``,
``recover_runs``), so other writers wait one batch at most.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.values import bulkwrite, hooks
from chiso.values.actions import (
    MAX_WARNINGS,
    CheckResult,
    Refusal,
    RefusalKind,
    User,
    ValueEntry,
    ValueWriteError,
    WriteResult,
    _apply,
    _planned,
    _user,
    check_values,
    closed_to,
    reports_closed_since,
)
from chiso.values.models import Channel, WriteRun


class PartedWrite:
    """One all-or-nothing write of more figures than memory should hold (an import of a million), given part by
    part. Each part is checked by ``check_values`` (every rule, against the stored figures) and, when clean,
    staged in the database; a cell given twice, in two parts, is refused (``bulkwrite.Ledger``). ``commit``
    writes every staged figure, after checking again that no report closed meanwhile; a figure that someone
    changed since its part was checked refuses the whole write (nothing is written: run it again).

    How ``commit`` writes: in one transaction on PostgreSQL (its row locks block no other writer). On SQLite one
    transaction holds the database's only write lock, against every other writer, for as long as it writes
    (200.000 figures: 0,6 s on a quiet machine, up to 2,5 s under load), so more than ``batch`` figures
    (``bulkwrite.BATCH``) are written in batches, each its own short transaction with a pause between two
    (``bulkwrite.pause``: waiting writers get in), as a ``WriteRun``: the run is
    recorded before the first batch and its history rows name it. A batch that finds a figure moved or its
    report closed undoes the batches written (``undo_run``) and the write is refused, as before; a run whose
    process died mid-way is undone by the next ``chiso import`` (``recover_runs``). Readers may see the figures of
    the batches written until the run is done or undone.

        with PartedWrite(acting_user=user, channel=Channel.IMPORT, reason="…") as write:
            for part, rows in parts:
                found = write.check(part, rows)  # refusals indexed in the part; nothing written
                if not found.refusals:
                    write.keep()                 # staged
            result = write.commit()              # counts only: the changes are in the history
    """

    def __init__(self, *, acting_user: User | None, channel: Channel, reason: str = "", batch: int | None = None):
        """``batch``: figures per transaction; None: the database's own (``bulkwrite.batch_size``), 0: one."""
        self.acting_user, self.channel, self.reason = acting_user, channel, reason
        self.batch = bulkwrite.batch_size() if batch is None else batch
        self.run: WriteRun | None = None  # the batched write's journal, once commit began one
        self.stage, self.ledger = bulkwrite.Stage("chiso_value_parts"), bulkwrite.Ledger()
        self.unchanged = 0
        self.warnings: list[Refusal] = []
        self.started = timezone.now()
        self._pending: tuple[Sequence[ValueEntry], CheckResult] | None = None

    def __enter__(self) -> PartedWrite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stage.drop()
        self.ledger.drop()

    def check(self, entries: Sequence[ValueEntry], places: Sequence[int]) -> CheckResult:
        """Every rule of ``check_values`` on one part, and a cell given in an earlier part refused as a duplicate
        (``places``, a row number per entry, say where each came from). Writes nothing; ``keep`` stages the part
        last checked when it was clean."""
        found = check_values(entries, acting_user=self.acting_user)
        self._pending = None
        if found.refusals:
            return found
        earlier = self.ledger.add(found._keys, places)
        found.refusals = [Refusal(
            RefusalKind.DUPLICATE, i, f"{entries[i].where()}: số liệu này đã có ở dòng {place} của tệp; mỗi ô "
            "chỉ ghi một lần. Xóa một trong hai dòng.",
            f"{entries[i].where()}: this figure is already given on row {place}; each cell is written once. "
            "Remove one of the two rows.") for i, place in sorted(earlier.items())]
        if not found.refusals:
            self._pending = (entries, found)
        return found

    def keep(self) -> None:
        """Stage the part ``check`` found clean (the stage holds every part; memory only the last)."""
        if self._pending is None:
            raise ValueError("keep() stages only a part that check() found clean")
        entries, found = self._pending
        self._pending = None
        changed, new = _planned(entries, found)
        self.stage.extend(changed, new)
        self.unchanged += len(entries) - len(changed) - len(new)
        self.warnings += found.warnings[:MAX_WARNINGS - len(self.warnings)]

    def commit(self) -> WriteResult:
        total = self.stage.changed + self.stage.new
        if self.batch and total > self.batch:
            return self._commit_in_batches()
        try:
            with transaction.atomic():
                self._refuse_closed(None)
                _apply(self.stage, acting_user=self.acting_user, channel=self.channel, reason=self.reason)
        except (bulkwrite.Moved, IntegrityError):
            raise ValueWriteError([MOVED]) from None
        return self._result()

    def _refuse_closed(self, rows: tuple[int, int] | None) -> None:
        """Each part was checked against the reports as they were; under the lock, only a report closed since the
        first part was checked needs the cells read back (usually none: no time is spent)."""
        for keys in self.stage.keys(rows=rows) if reports_closed_since(self.started) else ():
            closed = closed_to(self.acting_user, keys)
            if closed:
                raise ValueWriteError([Refusal(
                    RefusalKind.CLOSED, None, f"Không ghi gì: {len(closed)} số liệu thuộc báo cáo vừa được "
                    "gửi hoặc duyệt trong lúc nhập. Nhờ mở lại báo cáo (có lý do) rồi nhập lại.",
                    f"Nothing written: {len(closed)} figures belong to a report submitted or approved "
                    "during the import. Have it reopened (with a reason), then import again.")])

    def _commit_in_batches(self) -> WriteResult:
        user = _user(self.acting_user)
        now = timezone.now()  # every history row of the run is stamped alike, as one transaction's would be
        self.run = run = WriteRun.objects.create(
            channel=self.channel, reason=self.reason, started_by=user, started_at=now,  # type: ignore[misc]
            figures=self.stage.changed + self.stage.new, host=socket.gethostname(), pid=os.getpid())
        spans = self.stage.spans(self.batch)
        try:
            for number, rows in enumerate(spans, 1):
                if number > 1:
                    bulkwrite.pause()
                with transaction.atomic():
                    self._refuse_closed(rows)
                    self.stage.apply(channel=self.channel, user_id=user.pk if user else None, now=now,
                                     reason=self.reason, rows=rows, run_id=run.pk)
                    if number == len(spans):  # done with the last batch, in its transaction
                        WriteRun.objects.filter(pk=run.pk).update(status=WriteRun.Status.DONE,
                                                                  finished_at=timezone.now())
        except (bulkwrite.Moved, IntegrityError):
            undo_run(run, "có người sửa một số liệu của lần ghi trong lúc ghi")
            raise ValueWriteError([MOVED]) from None
        except ValueWriteError:
            undo_run(run, "một báo cáo chứa số liệu của lần ghi vừa được gửi hoặc duyệt")
            raise
        except BaseException:
            try:  # interrupted (Ctrl-C, a database error): take back what was written, if the database lets us
                undo_run(run, "lần ghi bị ngắt giữa chừng")
            except Exception:  # noqa: BLE001 - the run stays "writing": the next chiso import undoes it
                pass
            raise
        run.status = WriteRun.Status.DONE
        # the roll-ups of the whole run once, level by level in short transactions of their own: done in the last
        # batch's, they held SQLite's write lock for a minute (200.000 figures, 50 readers on two cores)
        hooks.figures_changed(self.stage.keys(), after_commit=True)
        return self._result()

    def _result(self) -> WriteResult:
        return WriteResult(created=self.stage.new, changed=self.stage.changed, unchanged=self.unchanged,
                           warnings=self.warnings)


MOVED = Refusal(
    RefusalKind.CONFLICT, None, "Không ghi gì: có người vừa sửa một số liệu trong tệp trong lúc nhập. "
    "Nhập lại tệp để so với số liệu mới nhất.",
    "Nothing written: someone changed a figure of the file during the import. Import the file again "
    "to compare with the latest figures.")


def undo_run(run: WriteRun, note: str) -> int:
    """Take back everything ``run`` wrote, ``bulkwrite.BATCH`` history rows per short transaction, only where the
    figure is still what the run wrote (a figure someone changed since keeps that change); every figure undone
    gets a history row (the run's user and channel, now, "Hoàn tác lần ghi #…"). The run ends ``undone`` with
    ``note`` (why). Safe to repeat after a crash mid-undo. Returns the figures undone."""
    reason = f"Hoàn tác lần ghi #{run.pk} ({run.reason or run.get_channel_display()}): {note}"
    now = timezone.now()  # one stamp for the whole undo
    undone = 0
    for number, window in enumerate(bulkwrite.run_windows(run.pk, bulkwrite.BATCH)):
        if number:
            bulkwrite.pause()
        with transaction.atomic():
            undone += bulkwrite.undo(run.pk, window, channel=run.channel, user_id=run.started_by_id, now=now,
                                     reason=reason)
    WriteRun.objects.filter(pk=run.pk).update(status=WriteRun.Status.UNDONE, finished_at=timezone.now(), note=note)
    hooks.figures_changed(bulkwrite.run_keys(run.pk), after_commit=True)  # the roll-ups of all the run touched
    run.status, run.note = WriteRun.Status.UNDONE, note
    return undone


def recover_runs() -> list[tuple[WriteRun, int]]:
    """Undo every batched write left ``writing`` by a process of this machine that is gone (killed, crashed, the
    machine restarted): what it wrote is taken back, so a crashed import leaves no figure behind. ``chiso import``
    calls it first; ``chiso import --recover`` alone. A run of another machine, or of a process still alive, is
    left alone."""
    return [(run, undo_run(run, "tiến trình ghi đã dừng giữa chừng")) for run in unfinished_runs() if _gone(run)]


def unfinished_runs() -> list[WriteRun]:
    return list(WriteRun.objects.filter(status=WriteRun.Status.WRITING).order_by("pk"))


def _gone(run: WriteRun) -> bool:
    """Whether the process that began ``run`` is no longer running (known only on the machine that ran it)."""
    if run.host != socket.gethostname():
        return False
    if run.pid is None:
        return True
    if run.pid == os.getpid():
        return False
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
