"""`offdesk` with no command: the application, from QApplication to the last close.

`DeskApp` assembles the parts (the read store, the writer and reader
executors, the service, the window) so tests and the benchmark build exactly
what an agent gets; `main` adds what only a real run needs: logging to a
file, the translation, the colour scheme, the crash dialog and first run.
"""

import gc
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop import datadir
from desktop.errors import UserError
from desktop.store.store import Store
from desktop.ui import bridges, i18n, logs, resources, theme
from desktop.ui.drafts import DraftBook
from desktop.ui.executor import Executor
from desktop.ui.main_window import MainWindow
from desktop.ui.service import SAMPLE_MAPS, DeskService

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

#: A file path: the app writes the time its window first painted there and
#: quits. tests/bench/bench_frozen.py times start-up with it.
STARTUP_MARKER = "OFFDESK_STARTUP_MARKER"


#: How long a thread keeps the GIL while another waits for it (Python: 5 ms).
GIL_TURN_S = 0.001


class DeskApp:
    """Everything one window needs, built on a data dir, closed in order."""

    def __init__(
        self,
        data_dir: Path,
        *,
        threaded: bool = True,
        settings: QSettings | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        if threaded:
            # Every cell the list paints calls into Python and must take the
            # GIL from whichever worker holds it; by default a worker keeps
            # it for up to 5 ms a time, and a repaint of 200 cells could wait
            # for many such turns. Shorter turns keep the window responsive.
            sys.setswitchinterval(GIL_TURN_S)
        self.store = Store(self.data_dir)
        self.settings = settings or QSettings(
            str(self.data_dir / "ui.ini"), QSettings.Format.IniFormat
        )
        self.writer = Executor(self.data_dir, threaded=threaded, name="writer")
        self.reader = Executor(
            self.data_dir, threaded=threaded, read_only=True, name="reader"
        )
        self.lister = Executor(
            self.data_dir, threaded=threaded, read_only=True, name="lister"
        )
        self.service = DeskService(self.writer)
        self.drafts = DraftBook(self.data_dir)
        self.window: MainWindow | None = None

    @property
    def has_agent(self) -> bool:
        return bool(self.store.setting("agent"))

    def build_window(self) -> MainWindow:
        self.window = MainWindow(
            self.store,
            self.service,
            self.reader,
            self.drafts,
            self.settings,
            lister=self.lister,
            sync_available=bridges.sync_available(),
            pipeline=bridges.pipeline(),
        )
        return self.window

    def close(self) -> None:
        """Hide the window first, then wait only for what must finish: writes."""
        if self.window is not None:
            self.window.close()
            QGuiApplication.sync()
        self.reader.shutdown()
        self.lister.shutdown()
        self.writer.shutdown()
        self.store.close()


def main(data_dir: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Offdesk")
    app.setOrganizationName("Offdesk")
    directory = datadir.resolve(data_dir)
    logs.configure(directory)
    prefs = QSettings(str(directory / "ui.ini"), QSettings.Format.IniFormat)
    translators = i18n.install(app, i18n.choose(str(prefs.value("ui/language", ""))))
    theme.follow_system(app, str(prefs.value("ui/scheme", "")))
    try:
        desk = DeskApp(directory, settings=prefs)
    except UserError as e:
        QMessageBox.critical(None, translate("App", "Offdesk cannot start"), str(e))
        return 1
    install_crash_handler(desk)

    def start(*_: object) -> None:
        if desk.window is None:
            show_window(desk)
            log.info("window shown on %s", directory)

    if desk.has_agent:
        start()
    elif not first_run(desk, start):
        desk.close()
        return 0
    code = app.exec()
    desk.close()
    del translators
    return int(code)


def show_window(desk: DeskApp) -> MainWindow:
    """Build and show the window; the full collection waits for its first paint,
    so the agent sees the window that much sooner."""
    window = desk.build_window()
    AfterFirstPaint(window, settle_memory)
    marker = os.environ.get(STARTUP_MARKER)
    if marker:
        AfterFirstPaint(window, lambda: mark_started(Path(marker)))
    window.show()
    return window


class AfterFirstPaint(QObject):
    """Calls `then` once the widget's first paint has been flushed to the screen."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.then)  # once the paint has been flushed
        return False


def mark_started(marker: Path) -> None:
    """Write the wall-clock time of the first paint to `marker`, then quit.

    Start-up is measured from spawning the process to this moment, the one an
    agent waits for: the window on screen, not just constructed.
    """
    marker.write_text(f"{time.time():.6f}\n")
    QCoreApplication.quit()


def settle_memory() -> None:
    """Move what start-up created out of the cyclic collector's way.

    A full collection walks every tracked object and holds the GIL while it
    does; with the modules and Qt wrappers frozen it walks only what the
    session made since, so a worker's burst of allocations (a bundle applied)
    does not freeze the window for a collection of everything.
    """
    gc.collect()
    gc.freeze()


def first_run(desk: DeskApp, start: Callable[[str], None]) -> bool:
    """Ask who the agent is and offer the sample tickets; False if cancelled.

    The window opens once the identity is stored (`agent_saved`); the samples
    import runs after it on the worker and the list fills in when it ends.
    """
    from desktop.ui.dialogs.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    if not dialog.exec():
        return False
    desk.service.agent_saved.connect(start)
    desk.service.set_agent(dialog.agent.text())
    if dialog.samples.isChecked() and resources.samples().exists():
        desk.service.import_file(resources.samples(), "csv", SAMPLE_MAPS)
    return True


def install_crash_handler(desk: DeskApp) -> None:
    """Environment errors that escape go to the banner; bugs to the crash dialog."""

    def hook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        if isinstance(error, UserError) and desk.window is not None:
            desk.window.banner.show_message(str(error))
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        from desktop.ui.dialogs.crash import CrashDialog

        details = "".join(traceback.format_exception(kind, error, tb))
        details += "\n--- log ---\n" + logs.tail(80)
        CrashDialog(details, desk.window).exec()

    sys.excepthook = hook


def self_test(data_dir: Path) -> str:
    """Open the real window offscreen on a fresh data dir and close it again.

    Used by `offdesk --self-test`, so a frozen build proves its Qt plugins,
    translations and resources load, not just its Python modules.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    desk = DeskApp(data_dir, threaded=False)
    try:
        desk.store.set_setting("agent", "Self Test <self-test@example.invalid>")
        window = desk.build_window()
        window.show()
        app.processEvents()
        shown = window.isVisible()
    finally:
        desk.close()
    if not shown:
        raise RuntimeError("the main window did not show")
    return "window shown and closed"
