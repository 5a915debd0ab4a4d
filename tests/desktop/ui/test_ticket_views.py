"""The list and the open ticket show what the command line would, and nothing stale."""

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHeaderView, QLineEdit

from desktop.store.queries import TicketFilter, find
from desktop.ui import pager
from desktop.ui.app import DeskApp
from desktop.ui.drafts import DraftBook
from desktop.ui.list_query import Filter, ListQuery
from desktop.ui.views.ticket_panel import TicketPanel
from desktop.ui.views.ticket_table import SUBJECT, TicketTable
from tests.desktop.ui.conftest import REQUESTER


def listed(app: DeskApp) -> list[str]:
    model = app.window.list_model
    return [model.row(i).subject for i in range(model.rowCount())]


def search(app: DeskApp, text: str) -> None:
    window = app.window
    window.queues.setCurrentIndex(
        window.queue_model.index(window.queue_model.row_of("all"))
    )
    window.search.setText(text)
    window.apply_search()


def test_letters_the_index_folds_are_found_as_the_cli_finds_them(desk_app: DeskApp):
    for subject in ("Cờ Đỏ, Cần Thơ", "Łódź tram depot", "Đường tỉnh 175"):
        desk_app.service.create(subject=subject, requester=REQUESTER)
    store = desk_app.store
    for text in ("Cờ Đỏ", "Đỏ", "đỏ", "Łódź", "lodz", "Đường", "duong"):
        search(desk_app, text)
        cli = {r["doc"]["subject"] for r in find(store, TicketFilter(search=text))}
        assert cli and set(listed(desk_app)) == cli, text
    search(desk_app, "Đ")
    by_d = listed(desk_app)
    search(desk_app, "D")
    assert listed(desk_app) == by_d


def test_the_window_and_the_cli_build_one_search_query():
    assert pager.match_text("Cờ Đỏ") == '"Cờ" "Dỏ"'
    assert pager.match_text("Đường") == '"Dường"*'
    query = ListQuery(Filter(search="đỏ"))
    assert pager.match_text(query.filter.search) == '"dỏ"'


def _record(app: DeskApp, sla: dict) -> dict:
    ticket = app.window.list_model.ticket_id(0)
    return {**app.store.ticket_record(ticket), "sla": sla}


SLA = {
    "priority": "normal",
    "first_response_due": None,
    "first_response_at": "2020-01-01T09:00:00Z",
    "resolution_due": "2020-01-02T09:00:00Z",
    "resolved_at": None,
    "paused": False,
    "breached": False,
}


def test_a_resolution_due_time_passed_shows_the_breached_badge(desk_app: DeskApp):
    panel = desk_app.window.panel
    panel.set_record(_record(desk_app, SLA))
    assert "SLA breached" in panel.badges.text()
    assert "SLA due" not in panel.badges.text()


def test_a_due_time_ahead_shows_when_the_next_target_is_due(desk_app: DeskApp):
    panel = desk_app.window.panel
    ahead = {**SLA, "resolution_due": "2999-01-02T09:00:00Z"}
    panel.set_record(_record(desk_app, ahead))
    assert "SLA due 2999-01-0" in panel.badges.text()
    assert "breached" not in panel.badges.text()


def _assert_blank(panel: TicketPanel) -> None:
    assert panel.ref_label.text() == "No ticket selected"
    assert not panel.isEnabled()
    for edit in panel.findChildren(QLineEdit):
        assert edit.text() == "", edit.objectName()
    for combo in panel.findChildren(QComboBox):
        assert combo.currentIndex() == -1 and combo.currentText() == "", combo
    assert panel.conversation.toPlainText() == ""
    assert panel.reply.toPlainText() == ""
    assert panel.badges.text() == ""


def test_with_no_ticket_selected_the_panel_shows_no_values(qtbot, tmp_path: Path):
    panel = TicketPanel(DraftBook(tmp_path))
    qtbot.addWidget(panel)
    _assert_blank(panel)


def test_a_search_that_hides_the_open_ticket_blanks_the_panel_and_keeps_the_draft(
    desk_app: DeskApp,
):
    window = desk_app.window
    search(desk_app, "")
    window.table.select_row(0)
    ticket = window.panel.ticket
    assert window.panel.subject.text()
    window.panel.reply.setPlainText("Half a thought")
    search(desk_app, "printer")
    search(desk_app, "nothingmatchesthis")
    _assert_blank(window.panel)
    assert desk_app.drafts.get(ticket) == ("Half a thought", False)


def test_a_search_with_no_hits_says_so_in_the_list(desk_app: DeskApp):
    table = desk_app.window.table
    search(desk_app, "nothingmatchesthis")
    assert table.empty_text == "No tickets match"
    table.grab()
    search(desk_app, "printer")
    assert table.empty_text == ""


def assert_subject_readable(table: TicketTable) -> None:
    """Subject has its minimum, or every other column gave all it could."""
    header = table.horizontalHeader()
    others = [c for c in range(header.count()) if c != SUBJECT]
    if header.sectionSize(SUBJECT) < table.subject_min_width():
        assert all(header.sectionSize(c) <= table.floor(c) for c in others)


def test_subject_takes_the_width_the_other_columns_leave(desk_app: DeskApp):
    window = desk_app.window
    table = window.table
    header = table.horizontalHeader()
    assert header.sectionResizeMode(SUBJECT) == QHeaderView.ResizeMode.Stretch
    assert header.length() == table.viewport().width()
    assert_subject_readable(table)
    window.resize(1280, 800)
    assert header.length() == table.viewport().width()
    assert header.sectionSize(SUBJECT) >= table.subject_min_width()


def test_a_saved_layout_that_squeezed_subject_is_widened(
    desk_app: DeskApp, ui_data_dir: Path, qtbot
):
    header = desk_app.window.table.horizontalHeader()
    header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(SUBJECT, 40)
    header.resizeSection(2, 400)
    desk_app.window.close()
    again = DeskApp(ui_data_dir, threaded=False)
    try:
        window = again.build_window()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        table = window.table
        restored = table.horizontalHeader()
        assert restored.sectionResizeMode(SUBJECT) == QHeaderView.ResizeMode.Stretch
        assert_subject_readable(table)
        assert restored.sectionSize(2) < 400
        window.resize(1280, 800)
        assert restored.sectionSize(SUBJECT) >= table.subject_min_width()
    finally:
        again.close()
