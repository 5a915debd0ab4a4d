"""What a day of use turned up: each test is one thing an agent ran into."""

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QTableWidget

from desktop.ui.app import DeskApp
from desktop.ui.main_actions import shortcut_table


def choose_queue(app: DeskApp, key: str) -> None:
    window = app.window
    window.queues.setCurrentIndex(
        window.queue_model.index(window.queue_model.row_of(key))
    )


def current_queue(app: DeskApp) -> str:
    return str(app.window.queues.currentIndex().data(Qt.ItemDataRole.UserRole + 2))


def subjects(app: DeskApp) -> list[str]:
    model = app.window.list_model
    return [model.row(i).subject for i in range(model.rowCount())]


def test_saving_a_search_keeps_the_agent_in_the_queue_they_were_in(
    desk_app: DeskApp, monkeypatch
):
    window = desk_app.window
    choose_queue(desk_app, "all")
    window.search.setText("tag:vpn")
    window.apply_search()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("VPN", True))
    window.save_search()
    assert current_queue(desk_app) == "all"
    assert subjects(desk_app) == ["VPN drops every hour"]


def test_removing_one_saved_search_keeps_the_agent_in_another(
    desk_app: DeskApp, monkeypatch
):
    window = desk_app.window
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("VPN", True))
    window.search.setText("tag:vpn")
    window.save_search()
    choose_queue(desk_app, "pending")
    window._store_saved([])  # what the context menu's Remove does
    assert current_queue(desk_app) == "pending"


def test_a_server_set_in_settings_makes_the_indicator_say_offline_not_local_only(
    desk_app: DeskApp, monkeypatch
):
    from desktop.ui.settings_flow import apply, current_values

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    window = desk_app.window
    assert window.sync_available
    assert window.sync_indicator.text().startswith("Local only")
    before = current_values(window)
    after = current_values(window)
    after.server_url, after.token = "http://127.0.0.1:9", "secret"  # nobody there
    apply(window, before, after)
    assert not window.sync_indicator.text().startswith("Local only")
    window.sync_now()
    assert window.sync_indicator.state.offline
    assert window.sync_indicator.text().startswith("Offline")


def click_header(app: DeskApp, qtbot, column: int) -> None:
    header = app.window.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_clicking_a_column_that_cannot_sort_leaves_the_arrow_where_the_order_is(
    desk_app: DeskApp, qtbot
):
    window = desk_app.window
    choose_queue(desk_app, "all")
    header = window.table.horizontalHeader()
    click_header(desk_app, qtbot, 1)  # Subject
    assert subjects(desk_app) == sorted(subjects(desk_app))
    click_header(desk_app, qtbot, 2)  # Requester: the store cannot sort by it
    assert header.sortIndicatorSection() == 1
    assert window.table.header_sort() == "subject"


def test_a_remembered_column_sort_is_restored_without_an_error(
    desk_app: DeskApp, qtbot, ui_data_dir: Path
):
    click_header(desk_app, qtbot, 1)
    desk_app.close()
    again = DeskApp(ui_data_dir, threaded=False)
    try:
        window = again.build_window()
        qtbot.addWidget(window)
        assert window.table.horizontalHeader().sortIndicatorSection() == 1
        assert subjects(again) == sorted(subjects(again))
    finally:
        again.close()


def test_the_shortcuts_dialog_shows_every_shortcut_without_scrolling(qtbot):
    from desktop.ui.dialogs.shortcuts import ShortcutsDialog

    dialog = ShortcutsDialog(shortcut_table())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableWidget, "shortcutTable")
    last = table.rowCount() - 1
    bottom = table.rowViewportPosition(last) + table.rowHeight(last)
    assert bottom <= table.viewport().height()
    assert not table.verticalScrollBar().isVisible()


def test_ctrl_enter_pressed_again_while_the_writer_is_busy_sends_the_reply_once(
    qtbot, ui_data_dir: Path
):
    import threading

    app = DeskApp(ui_data_dir, threaded=True)
    try:
        window = app.build_window()
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.list_model.rowCount() == 3)
        window.table.select_row(0)
        ticket = window.panel.ticket
        busy = threading.Event()
        app.service.run(lambda job: busy.wait(10))  # a long sync, say
        reply = window.panel.reply
        qtbot.keyClicks(reply, "We are on it")
        for _ in range(2):
            qtbot.keyClick(
                reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
            )
        with qtbot.waitSignal(app.service.comment_added, timeout=10_000):
            busy.set()
        qtbot.waitUntil(lambda: not app.writer.busy)
        doc = app.store.ticket_record(ticket)["doc"]
        bodies = [c["body"] for c in doc["comments"].values()]
        assert bodies == ["We are on it"]
        assert reply.toPlainText() == ""
    finally:
        app.close()


def test_a_reply_the_store_refused_stays_editable_to_send_again(
    desk_app: DeskApp, qtbot, monkeypatch
):
    from desktop.desk import Desk
    from desktop.errors import UserError

    def full(*args, **kwargs):
        raise UserError("the disk is full")

    window = desk_app.window
    window.table.select_row(0)
    reply = window.panel.reply
    qtbot.keyClicks(reply, "Try again later")
    monkeypatch.setattr(Desk, "comment", full)
    qtbot.keyClick(reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.banner.message == "The disk is full."
    assert reply.toPlainText() == "Try again later"
    assert not reply.isReadOnly() and window.panel.send.isEnabled()
    monkeypatch.undo()
    qtbot.keyClick(reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert reply.toPlainText() == ""


def test_a_ticket_chosen_while_the_list_reloads_stays_chosen(qtbot, ui_data_dir: Path):
    import threading

    app = DeskApp(ui_data_dir, threaded=True)
    try:
        window = app.build_window()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.list_model.rowCount() == 3)
        window.table.select_row(0)
        slow = threading.Event()
        app.lister.submit(lambda job: slow.wait(10))  # a big store's first page
        window._arrived()  # a sync brought snapshots: the list re-reads
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_J)
        chosen = window.panel.ticket
        assert chosen == window.list_model.ticket_id(1)
        with qtbot.waitSignal(window.list_model.query_applied, timeout=10_000):
            slow.set()
        assert window.panel.ticket == chosen
        assert window.table.current_ticket() == chosen
    finally:
        app.close()


def test_the_conflicts_panel_fits_the_default_ticket_pane_without_a_side_scroll(
    qtbot, request
):
    from desktop.ui.views.conflicts_panel import ConflictsPanel

    def version(value: str, author: str, device: str) -> dict[str, str]:
        return {
            "value": value,
            "author": author,
            "device": device,
            "wall_time": "2026-12-04T17:23:03.914Z",
        }

    from PySide6.QtWidgets import QApplication

    before = QApplication.style().name()
    QApplication.setStyle("Fusion")  # as the app runs (desktop.ui.theme)
    request.addfinalizer(lambda: QApplication.setStyle(before))
    bea, ann = "Bea Agent <bea@example.com>", "Ann Agent <ann@example.com>"
    panel = ConflictsPanel()
    qtbot.addWidget(panel)
    panel.set_conflicts(
        [
            {
                "field": "subject",
                "kept": version("Printer smoking", bea, "01M9119E30YK9JH1VDXS0PVDV4"),
                "others": [version("Printer on fire", ann, "here")],
            },
            {
                "field": "priority",
                "kept": version("urgent", bea, "01M9119E30YK9JH1VDXS0PVDV4"),
                "others": [version("high", ann, "here")],
            },
        ],
        "here",
    )
    panel.resize(430, 400)  # the ticket pane in a 1280-wide window
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(50)  # the scroll bars follow the layout a moment later
    assert panel.widget().minimumSizeHint().width() <= panel.viewport().width()
    assert not panel.horizontalScrollBar().isVisible()
