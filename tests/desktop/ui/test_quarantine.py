"""The quarantine dialog: held changes listed, retried into tickets, or dropped."""

import pytest

from desktop.ticket import Person, new_document, now_iso
from desktop.ui import bridges
from desktop.ui.app import DeskApp
from tests.conftest import AGENT

pytestmark = pytest.mark.skipif(
    bridges.pipeline() is None, reason="the pipeline is not installed in this tree"
)


def _hold(app: DeskApp, subject: str) -> None:
    from desktop.pipeline import quarantine
    from desktop.pipeline.change import Change, Origin, Outcome

    doc = new_document(
        subject=subject, requester=Person("Rita", None), provisional="IMPORT-1"
    )
    change = Change.create(doc, Origin.IMPORT, AGENT, now_iso())
    with app.store.write():
        quarantine.hold(app.store, change, Outcome(False, "routing", "no route fits"))


def _dialog(app: DeskApp, qtbot):
    from desktop.ui.dialogs.quarantine import QuarantineDialog
    from desktop.ui.models.quarantine import QuarantineModel

    def load():
        return [i.to_json() for i in bridges.quarantined(app.store)]

    model = QuarantineModel()
    model.set_items(load())
    dialog = QuarantineDialog(model, app.service, load, app.window)
    qtbot.addWidget(dialog)
    return dialog


def test_quarantine_model_passes_the_model_tester(
    qtmodeltester, desk_app: DeskApp, qtbot
):
    _hold(desk_app, "Held for a rule")
    dialog = _dialog(desk_app, qtbot)
    qtmodeltester.check(dialog.model, force_py=True)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == "routing"


def test_a_retried_change_becomes_a_ticket(desk_app: DeskApp, qtbot):
    _hold(desk_app, "Held then retried")
    window = desk_app.window
    assert window.pipeline is not None
    dialog = _dialog(desk_app, qtbot)
    dialog.view.selectRow(0)
    dialog.retry.click()
    assert dialog.model.rowCount() == 0
    assert bridges.quarantine_count(desk_app.store) == 0
    from desktop.store.queries import TicketFilter, find

    found = find(desk_app.store, TicketFilter(search="retried"))
    assert [r["doc"]["subject"] for r in found] == ["Held then retried"]


def test_a_dropped_change_leaves_the_quarantine(desk_app: DeskApp, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    _hold(desk_app, "Held then dropped")
    dialog = _dialog(desk_app, qtbot)
    dialog.view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("spam", True))
    dialog.drop.click()
    assert dialog.model.rowCount() == 0
    assert "Dropped" in dialog.outcome.text()


def test_settings_turn_and_reorder_pipeline_stages(desk_app: DeskApp):
    from desktop.ui.dialogs.settings import SettingsValues
    from desktop.ui.settings_flow import apply, current_values

    window = desk_app.window
    before = current_values(window)
    names = [name for name, _ in before.stages]
    assert len(names) >= 3
    wanted = [(names[1], True), (names[0], False), *[(n, True) for n in names[2:]]]
    apply(window, before, SettingsValues(**{**before.__dict__, "stages": wanted}))
    assert bridges.stages(desk_app.store) == wanted


def test_after_a_drop_the_next_held_change_is_ready_to_act_on(
    desk_app: DeskApp, qtbot, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    _hold(desk_app, "First held")
    _hold(desk_app, "Second held")
    dialog = _dialog(desk_app, qtbot)
    dialog.view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("spam", True))
    dialog.drop.click()

    assert dialog.model.rowCount() == 1
    assert dialog.retry.isEnabled() and dialog.drop.isEnabled()
    assert "held" in dialog.details.toPlainText()
