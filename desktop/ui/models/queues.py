"""The left-hand list of queues (My open, Unassigned, …) and saved searches.

Each queue is a `ListQuery`; counts arrive later from the reader thread
(counting a million rows takes longer than a frame), so a queue shows its
title at once and its count when known.
"""

import logging
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop import search_syntax
from desktop.search_syntax import ME, me_aliases
from desktop.ui.list_query import OPEN, Filter, ListQuery

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
COUNT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    query: ListQuery
    #: Shown only when the pipeline exists; opens the quarantine, not a list.
    special: bool = False


def query_for_search(text: str, agent: str, base: ListQuery | None = None) -> ListQuery:
    """A queue's query narrowed by what is typed in the search box."""
    base = base or ListQuery()
    parsed = search_syntax.parse(text)
    flt = base.filter
    status = flt.status
    if parsed.status:
        status = [s for s in parsed.status if not status or s in status] or ["-"]
    mine = base.mine
    unassigned = base.unassigned
    assignee = None
    if parsed.assignee in ME:
        mine = me_aliases(agent)
    elif parsed.assignee in ("none", "nobody"):
        unassigned = True
    elif parsed.assignee:
        assignee = parsed.assignee
    return replace(
        base,
        filter=Filter(
            status=status,
            priority=parsed.priority or flt.priority,
            assignee=assignee if assignee is not None else flt.assignee,
            tags=[*flt.tags, *parsed.tags],
            search=parsed.text,
        ),
        mine=mine,
        unassigned=unassigned,
        conflicts_only=base.conflicts_only or parsed.conflicts_only,
        sort=parsed.sort or base.sort,
    )


class QueueModel(QAbstractListModel):
    """Built-in queues, the quarantine when present, then saved searches."""

    def __init__(self, agent: str, *, quarantine: bool = False, parent: Any = None):
        super().__init__(parent)
        self.agent = agent
        self.quarantine = quarantine
        self._saved: list[tuple[str, str]] = []
        self._counts: dict[str, int] = {}
        self._queues = self._build()

    def _build(self) -> list[Queue]:
        me = me_aliases(self.agent)
        queues = [
            Queue(
                "mine",
                self.tr("My open"),
                ListQuery(Filter(status=OPEN), mine=me),
            ),
            Queue(
                "unassigned",
                self.tr("Unassigned"),
                ListQuery(Filter(status=OPEN), unassigned=True),
            ),
            Queue("open", self.tr("All open"), ListQuery(Filter(status=OPEN))),
            Queue(
                "pending",
                self.tr("Pending"),
                ListQuery(Filter(status=["pending"])),
            ),
            Queue(
                "solved",
                self.tr("Solved"),
                ListQuery(Filter(status=["solved", "closed"])),
            ),
            Queue("all", self.tr("All tickets"), ListQuery()),
            Queue(
                "conflicts",
                self.tr("Conflicts"),
                ListQuery(conflicts_only=True),
            ),
        ]
        if self.quarantine:
            queues.append(Queue("quarantine", self.tr("Quarantine"), ListQuery(), True))
        for name, text in self._saved:
            queues.append(
                Queue(f"saved:{name}", name, query_for_search(text, self.agent))
            )
        return queues

    def set_agent(self, agent: str) -> None:
        self.beginResetModel()
        self.agent = agent
        self._queues = self._build()
        self.endResetModel()

    def set_saved_searches(self, saved: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._saved = list(saved)
        self._queues = self._build()
        self.endResetModel()

    @property
    def saved_searches(self) -> list[tuple[str, str]]:
        return list(self._saved)

    def set_counts(self, counts: dict[str, int]) -> None:
        """New counts for some queues; the others keep theirs."""
        self._counts.update(counts)
        if self._queues:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._queues) - 1), [COUNT_ROLE]
            )

    def queue(self, row: int) -> Queue:
        return self._queues[row]

    def queues(self) -> list[Queue]:
        return list(self._queues)

    def row_of(self, key: str) -> int:
        for i, q in enumerate(self._queues):
            if q.key == key:
                return i
        return 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._queues)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._queues):
            return None
        queue = self._queues[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return queue.title
        if role == COUNT_ROLE:
            return self._counts.get(queue.key)
        if role == KEY_ROLE:
            return queue.key
        if role == Qt.ItemDataRole.ToolTipRole:
            count = self._counts.get(queue.key)
            return None if count is None else self.tr("%n ticket(s)", "", count)
        return None
