"""Start-up paints before it tidies memory; quitting waits for writes, not reads;
bulk jobs keep the collector from freezing the window."""

import gc
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from desktop.store.store import Store
from desktop.ui import app as app_module
from desktop.ui.app import DeskApp, show_window
from desktop.ui.executor import Executor, Job, in_bulk

#: A read that takes about ten seconds unless interrupted.
LONG_READ = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < 30000000) SELECT count(*) FROM n"
)


class Events(QObject):
    """Records when a widget painted and when it was hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.painted = 0
        self.hidden_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted += 1
        elif event.type() == QEvent.Type.Hide and self.hidden_at is None:
            self.hidden_at = time.monotonic()
        return False


def test_memory_is_settled_only_after_the_window_first_painted(
    qtbot, ui_data_dir: Path, monkeypatch
):
    events = Events()
    painted_before: list[int] = []
    monkeypatch.setattr(
        app_module, "settle_memory", lambda: painted_before.append(events.painted)
    )
    desk = DeskApp(ui_data_dir, threaded=False)
    try:
        window = desk.build_window
        monkeypatch.setattr(
            desk, "build_window", lambda: _watched(window(), events, qtbot)
        )
        show_window(desk)
        assert painted_before == []
        qtbot.waitUntil(lambda: painted_before != [])
        assert painted_before[0] >= 1
    finally:
        desk.close()


def _watched(window, events: Events, qtbot):  # noqa: ANN001, ANN202
    qtbot.addWidget(window)
    window.installEventFilter(events)
    return window


def test_quitting_interrupts_a_long_read_and_drops_queued_ones(tmp_path: Path):
    reader = Executor(tmp_path, read_only=True, name="reader")
    started = threading.Event()
    ran: list[str] = []

    def long_read(job: Job) -> int:
        started.set()
        return job.store.db.execute(LONG_READ).fetchall()[0][0]

    reader.submit(long_read, ran.append)
    reader.submit(lambda job: ran.append("queued"))
    assert started.wait(10)
    begun = time.monotonic()
    reader.shutdown()
    assert time.monotonic() - begun < 2
    assert ran == []


def test_quitting_hides_the_window_then_finishes_every_write(qtbot, ui_data_dir: Path):
    desk = DeskApp(ui_data_dir, threaded=True)
    window = desk.build_window()
    qtbot.addWidget(window)
    events = Events()
    window.installEventFilter(events)
    window.show()
    qtbot.waitExposed(window)
    writing = threading.Event()
    finished: list[float] = []

    def slow_write(job: Job) -> None:
        writing.set()
        time.sleep(0.3)
        job.store.set_setting("test.first", 1)
        finished.append(time.monotonic())

    desk.writer.submit(slow_write)
    desk.writer.submit(lambda job: job.store.set_setting("test.second", 2))
    assert writing.wait(10)
    desk.close()
    assert events.hidden_at is not None and events.hidden_at < finished[0]
    reopened = DeskApp(ui_data_dir, threaded=False)
    try:
        assert reopened.store.setting("test.first") == 1
        assert reopened.store.setting("test.second") == 2
    finally:
        reopened.close()


def test_bulk_jobs_hold_the_collector_off_until_the_last_one_ends(
    qtbot, tmp_path: Path
):
    """Two bulk jobs overlap on two workers: collection stays off until both end,
    then comes back; a job that raises gives it back too."""
    Store(tmp_path).close()  # made once, before two workers open it
    first = Executor(tmp_path, name="first")
    second = Executor(tmp_path, name="second")
    both_running = threading.Barrier(3, timeout=10)
    first_may_end = threading.Event()
    seen: dict[str, bool] = {}

    def long_job(job: Job) -> None:
        both_running.wait()
        first_may_end.wait(10)
        seen["first, before ending"] = gc.isenabled()

    def short_job(job: Job) -> None:
        both_running.wait()
        seen["second"] = gc.isenabled()

    def failing_job(job: Job) -> None:
        seen["failing"] = gc.isenabled()
        raise RuntimeError("disk on fire")

    assert gc.isenabled()
    try:
        first.submit(in_bulk(long_job))
        second.submit(in_bulk(short_job))
        both_running.wait()
        second.shutdown()  # its job is done; the first one still runs
        assert not gc.isenabled()
        first_may_end.set()
        first.submit(in_bulk(failing_job), on_error=lambda e: None)
    finally:
        first.shutdown()
    assert seen == {"second": False, "first, before ending": False, "failing": False}
    assert gc.isenabled()
