"""`offdesk` with no command opens the window; commands never load Qt."""

import os
import subprocess
import sys

from desktop import cli
from tests.conftest import REPO


def test_no_command_opens_the_window(monkeypatch, tmp_path):
    from desktop.ui import app

    opened = []
    monkeypatch.setattr(app, "main", lambda data_dir: opened.append(data_dir) or 0)
    assert cli.main(["--data-dir", str(tmp_path)]) == 0
    assert opened == [str(tmp_path)]


def test_cli_commands_do_not_import_qt():
    code = (
        "import sys, desktop.cli; "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO
    )
    assert out.stdout.strip() == "False"


def test_help_still_prints_usage():
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 0 and "usage: offdesk" in out.stdout


def test_the_app_starts_and_quits_offscreen(tmp_path):
    """The real entry point, in a subprocess: window shown, then closed cleanly."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "QTimer.singleShot(300, app.closeAllWindows)\n"
        "from desktop.desk import Desk\n"
        "from desktop.store.store import Store\n"
        f"with Store({str(tmp_path)!r}) as s: Desk(s).set_agent('A <a@example.com>')\n"
        "from desktop.ui.app import main\n"
        f"sys.exit(main({str(tmp_path)!r}))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "OFFDESK_LANG": "zh_CN"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "logs" / "offdesk.log").read_text().count("window shown") == 1
