"""Reads and an in-place write of the warehouse take turns within the app's process (access.py)."""

from __future__ import annotations

import threading

from contract_monitor import access


def test_a_write_waits_for_reads_in_progress_and_closes_readers_before_it_starts():
    events: list[str] = []
    reading, release = threading.Event(), threading.Event()

    def reader() -> None:
        with access.reading():
            events.append("read started")
            reading.set()
            release.wait(5)
            events.append("read finished")

    def close() -> None:
        events.append("readers closed")

    access.on_write(close)
    try:
        thread = threading.Thread(target=reader)
        thread.start()
        reading.wait(5)
        writer = threading.Thread(target=lambda: _write(events))
        writer.start()
        writer.join(0.2)
        assert writer.is_alive() and "write" not in events  # held back by the read in progress
        release.set()
        thread.join(5)
        writer.join(5)
        assert events == ["read started", "read finished", "readers closed", "write"]
    finally:
        access._closers.remove(close)


def test_a_read_waits_while_a_write_is_in_progress():
    events: list[str] = []
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        with access.writing():
            writing.set()
            release.wait(5)
            events.append("write finished")

    thread = threading.Thread(target=writer)
    thread.start()
    writing.wait(5)
    reader = threading.Thread(target=lambda: _read(events))
    reader.start()
    reader.join(0.2)
    assert reader.is_alive() and events == []
    release.set()
    thread.join(5)
    reader.join(5)
    assert events == ["write finished", "read"]


def test_reads_do_not_wait_for_each_other():
    with access.reading(), access.reading():
        pass  # a second read inside a first one would deadlock if reads excluded each other


def _write(events: list[str]) -> None:
    with access.writing():
        events.append("write")


def _read(events: list[str]) -> None:
    with access.reading():
        events.append("read")
