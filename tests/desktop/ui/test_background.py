"""Work on the worker thread: a bundle applied and a sync with a real server.

These run the executors threaded, as the app does, and wait for the
past-tense signals; the list must show what arrived without a restart.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import bundles
from desktop.desk import Desk
from desktop.store.store import Store
from desktop.ui import bridges, main_window
from desktop.ui.app import DeskApp
from tests.conftest import AGENT, REPO
from tests.desktop.ui.conftest import REQUESTER

BEA = "Bea Agent <bea@example.com>"


def subjects(app: DeskApp) -> list[str]:
    model = app.window.list_model
    return [model.row(i).subject for i in range(model.rowCount())]


@pytest.fixture
def threaded_app(qtbot, ui_data_dir: Path) -> Iterator[DeskApp]:
    app = DeskApp(ui_data_dir, threaded=True)
    window = app.build_window()
    qtbot.addWidget(window)
    window.queues.setCurrentIndex(
        window.queue_model.index(window.queue_model.row_of("all"))
    )
    qtbot.waitUntil(lambda: not app.reader.busy)
    yield app
    app.close()


def test_a_bundle_applied_in_the_background_updates_the_list(
    threaded_app: DeskApp, qtbot, tmp_path: Path
):
    other = tmp_path / "other"
    with Store(other) as store:
        Desk(store).set_agent(BEA)
        Desk(store).create(subject="Arrived by bundle", requester=REQUESTER)
        bundles.create(store, tmp_path / "x.bundle", None, [])
    with qtbot.waitSignal(threaded_app.service.bundle_applied, timeout=10_000):
        threaded_app.service.apply_bundle(tmp_path / "x.bundle")
    qtbot.waitUntil(lambda: "Arrived by bundle" in subjects(threaded_app))
    qtbot.waitUntil(
        lambda: threaded_app.window.shown_label.text() == "4 ticket(s)", timeout=5000
    )


def test_a_write_on_the_worker_thread_reports_ticket_saved(threaded_app, qtbot):
    window = threaded_app.window
    window.table.select_row(0)
    ticket = window.panel.ticket
    with qtbot.waitSignal(threaded_app.service.ticket_saved, timeout=10_000) as saved:
        threaded_app.service.edit(ticket, [("priority", "high")])
    assert saved.args[0]["doc"]["priority"] == "high"
    assert window.panel.priority.currentData() == "high"


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OFFDESK_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=True,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`offdesk serve --port 0` in a subprocess, with tokens for Ann and Bea."""
    if not bridges.sync_available():
        pytest.skip("sync is not installed in this tree")
    data = tmp_path / "server"
    tokens = {}
    for agent in (AGENT, BEA):
        out = _cli("server", "add-agent", agent, "--json", data=data)
        tokens[agent] = json.loads(out.stdout)["token"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env={**os.environ, "OFFDESK_DATA_DIR": str(data)},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://"), url
        yield url, tokens
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_background_sync_with_a_real_server_updates_the_list(
    server, qtbot, tmp_path: Path, ui_data_dir: Path, monkeypatch
):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    url, tokens = server
    bea_dir = tmp_path / "bea"
    with Store(bea_dir) as store:
        Desk(store).set_agent(BEA)
        bridges.set_remote(store, url, tokens[BEA])
        Desk(store).create(subject="Filed on Bea's laptop", requester=REQUESTER)
        bridges.sync(store)
    with Store(ui_data_dir) as store:
        bridges.set_remote(store, url, tokens[AGENT])

    app = DeskApp(ui_data_dir, threaded=True)
    try:
        window = app.build_window()
        qtbot.addWidget(window)
        window.queues.setCurrentIndex(
            window.queue_model.index(window.queue_model.row_of("all"))
        )
        assert window.sync_indicator.text().startswith("Never synced")
        with qtbot.waitSignal(app.service.sync_finished, timeout=30_000) as done:
            window.actions_by_name["sync"].trigger()
            assert window.sync_indicator.text().startswith("Syncing")
        assert "error" not in done.args[0], done.args[0]
        assert done.args[0]["received"] >= 1 and done.args[0]["sent"] >= 3
        qtbot.waitUntil(lambda: "Filed on Bea's laptop" in subjects(app))
        assert window.sync_indicator.text().startswith("Synced just now")
        assert any(
            s.startswith("#")
            for s in [
                window.list_model.row(i).ref
                for i in range(window.list_model.rowCount())
            ]
        )
    finally:
        app.close()


def test_a_sync_that_found_no_network_is_retried_soon_and_succeeds_once_back(
    server, qtbot, ui_data_dir: Path, monkeypatch
):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setattr(main_window, "RETRY_FIRST_MS", 300)
    url, tokens = server
    with Store(ui_data_dir) as store:
        bridges.set_remote(store, "http://127.0.0.1:9", tokens[AGENT])  # nobody there

    app = DeskApp(ui_data_dir, threaded=True)
    try:
        window = app.build_window()
        qtbot.addWidget(window)
        with qtbot.waitSignal(app.service.sync_finished, timeout=30_000) as failed:
            window.actions_by_name["sync"].trigger()
        assert "cannot reach" in failed.args[0]["error"]
        assert window.sync_indicator.state.offline
        assert window.retry_timer.isActive() and window.retry_timer.interval() == 300

        with Store(ui_data_dir) as store:  # the network is back
            bridges.set_remote(store, url, tokens[AGENT])
        with qtbot.waitSignal(app.service.sync_finished, timeout=30_000) as back:
            pass  # nothing clicked: the retry timer syncs
        assert "error" not in back.args[0], back.args[0]
        assert window.sync_indicator.text().startswith("Synced just now")
        assert not window.retry_timer.isActive()
    finally:
        app.close()
