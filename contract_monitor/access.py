"""Who may touch the warehouse file in this process, and when.

Pages read through read-only attachments (``data_access``); an in-place refresh (``refresh``) writes
to the same file. DuckDB's file lock keeps *other* processes out, but within one process a reader's
cached blocks would go stale under a writer. So reads hold the shared side of one lock, a writer holds
the exclusive side, and before writing it asks every registered reader to close its connection.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

_condition = threading.Condition()
_readers = 0
_writing = False
_closers: list[Callable[[], None]] = []


def on_write(close: Callable[[], None]) -> None:
    """Register ``close``: called, with no read in progress, before the warehouse is written in place."""
    if close not in _closers:
        _closers.append(close)


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Hold while a query runs; waits while a write is in progress. Reads never block each other."""
    global _readers
    with _condition:
        _condition.wait_for(lambda: not _writing)
        _readers += 1
    try:
        yield
    finally:
        with _condition:
            _readers -= 1
            _condition.notify_all()


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Hold while the warehouse file is written in place: waits for reads in progress to finish, keeps
    new ones waiting, and has every registered reader close its connection first."""
    global _writing
    with _condition:
        _condition.wait_for(lambda: not _writing and _readers == 0)
        _writing = True
    try:
        for close in list(_closers):
            close()
        yield
    finally:
        with _condition:
            _writing = False
            _condition.notify_all()
