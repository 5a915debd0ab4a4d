"""Every model passes Qt's model tester, empty and full, before and after paging."""

from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop.desk import Desk
from desktop.store.store import Store
from desktop.ui.executor import Executor
from desktop.ui.list_query import ListQuery
from desktop.ui.models.history import HistoryModel
from desktop.ui.models.queues import QueueModel
from desktop.ui.models.ticket_list import TicketListModel
from tests.conftest import AGENT
from tests.desktop.ui.conftest import REQUESTER


def test_ticket_list_model_passes_the_model_tester(qtmodeltester, ui_data_dir: Path):
    with Store(ui_data_dir) as store:
        model = TicketListModel(store, page_size=2)
        model.set_query(ListQuery())
        qtmodeltester.check(model, force_py=True)
        assert model.rowCount() == 3


def test_an_empty_ticket_list_passes_the_model_tester(qtmodeltester, store: Store):
    model = TicketListModel(store)
    model.set_query(ListQuery())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 0


def test_the_list_fetches_pages_only_when_asked(store: Store):
    desk = Desk(store)
    for n in range(7):
        desk.create(subject=f"ticket {n}", requester=REQUESTER)
    model = TicketListModel(store, page_size=3)
    model.set_query(ListQuery())
    assert model.rowCount() == 3
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    subjects = [model.row(i).subject for i in range(model.rowCount())]
    assert subjects == [f"ticket {n}" for n in reversed(range(7))]


def test_rows_evicted_from_the_page_cache_are_read_again(store: Store, monkeypatch):
    from desktop.ui.models import ticket_list

    monkeypatch.setattr(ticket_list, "_CACHED_PAGES", 1)
    desk = Desk(store)
    for n in range(5):
        desk.create(subject=f"ticket {n}", requester=REQUESTER)
    model = TicketListModel(store, page_size=2)
    model.set_query(ListQuery())
    model.fetchMore(model.index(-1, -1))
    assert model.row(0).subject == "ticket 4"
    assert model.row(3).subject == "ticket 1"


def test_queue_model_passes_the_model_tester(qtmodeltester):
    model = QueueModel(AGENT, quarantine=True)
    model.set_saved_searches([("VPN", "tag:vpn")])
    model.set_counts({"mine": 1, "open": 3})
    qtmodeltester.check(model, force_py=True)
    keys = [q.key for q in model.queues()]
    assert keys[:3] == ["mine", "unassigned", "open"]
    assert "quarantine" in keys and keys[-1] == "saved:VPN"


def test_history_model_passes_the_model_tester(qtmodeltester, desk: Desk):
    record = desk.create(subject="Printer on fire", requester=REQUESTER)
    ref = record["doc"]["provisional"]
    desk.edit(ref, [("status", "open")])
    desk.comment(ref, "On it", public=True)
    model = HistoryModel()
    model.set_history(desk.history(ref), str(desk.store.device_id))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    assert model.index(2, 1).data() == "created"
    assert model.index(0, 3).data() == "this device"


def test_a_model_returning_none_keeps_none_alive(store: Store):
    """PySide6 6.12.0 dropped a reference to None per data() call returning it;
    Python 3.11 aborted after enough repaints (pyproject pins below 6.12)."""
    import sys

    from PySide6.QtCore import QIdentityProxyModel, Qt

    model = TicketListModel(store)
    model.set_query(ListQuery())
    Desk(store).create(subject="one", requester=REQUESTER)
    model.refresh()
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, 2)
    before = sys.getrefcount(None)
    for _ in range(1000):
        proxy.data(index, Qt.ItemDataRole.DecorationRole)  # None from Python
    assert sys.getrefcount(None) - before > -100


def test_pages_are_read_ahead_on_the_loader_thread_and_stale_ones_dropped(
    qtbot, store: Store
):
    desk = Desk(store)
    for n in range(7):
        desk.create(subject=f"ticket {n}", requester=REQUESTER)
    loader = Executor(store.data_dir, name="lister")
    try:
        model = TicketListModel(store, page_size=3, loader=loader)
        model.set_query(ListQuery())
        model.fetchMore(QModelIndex())  # before the page read ahead is back
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 3
        qtbot.waitUntil(lambda: model.rowCount() == 6)
        qtbot.waitUntil(lambda: not loader.busy)  # the last page, read ahead
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 7  # placed at once, no read
        assert not model.canFetchMore(QModelIndex())

        model.set_query(ListQuery())  # its page read ahead is in flight...
        model.set_query(ListQuery(sort="subject"))  # ...and now stale
        qtbot.waitUntil(lambda: not loader.busy)
        model.fetchMore(QModelIndex())
        assert [model.row(i).subject for i in range(model.rowCount())] == [
            f"ticket {n}" for n in range(6)
        ]
    finally:
        loader.shutdown()


def test_a_cell_answers_every_role_of_a_repaint_in_one_call(store: Store):
    desk = Desk(store)
    desk.create(subject="Printer on fire", requester=REQUESTER, priority="urgent")
    model = TicketListModel(store)
    model.set_query(ListQuery())
    delegate = QStyledItemDelegate()
    for column in range(model.columnCount()):
        index = model.index(0, column)
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, index)  # asks through multiData
        assert option.text == index.data()
    assert option.font.bold() is False
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index(0, 0))
    assert option.font.bold()  # a new ticket's ref
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index(0, 4))
    assert option.palette.text().color().name() == "#e03131"  # urgent
