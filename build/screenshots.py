"""Screenshots of the desktop app for review: light and dark, English and Chinese.

Usage: .venv/bin/python build/screenshots.py [OUT_DIR]   (default build/screenshots)

Builds a throw-away desk from the sample OSM notes, gives one ticket a
conversation, a branching history and a conflict (two replicas exchanging
bundles), then grabs the main window, the history graph, the conflicts panel
and the settings dialog offscreen. Chinese text needs a CJK font (Debian:
fonts-wqy-microhei); the script says so when none is installed.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop import bundles  # noqa: E402
from desktop.desk import Desk  # noqa: E402
from desktop.importer import import_file  # noqa: E402
from desktop.store.queries import TicketFilter, find  # noqa: E402
from desktop.store.store import Store  # noqa: E402
from desktop.ui import bridges, i18n, resources, theme  # noqa: E402
from desktop.ui.app import DeskApp  # noqa: E402
from desktop.ui.service import SAMPLE_MAPS  # noqa: E402

ANN = "Ann Agent <ann@example.com>"
BEA = "Bea Agent <bea@example.com>"
SIZE = (1440, 880)


def make_desk(root: Path) -> tuple[Path, str]:
    """A data dir with the samples, varied tickets, and one showcase ticket."""
    ours, theirs = root / "ann", root / "bea"
    with Store(ours) as store:
        desk = Desk(store)
        desk.set_agent(ANN)
        import_file(desk, resources.samples(), "csv", SAMPLE_MAPS, skip_bad=True)
        records = find(store, TicketFilter(sort="created"))
        for n, record in enumerate(records[:60]):
            ref = record["doc"]["id"]
            sets = [("status", ("open", "pending", "solved", "on_hold")[n % 4])]
            if n % 3 == 0:
                sets.append(("assignee", ANN))
            if n % 7 == 0:
                sets.append(("priority", "urgent" if n % 2 else "high"))
            desk.edit(ref, sets, ["map-data"] if n % 4 == 0 else [])
        showcase = records[-1]["doc"]["id"]
        desk.edit(showcase, [("status", "open"), ("assignee", ANN)], ["survey"])
        desk.comment(
            showcase,
            "Thanks for the note! We will check the junction on the next survey.",
            public=True,
        )
        desk.comment(showcase, "Imagery is from 2019; ask Bea.", public=False)
        bundles.create(store, root / "to-bea.bundle", None, [showcase])

    with Store(theirs) as store:
        Desk(store).set_agent(BEA)
        bundles.apply(store, root / "to-bea.bundle")
        Desk(store).edit(showcase, [("priority", "high")], ["needs-imagery"])
        Desk(store).comment(
            showcase, "Checked the 2023 imagery: road is there.", public=False
        )
        Desk(store).edit(showcase, [("subject", "Junction missing on the main road")])
        bundles.create(store, root / "to-ann.bundle", None, [])

    with Store(ours) as store:
        Desk(store).edit(showcase, [("subject", "Main road junction not mapped")])
        Desk(store).edit(showcase, [("group", "mapping")])
        bundles.apply(store, root / "to-ann.bundle")
    return ours, showcase


def grab(widget: QWidget, path: Path) -> None:
    # Layouts settle over several turns of the event loop (a panel fits its
    # fields after the ticket shows): shoot what an agent would see.
    settled = time.monotonic() + 0.3
    while time.monotonic() < settled:
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def shoot(app: QApplication, data: Path, showcase: str, out: Path) -> None:
    translators: list = []
    for language in ("en", "zh_CN"):
        for scheme in ("light", "dark"):
            for t in translators:
                QCoreApplication.removeTranslator(t)
            translators = i18n.install(app, language)
            theme.apply(
                app, Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light
            )
            desk = DeskApp(data, threaded=False)
            window = desk.build_window()
            window.show()
            window.resize(*SIZE)
            window.splitter.setSizes([190, 690, 560])
            window.queues.setCurrentIndex(
                window.queue_model.index(window.queue_model.row_of("open"))
            )
            window.table.select_ticket(showcase)
            window.panel.reply.setPlainText(
                "Hello! Could you tell us which side of the river?"
                if language == "en"
                else "你好！请问是在河的哪一边？"
            )
            suffix = f"{scheme}-{language}"
            grab(window, out / f"main-{suffix}.png")
            if language == "en" or scheme == "light":
                window.tabs.setCurrentWidget(window.history_panel)
                window.history_panel.select_rows(
                    [0, window.history_model.rowCount() - 2]
                )
                grab(window, out / f"history-{suffix}.png")
                window.tabs.setCurrentWidget(window.conflicts_panel)
                grab(window, out / f"conflicts-{suffix}.png")
                settings = _settings(window)
                settings.show()
                grab(settings, out / f"settings-{suffix}.png")
                settings.close()
            desk.drafts.discard(showcase)
            desk.close()


def _settings(window) -> QWidget:  # noqa: ANN001
    from desktop.ui.dialogs.settings import SettingsDialog
    from desktop.ui.settings_flow import current_values

    values = current_values(window)
    if not values.stages and window.pipeline is None:
        values.server_url = "https://desk.example.com"
    return SettingsDialog(
        values,
        sync_available=bridges.sync_available(),
        pipeline_available=window.pipeline is not None,
        parent=window,
    )


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    if not any(
        "CJK" in f or "Hei" in f or "Noto Sans SC" in f
        for f in QFontDatabase.families()
    ):
        print(
            "no CJK font found: Chinese text will show as boxes "
            "(Debian: apt-get install fonts-wqy-microhei)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory() as tmp:
        data, showcase = make_desk(Path(tmp))
        shoot(app, data, showcase, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
