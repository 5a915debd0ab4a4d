"""Changes the pipeline held back, one row each, for the quarantine dialog."""

import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from desktop.ui import labels

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


class QuarantineModel(QAbstractTableModel):
    """Rows are quarantine items as `to_json()` dicts."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[dict[str, Any]] = []
        self._titles = [
            self.tr("Held since"),
            self.tr("Stage"),
            self.tr("Reason"),
            self.tr("Ticket"),
            self.tr("Tries"),
        ]

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> dict[str, Any]:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

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
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        if role == ITEM_ROLE:
            return item["id"]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return item.get("reason")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return labels.when(item.get("created"))
        if column == 1:
            return item.get("stage", "")
        if column == 2:
            return item.get("reason", "")
        if column == 3:
            return item.get("subject", "")
        return str(item.get("attempts", 0))
