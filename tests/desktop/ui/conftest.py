"""UI test setup: offscreen Qt, English, synchronous executors unless a test asks.

Qt warnings fail tests (`qt_log_level_fail = WARNING` in pyproject.toml).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["OFFDESK_LANG"] = "en"
os.environ["OFFDESK_COLOR_SCHEME"] = "light"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop.desk import Desk  # noqa: E402
from desktop.store.store import Store  # noqa: E402
from tests.conftest import AGENT  # noqa: E402

REQUESTER = "Rita Requester <rita@example.com>"


@pytest.fixture
def ui_data_dir(tmp_path: Path) -> Path:
    """A data dir with an agent and three tickets."""
    data = tmp_path / "ui-data"
    with Store(data) as store:
        desk = Desk(store)
        desk.set_agent(AGENT)
        desk.create(subject="Printer on fire", requester=REQUESTER, body="Smoke")
        desk.create(subject="VPN drops every hour", requester=REQUESTER, tags=["vpn"])
        desk.create(subject="New laptop for Bob", requester="Bob <bob@example.com>")
    return data


@pytest.fixture
def desk_app(qtbot, ui_data_dir: Path) -> Iterator["DeskApp"]:  # noqa: F821
    """The whole app on `ui_data_dir`, tasks run inline, window shown."""
    from desktop.ui.app import DeskApp

    app = DeskApp(ui_data_dir, threaded=False)
    window = app.build_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield app
    app.close()
