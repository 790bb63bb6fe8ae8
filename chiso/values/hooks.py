"""Who must hear, inside the writing transaction, which figures changed.

The roll-ups (``chiso.totals``) sit above ``values`` and ``collection`` yet must change in the same transaction
as a figure or a report's state, so that a figure is in every ancestor's total the moment it commits. They
register here when the app starts (``TotalsConfig.ready``); ``values.actions``, ``values.parted`` and
``collection.workflow`` call ``figures_changed`` with the cells whose figure or publication changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol

Key = tuple[int, int, str]  # (data element id, unit id, period)


class Listener(Protocol):
    def __call__(self, batches: Iterable[list[Key]], *, publication_only: bool = False,
                 after_commit: bool = False) -> None: ...


_listeners: list[Listener] = []
_gathering: list[dict[bool, list[list[Key]]]] = []  # one per open ``gathered`` block


def on_figures_changed(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def figures_changed(batches: Iterable[list[Key]], *, publication_only: bool = False,
                    after_commit: bool = False) -> None:
    """Tell every listener; ``batches`` yields lists of cells (a large write streams them). ``publication_only``:
    the figures are as they were, only whether they are published changed (a report approved or reopened).
    ``after_commit``: told outside any transaction, after a write done in batches of their own (SQLite's large
    imports and their undo): the listener works in short transactions of its own too."""
    if not _listeners:
        return
    if _gathering and not after_commit:
        _gathering[-1].setdefault(publication_only, []).extend(list(b) for b in batches)
        return
    batches = [list(b) for b in batches] if len(_listeners) > 1 else batches
    for listener in _listeners:
        listener(batches, publication_only=publication_only, after_commit=after_commit)


@contextmanager
def gathered() -> Iterator[None]:
    """Within the block, changes are gathered and told once when it ends (call it inside the transaction): a
    bulk approval of a hundred reports refreshes each ancestor's totals once, not a hundred times."""
    _gathering.append({})
    try:
        yield
        found = _gathering[-1]
    finally:
        _gathering.pop()
    for publication_only, batches in sorted(found.items()):
        figures_changed(batches, publication_only=publication_only)
