"""A ticket's snapshots, newest first, with the graph geometry for the delegate."""

import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from desktop.render import summary_parts
from desktop.ui import labels
from desktop.ui.graph import GraphRow, layout
from sync.history import History

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
GRAPH_ROLE = Qt.ItemDataRole.UserRole + 1
SNAPSHOT_ROLE = Qt.ItemDataRole.UserRole + 2

GRAPH, SUMMARY, AUTHOR, DEVICE, WHEN = range(5)


class HistoryModel(QAbstractTableModel):
    """Rows are snapshots; column 0 is painted by `GraphDelegate`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[GraphRow] = []
        self._device = ""
        self._titles = [
            self.tr("Graph"),
            self.tr("Change"),
            self.tr("Author"),
            self.tr("Device"),
            self.tr("When"),
        ]

    def set_history(self, history: History | None, this_device: str = "") -> None:
        self.beginResetModel()
        self._rows = layout(history) if history is not None else []
        self._device = this_device
        self.endResetModel()

    def graph_width(self) -> int:
        return max((r.width for r in self._rows), default=1)

    def snapshot_id(self, row: int) -> str:
        return self._rows[row].snapshot.id

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._titles)
        ):
            return self._titles[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        snap = row.snapshot
        column = index.column()
        if role == GRAPH_ROLE:
            return row
        if role == SNAPSHOT_ROLE:
            return snap.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Snapshot %1").replace("%1", snap.id[:16])
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == SUMMARY:
            return self._summary(snap)
        if column == AUTHOR:
            return self.tr("(merge)") if snap.is_merge else _name(snap.author)
        if column == DEVICE:
            if snap.is_merge or not snap.device:
                return ""
            if snap.device == self._device:
                return self.tr("this device")
            return snap.device[-6:]
        if column == WHEN:
            return labels.when(snap.wall_time)
        return None

    def _summary(self, snap: Any) -> str:
        if snap.is_merge:
            return self.tr("merged %n branch(es)", "", len(snap.parents))
        if snap.is_root:
            return self.tr("created")
        return "; ".join(self._part(*part) for part in summary_parts(snap))

    def _part(self, kind: str, name: str, value: str) -> str:
        """One change in the agent's language; field names stay as typed in
        searches and rules (`status`, `custom.site`), values as stored."""
        if kind == "tag_added":
            return self.tr("+tag %1").replace("%1", name)
        if kind == "tag_removed":
            return self.tr("-tag %1").replace("%1", name)
        if kind == "reply":
            return self.tr("reply")
        if kind == "internal_note":
            return self.tr("internal note")
        if kind == "comment_edited":
            return self.tr("edited comment %1").replace("%1", name)
        if kind == "cleared":
            return self.tr("cleared %1").replace("%1", name)
        return f"{name}={value}"


def _name(author: str | None) -> str:
    if not author:
        return ""
    return author.split("<")[0].strip() or author
