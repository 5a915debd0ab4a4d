"""Dialogs: first run with the samples, import with progress, settings, crash."""

import json
from pathlib import Path

from desktop.store.store import Store
from desktop.ui import resources
from desktop.ui.app import DeskApp
from desktop.ui.dialogs.crash import CrashDialog
from desktop.ui.dialogs.first_run import FirstRunDialog
from desktop.ui.dialogs.import_dialog import ImportDialog
from desktop.ui.dialogs.settings import SettingsDialog, SettingsValues
from desktop.ui.service import SAMPLE_MAPS


def test_first_run_refuses_an_identity_without_a_name(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.agent.setText("ann@example.com")
    dialog._accept()
    assert dialog.result() == 0
    assert "Name <email>" in dialog.problem.text()
    dialog.agent.setText("Ann Agent <ann@example.com>")
    dialog._accept()
    assert dialog.result() == 1


def test_the_sample_notes_import_with_progress(qtbot, tmp_path: Path):
    app = DeskApp(tmp_path / "fresh", threaded=False)
    try:
        progress: list[tuple[int, int]] = []
        app.service.import_progressed.connect(lambda d, t: progress.append((d, t)))
        app.service.set_agent("Ann Agent <ann@example.com>")
        with qtbot.waitSignal(app.service.import_finished) as done:
            app.service.import_file(resources.samples(), "csv", SAMPLE_MAPS)
        assert done.args[0]["imported"] == 300
        assert done.args[0]["skipped"] == []
        assert progress[-1] == (300, 300) and len(progress) > 1
        doc = next(iter(_docs(app.store)))
        assert doc["custom"]["osm_note"] and doc["custom"]["country"]
    finally:
        app.close()


def test_import_dialog_cancel_keeps_finished_batches(
    qtbot, desk_app: DeskApp, tmp_path: Path
):
    dialog = ImportDialog(desk_app.service, desk_app.window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(resources.samples()))
    dialog.maps.setPlainText("\n".join(SAMPLE_MAPS))
    desk_app.service.import_progressed.connect(lambda *_: dialog._cancel())
    dialog.begin()
    assert "Imported 200 ticket(s)." in dialog.result.text()
    assert "Cancelled" in dialog.result.text()
    assert not dialog.running


def test_an_import_of_a_missing_file_says_so_and_ends(qtbot, desk_app: DeskApp):
    dialog = ImportDialog(desk_app.service, desk_app.window)
    qtbot.addWidget(dialog)
    dialog.path.setText("/nonexistent/tickets.csv")
    dialog.begin()
    assert not dialog.running
    assert "no such file" in desk_app.window.banner.message
    assert "Nothing was imported" in dialog.result.text()


def test_the_import_dialog_lists_skipped_rows_by_line_and_keeps_text_whole(
    qtbot, desk_app: DeskApp, tmp_path: Path
):
    """The window imports in batches through the same reader as the CLI: a
    U+2028 inside a JSON string stays in its ticket, and each bad row is named
    by its line in the file."""
    path = tmp_path / "tickets.jsonl"
    good = {
        "subject": "Two lines",
        "description": "first\u2028second",
        "requester": "Bob <bob@example.com>",
    }
    bad = {"subject": "No such status", "requester": "b@example.com", "status": "x"}
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in (good, bad, good)) + "\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(desk_app.service, desk_app.window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(path))
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    with qtbot.waitSignal(desk_app.service.import_finished):
        dialog.begin()

    text = dialog.result.text()
    assert "Imported 2 ticket(s)." in text
    assert "1 row(s) skipped:" in text and "line 2: status:" in text
    from desktop.store.queries import TicketFilter, find

    found = find(desk_app.store, TicketFilter(search="lines"))
    assert [r["doc"]["description"] for r in found] == ["first\u2028second"] * 2


def test_settings_dialog_reorders_and_toggles_pipeline_stages(qtbot):
    values = SettingsValues(
        agent="Ann <ann@example.com>",
        stages=[("validate", True), ("routing", True), ("sla", False)],
    )
    dialog = SettingsDialog(values, sync_available=True, pipeline_available=True)
    qtbot.addWidget(dialog)
    dialog.stages.setCurrentRow(2)
    dialog._move(-1)
    dialog.interval.setValue(15)
    after = dialog.values()
    assert after.stages == [("validate", True), ("sla", False), ("routing", True)]
    assert after.sync_minutes == 15 and after.agent == "Ann <ann@example.com>"


def test_crash_dialog_shows_the_details(qtbot):
    dialog = CrashDialog("Traceback ...\nValueError: boom")
    qtbot.addWidget(dialog)
    assert "ValueError: boom" in dialog.details.toPlainText()


def _docs(store: Store) -> list[dict]:
    from desktop.store.queries import TicketFilter, find

    return [r["doc"] for r in find(store, TicketFilter(limit=5))]


def test_escape_during_an_import_cancels_it_and_keeps_the_dialog_up(
    qtbot, desk_app: DeskApp
):
    dialog = ImportDialog(desk_app.service, desk_app.window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(resources.samples()))
    dialog.maps.setPlainText("\n".join(SAMPLE_MAPS))
    dialog.show()
    desk_app.service.import_progressed.connect(lambda *_: dialog.reject())

    dialog.begin()

    assert "Cancelled" in dialog.result.text()
    assert dialog.isVisible() and not dialog.running
    dialog.reject()  # once stopped, Esc closes it
    assert not dialog.isVisible()
