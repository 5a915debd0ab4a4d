"""Runs store work off the GUI thread, one task at a time, in the order submitted.

The Store is not thread-safe, so the worker thread opens its own and keeps it
for its whole life; the GUI thread keeps a separate read-only one (SQLite WAL
lets it read while the worker writes). A task is a function of a `Job`; its
result or exception comes back to the GUI thread by signal and is handed to
the callbacks given at submission. Tests pass `threaded=False` to run tasks
inline, so a click's effect is visible the moment the click returns.

Shutting down waits for the worker's writes, every one submitted; an executor
made `read_only` instead interrupts its running query and drops the queued
ones, as a recount or a page nobody will see must not keep the app from
quitting (sorting a million tickets by subject reads for over a second).
"""

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.bulk import collector_held
from desktop.desk import Desk
from desktop.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class Job:
    """What a task gets: the worker's Desk, a way to report progress, a cancel flag."""

    id: int
    desk: Desk
    report: Callable[[int, int], None]
    cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def store(self) -> Store:
        return self.desk.store


Task = Callable[[Job], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def in_bulk(task: Task) -> Task:
    """`task`, run with the cyclic garbage collector held off until it ends
    (see `desktop.bulk`): a full collection during a bulk job would freeze
    the window for as long as it walks the job's objects."""

    def run(job: Job) -> Any:
        with collector_held():
            return task(job)

    return run


class _Worker(QObject):
    """Lives on the worker thread; owns that thread's Store.

    Signals:
        finished(int, object): a job's result.
        failed(int, object): the exception a job raised.
        progressed(int, int, int): a job's done and total counts.
    """

    finished = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int)

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.read_only = read_only
        self.own_thread = False
        self._store: Store | None = None
        #: Set from the GUI thread at shutdown: jobs not started yet are skipped.
        self.dropping = threading.Event()

    @Slot(int, object, object)
    def run(self, job_id: int, task: Task, cancelled: threading.Event) -> None:
        if self.dropping.is_set():
            return
        try:
            if self._store is None:
                self._store = Store(self.data_dir)
                if self.read_only:
                    # SQLite asks every few thousand steps whether to go on:
                    # a query started a moment after shutdown still stops.
                    self._store.db.set_progress_handler(self.dropping.is_set, 10_000)
            job = Job(
                job_id,
                Desk(self._store),
                lambda done, total: self.progressed.emit(job_id, done, total),
                cancelled,
            )
            result = task(job)
        except Exception as e:  # handed to the GUI thread, which decides
            self.failed.emit(job_id, e)
        else:
            self.finished.emit(job_id, result)

    @Slot()
    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self.own_thread:
            QThread.currentThread().quit()


class Executor(QObject):
    """Submits tasks to a worker thread (or runs them inline) and reports back.

    Signals:
        task_finished(int, object): a job ended with this result.
        task_failed(int, object): a job raised this exception.
        task_progressed(int, int, int): a job reported done of total.
        idled(): no job is waiting or running any more.
    """

    task_finished = Signal(int, object)
    task_failed = Signal(int, object)
    task_progressed = Signal(int, int, int)
    idled = Signal()

    _submitted = Signal(int, object, object)
    _closing = Signal()

    def __init__(
        self,
        data_dir: Path,
        *,
        threaded: bool = True,
        read_only: bool = False,
        name: str = "worker",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.threaded = threaded
        self.read_only = read_only
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._cancels: dict[int, threading.Event] = {}
        self._worker = _Worker(Path(data_dir), read_only=read_only)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.progressed.connect(self.task_progressed)
        self._thread: QThread | None = None
        if threaded:
            self._thread = QThread()
            self._thread.setObjectName(f"offdesk-{name}")
            self._worker.moveToThread(self._thread)
            self._worker.own_thread = True
            self._submitted.connect(self._worker.run)
            self._closing.connect(self._worker.close)
            self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def submit(
        self, task: Task, on_done: Done | None = None, on_error: Failed | None = None
    ) -> int:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        cancelled = threading.Event()
        self._cancels[job_id] = cancelled
        if self.threaded:
            self._submitted.emit(job_id, task, cancelled)
        else:
            self._worker.run(job_id, task, cancelled)
        return job_id

    def cancel(self, job_id: int) -> None:
        """Ask a running job to stop at its next check; it decides what is kept."""
        event = self._cancels.get(job_id)
        if event is not None:
            event.set()

    def shutdown(self) -> None:
        """Close the worker's store and thread once its work is done or dropped.

        Writes all run, the one running and the queued ones, so nothing an
        agent saved is lost; a long job (an import) stops at its next check of
        the cancel flag. A read-only executor's results have nobody left to
        show them to, so its queued jobs are skipped and the running one is
        interrupted.
        """
        for event in self._cancels.values():
            event.set()
        if self.read_only:
            self._callbacks.clear()
            self._worker.dropping.set()
        if self._thread is not None:
            self._closing.emit()
            self._thread.wait()
            self._thread = None
        else:
            self._worker.close()

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        on_done, _ = self._pop(job_id)
        if on_done is not None:
            on_done(result)
        self.task_finished.emit(job_id, result)
        self._maybe_idle()

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        _, on_error = self._pop(job_id)
        assert isinstance(error, BaseException)
        if on_error is not None:
            on_error(error)
        self.task_failed.emit(job_id, error)
        self._maybe_idle()

    def _pop(self, job_id: int) -> tuple[Done | None, Failed | None]:
        self._cancels.pop(job_id, None)
        return self._callbacks.pop(job_id, (None, None))

    def _maybe_idle(self) -> None:
        if not self._callbacks:
            self.idled.emit()
