"""An agent's day in the window: create, find, reply, edit, resolve, move around."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop import bundles
from desktop.desk import Desk
from desktop.store.store import Store
from desktop.ui.app import DeskApp
from desktop.ui.main_actions import shortcut_table
from tests.conftest import AGENT
from tests.desktop.ui.conftest import REQUESTER


def subjects(app: DeskApp) -> list[str]:
    model = app.window.list_model
    return [model.row(i).subject for i in range(model.rowCount())]


def choose_queue(app: DeskApp, key: str) -> None:
    window = app.window
    window.queues.setCurrentIndex(
        window.queue_model.index(window.queue_model.row_of(key))
    )


def test_a_created_ticket_appears_in_the_list_and_opens(desk_app: DeskApp):
    window = desk_app.window
    choose_queue(desk_app, "all")
    desk_app.service.create(subject="Coffee machine leaks", requester=REQUESTER)
    assert subjects(desk_app)[0] == "Coffee machine leaks"
    assert window.panel.subject.text() == "Coffee machine leaks"
    assert "(provisional)" in window.panel.ref_label.text()


def test_the_new_ticket_dialog_creates_a_ticket(desk_app: DeskApp, qtbot, monkeypatch):
    from desktop.ui.dialogs.new_ticket import NewTicketDialog

    def fill_and_accept(dialog: NewTicketDialog) -> int:
        qtbot.keyClicks(dialog.subject, "Mouse double-clicks")
        qtbot.keyClicks(dialog.requester, "bob@example.com")
        assert dialog.ok.isEnabled()
        return 1

    monkeypatch.setattr(NewTicketDialog, "exec", fill_and_accept)
    desk_app.window.actions_by_name["newTicket"].trigger()
    assert "Mouse double-clicks" in subjects(desk_app)


def test_typing_in_the_search_box_narrows_the_list(desk_app: DeskApp, qtbot):
    window = desk_app.window
    choose_queue(desk_app, "all")
    assert len(subjects(desk_app)) == 3
    qtbot.keyClicks(window.search, "print")
    qtbot.waitUntil(lambda: subjects(desk_app) == ["Printer on fire"], timeout=2000)
    window.search.clear()
    qtbot.keyClicks(window.search, "tag:vpn")
    qtbot.waitUntil(lambda: subjects(desk_app) == ["VPN drops every hour"])
    qtbot.waitUntil(lambda: window.shown_label.text() == "1 ticket(s)")


def test_searching_recounts_the_list_but_only_an_edit_recounts_the_queues(
    desk_app: DeskApp, qtbot, monkeypatch
):
    from desktop.ui import pager

    window = desk_app.window
    counted = []
    real_count = pager.count
    monkeypatch.setattr(
        pager,
        "count",
        lambda store, query: counted.append(query) or real_count(store, query),
    )
    window.search.setText("print")
    window.apply_search()
    assert counted == []  # not while the agent may still be typing
    qtbot.waitUntil(lambda: window.shown_label.text() == "1 ticket(s)")
    assert len(counted) == 1

    counted.clear()
    desk_app.service.edit(window.list_model.ticket_id(0), [("status", "pending")])
    listed = [q for q in window.queue_model.queues() if not q.special]
    assert len(counted) == len(listed) + 1
    pending = window.queue_model.index(window.queue_model.row_of("pending"))
    assert pending.data(Qt.ItemDataRole.UserRole + 1) == 1


def test_a_search_the_box_cannot_read_is_shown_beside_it(desk_app: DeskApp):
    window = desk_app.window
    window.search.setText("status:bogus printer")
    window.apply_search()
    assert window.search_hint.isVisibleTo(window)
    assert "status:bogus" in window.search_hint.text()
    assert subjects(desk_app) == ["Printer on fire"]


def test_reply_and_internal_note_are_stored_and_shown_apart(desk_app: DeskApp, qtbot):
    window = desk_app.window
    window.table.select_row(0)
    panel = window.panel
    ticket = panel.ticket
    qtbot.keyClicks(panel.reply, "We are on it")
    qtbot.keyClick(panel.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.reply.toPlainText() == ""
    panel.internal.setChecked(True)
    assert panel.send.text() == "Add note"
    qtbot.keyClicks(panel.reply, "Customer sounded upset")
    qtbot.mouseClick(panel.send, Qt.MouseButton.LeftButton)

    comments = list(desk_app.store.ticket_record(ticket)["doc"]["comments"].values())
    assert sorted((c["body"], c["public"]) for c in comments) == [
        ("Customer sounded upset", False),
        ("We are on it", True),
    ]
    html = panel.conversation.toHtml()
    assert "Reply by Ann Agent" in html and "Internal note by Ann Agent" in html
    assert not panel.internal.isChecked()


def test_editing_a_field_adds_a_snapshot_to_the_history(desk_app: DeskApp, qtbot):
    window = desk_app.window
    window.table.select_row(0)
    panel = window.panel
    assert window.history_model.rowCount() == 1
    panel.status.setCurrentIndex(panel.status.findData("pending"))
    panel.status.activated.emit(panel.status.currentIndex())
    assert window.history_model.rowCount() == 2
    assert window.history_model.index(0, 1).data() == "status=pending"
    panel.edits["assignee"].setText("ann")
    panel.edits["assignee"].editingFinished.emit()
    assert window.history_model.rowCount() == 3
    record = desk_app.store.ticket_record(panel.ticket)
    assert record["doc"]["status"] == "pending"
    assert record["doc"]["assignee"] == "ann"


def test_tags_typed_in_the_panel_are_added_and_removed(desk_app: DeskApp):
    window = desk_app.window
    choose_queue(desk_app, "all")
    window.search.setText("tag:vpn")
    window.apply_search()
    window.table.select_row(0)
    window.panel.tags.setText("network urgent-ish")
    window.panel.tags.editingFinished.emit()
    doc = desk_app.store.ticket_record(window.panel.ticket)["doc"]
    assert sorted(doc["tags"]) == ["network", "urgent-ish"]


def test_a_refused_edit_shows_a_sentence_in_the_banner(desk_app: DeskApp):
    window = desk_app.window
    window.table.select_row(0)
    window.panel.edits["requester_email"].setText("not-an-address")
    window.panel.edits["requester_email"].editingFinished.emit()
    assert "is not an e-mail address" in window.banner.message
    assert window.banner.message.endswith(".")


def test_history_diff_and_revert(desk_app: DeskApp):
    window = desk_app.window
    window.table.select_row(0)
    ticket = window.panel.ticket
    desk_app.service.edit(ticket, [("priority", "urgent")])
    desk_app.service.edit(ticket, [("group", "hardware")])
    panel = window.history_panel
    panel.select_rows([0, 2])
    text = panel.diff.toPlainText()
    assert "~ priority: normal → urgent" in text
    assert "~ group: (empty) → hardware" in text
    panel.select_rows([1])
    assert panel.revert.isEnabled()
    panel.revert.click()
    doc = desk_app.store.ticket_record(ticket)["doc"]
    assert doc["priority"] == "normal" and doc["group"] == "hardware"
    assert window.history_model.rowCount() == 4


def test_resolving_a_conflict_from_the_panel(tmp_path: Path, qtbot):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    with Store(ours) as a, Store(theirs) as b:
        Desk(a).set_agent(AGENT)
        Desk(b).set_agent("Bea Agent <bea@example.com>")
        ref = Desk(a).create(subject="Printer", requester=REQUESTER)["doc"]["id"]
        bundles.create(a, tmp_path / "first.bundle", None, [])
        bundles.apply(b, tmp_path / "first.bundle")
        Desk(a).edit(ref, [("subject", "Printer on fire")])
        Desk(b).edit(ref, [("subject", "Printer smoking")])
        bundles.create(b, tmp_path / "back.bundle", None, [])

    app = DeskApp(ours, threaded=False)
    window = app.build_window()
    qtbot.addWidget(window)
    try:
        app.service.apply_bundle(tmp_path / "back.bundle")
        choose_queue(app, "conflicts")
        assert (
            subjects(app)
            and window.queue_model.index(window.queue_model.row_of("conflicts")).data()
        )
        window.table.select_row(0)
        assert window.tabs.tabText(2) == "Conflicts (1)"
        panel = window.conflicts_panel
        from PySide6.QtWidgets import QPushButton

        buttons = {b.objectName(): b for b in panel.findChildren(QPushButton)}
        assert set(buttons) == {"keep:subject", "use:subject"}
        buttons["use:subject"].click()
        record = app.store.ticket_record(ref)
        assert record["conflicts"] == []
        assert window.tabs.tabText(2) == "Conflicts"
        assert record["doc"]["subject"] in ("Printer on fire", "Printer smoking")
    finally:
        app.close()


def test_j_and_k_move_through_the_list(desk_app: DeskApp, qtbot):
    window = desk_app.window
    choose_queue(desk_app, "all")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    first = window.panel.ticket
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert window.panel.ticket != first
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert window.panel.ticket == first


def test_j_typed_into_the_reply_is_text_not_navigation(desk_app: DeskApp, qtbot):
    window = desk_app.window
    window.table.select_row(0)
    ticket = window.panel.ticket
    window.panel.reply.setFocus()
    qtbot.keyClicks(window.panel.reply, "jk")
    assert window.panel.reply.toPlainText() == "jk"
    assert window.panel.ticket == ticket


def test_bulk_edit_changes_every_selected_ticket(desk_app: DeskApp, monkeypatch):
    from desktop.ui.dialogs.bulk_edit import BulkEditDialog

    window = desk_app.window
    choose_queue(desk_app, "all")
    window.table.selectAll()

    def accept(dialog: BulkEditDialog) -> int:
        dialog.status.setCurrentIndex(dialog.status.findData("pending"))
        dialog.set_assignee.setChecked(True)
        dialog.assignee.setText("ann")
        dialog.add_tags.setText("batch")
        return 1

    monkeypatch.setattr(BulkEditDialog, "exec", accept)
    window.bulk_edit()
    docs = [
        desk_app.store.ticket_record(window.list_model.ticket_id(i))["doc"]
        for i in range(3)
    ]
    assert {(d["status"], d["assignee"], "batch" in d["tags"]) for d in docs} == {
        ("pending", "ann", True)
    }
    window.recount()
    counts = {
        q.key: window.queue_model.index(i).data(Qt.ItemDataRole.UserRole + 1)
        for i, q in enumerate(window.queue_model.queues())
    }
    assert counts["pending"] == 3 and counts["mine"] == 3


def test_a_reply_draft_survives_switching_tickets_and_restarting(
    desk_app: DeskApp, qtbot, ui_data_dir: Path
):
    window = desk_app.window
    window.table.select_row(0)
    first = window.panel.ticket
    qtbot.keyClicks(window.panel.reply, "Half a thought")
    window.table.select_row(1)
    assert window.panel.reply.toPlainText() == ""
    window.table.select_row(0)
    assert window.panel.reply.toPlainText() == "Half a thought"
    desk_app.close()

    again = DeskApp(ui_data_dir, threaded=False)
    try:
        again.build_window()
        again.window.table.select_ticket(first)
        assert again.window.panel.reply.toPlainText() == "Half a thought"
    finally:
        again.close()


def test_window_layout_is_remembered(desk_app: DeskApp, ui_data_dir: Path):
    window = desk_app.window
    window.splitter.setSizes([100, 500, 300])
    choose_queue(desk_app, "pending")
    window.close()
    again = DeskApp(ui_data_dir, threaded=False)
    try:
        restored = again.build_window()
        restored.show()
        # The offscreen screen may be narrower than the window; the first pane,
        # which does not stretch, shows the remembered state came back.
        assert restored.splitter.sizes()[0] == 100
        assert restored.queues.currentIndex().row() == restored.queue_model.row_of(
            "pending"
        )
    finally:
        again.close()


def test_saved_searches_become_queues(desk_app: DeskApp, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window = desk_app.window
    window.search.setText("tag:vpn")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("VPN", True))
    window.save_search()
    assert desk_app.store.setting("ui.saved_searches") == [["VPN", "tag:vpn"]]
    choose_queue(desk_app, "saved:VPN")
    window.search.clear()
    window.apply_search()
    assert subjects(desk_app) == ["VPN drops every hour"]


def test_every_shortcut_is_listed_in_help(desk_app: DeskApp):
    listed = {keys for keys, _ in shortcut_table()}
    for name in ("newTicket", "find", "next", "previous", "sync", "bulkEdit"):
        keys = desk_app.window.actions_by_name[name].shortcut().toString()
        assert keys in listed, name
    assert any("Enter" in keys for keys in listed)


def test_retries_after_no_network_back_off_up_to_the_sync_interval(desk_app: DeskApp):
    window = desk_app.window
    window.set_sync_interval(1)  # minutes

    waits = []
    for _ in range(6):
        window._retry_when_back(offline=True)
        waits.append(window.retry_timer.interval())
    window._retry_when_back(offline=False)

    assert waits == [15_000, 30_000, 60_000, 60_000, 60_000, 60_000]
    assert not window.retry_timer.isActive()


def test_options_of_a_multi_select_field_are_ticked_and_unticked_in_the_panel(
    desk_app: DeskApp,
):
    window = desk_app.window
    desk = Desk(desk_app.store)
    record = desk.create(subject="Laptop won't boot", requester=REQUESTER)
    ref = record["doc"]["provisional"]
    desk.edit(ref, add_options=[("custom.os", "linux"), ("custom.os", "mac")])
    choose_queue(desk_app, "all")
    window.search.setText("boot")
    window.apply_search()
    window.table.select_row(0)
    edit = window.panel.findChild(QLineEdit, "custom.os")
    assert edit is not None and not edit.isReadOnly()
    assert edit.text() == "linux, mac"

    edit.setText("mac, windows")
    edit.editingFinished.emit()

    doc = desk_app.store.ticket_record(record["doc"]["id"])["doc"]
    assert doc["custom"]["os"] == {"mac": True, "windows": True}
    assert window.history_model.index(0, 1).data() == (
        "cleared custom.os.linux; custom.os.windows=true"
    )


def test_a_column_sort_stays_while_the_search_changes(desk_app: DeskApp):
    window = desk_app.window
    choose_queue(desk_app, "all")
    window.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # Subject
    assert window.list_model.query.sort == "subject"

    for text in ("printer", ""):
        window.search.setText(text)
        window.apply_search()
        assert window.list_model.query.sort == "subject", text
    shown = [
        window.list_model.row(i).subject for i in range(window.list_model.rowCount())
    ]
    assert shown == sorted(shown)  # by code point, as SQLite compares text

    window.search.setText("sort:-ref")
    window.apply_search()
    assert window.list_model.query.sort == "-ref"
    assert window.table.header_sort() is None


def test_custom_fields_get_room_after_the_window_grows_and_a_drag_is_kept(
    desk_app: DeskApp, qtbot
):
    """The fields pane is sized when a ticket shows; a window made taller
    afterwards must give the fields their room, not leave them cut off."""
    window = desk_app.window
    desk = Desk(desk_app.store)
    record = desk.create(subject="Laptop won't boot", requester=REQUESTER)
    desk.edit(
        record["doc"]["provisional"],
        [("custom.country", "Việt Nam"), ("custom.floor", "3"), ("custom.desk", "B7")],
    )
    window.resize(1200, 420)
    choose_queue(desk_app, "all")
    window.table.select_row(0)
    panel = window.panel
    qtbot.wait(20)

    window.resize(1200, 900)
    qtbot.waitUntil(
        lambda: (
            panel.splitter.sizes()[0]
            >= min(
                panel.fields_widget.sizeHint().height(),
                sum(panel.splitter.sizes()) // 2,
            )
        )
    )

    panel.splitter.moveSplitter(120, 1)  # the agent drags it
    panel.splitter.splitterMoved.emit(120, 1)
    window.resize(1200, 950)
    qtbot.wait(20)
    assert panel.splitter.sizes()[0] == 120


def test_a_bulk_edit_skips_a_ticket_deleted_meanwhile_and_edits_the_rest(
    desk_app: DeskApp, monkeypatch
):
    from desktop.ui.dialogs.bulk_edit import BulkEditDialog

    window = desk_app.window
    choose_queue(desk_app, "all")
    window.table.selectAll()
    selected = window.table.selected_tickets()
    Desk(desk_app.store).delete(selected[0])  # a sync deleted it meanwhile

    def accept(dialog: BulkEditDialog) -> int:
        dialog.status.setCurrentIndex(dialog.status.findData("pending"))
        return 1

    monkeypatch.setattr(BulkEditDialog, "exec", accept)
    window.bulk_edit()

    statuses = [desk_app.store.ticket_record(t)["doc"]["status"] for t in selected]
    assert statuses[1:] == ["pending"] * (len(selected) - 1)
    assert statuses[0] != "pending"
    assert window.banner.message.startswith(f"1 of {len(selected)} tickets were not")
