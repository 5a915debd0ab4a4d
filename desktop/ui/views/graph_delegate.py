"""Paints a history row's lanes and node, like `git log --graph` but with lines."""

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.ui.graph import GraphRow
from desktop.ui.models.history import GRAPH_ROLE

log = logging.getLogger(__name__)

LANE = 16
NODE = 9
#: Lane colours chosen to stay readable on light and dark backgrounds.
COLOURS = ("#3b82f6", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f08c00")


class GraphDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(GRAPH_ROLE)
        if not isinstance(row, GraphRow):
            super().paint(painter, option, index)
            return
        widget: Any = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        rect = option.rect  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ys = (rect.top(), rect.center().y() + 0.5, rect.bottom() + 1)

        def x(lane: int) -> float:
            return rect.left() + LANE / 2 + lane * LANE

        for a, ya, b, yb in row.segments:
            pen = QPen(QColor(COLOURS[max(a, b) % len(COLOURS)]), 2)
            painter.setPen(pen)
            painter.drawLine(QPointF(x(a), ys[ya]), QPointF(x(b), ys[yb]))
        colour = QColor(COLOURS[row.lane % len(COLOURS)])
        base = option.palette.base()  # type: ignore[attr-defined]
        centre = QPointF(x(row.lane), ys[1])
        # A halo in the background colour keeps the node visible on a selected
        # row, whose highlight may be the same blue as the lane.
        painter.setPen(QPen(base.color(), 2))
        painter.setBrush(base)
        painter.drawEllipse(centre, NODE / 2 + 2, NODE / 2 + 2)
        painter.setPen(QPen(colour, 2))
        painter.setBrush(base if row.snapshot.is_merge else colour)
        painter.drawEllipse(centre, NODE / 2, NODE / 2)
        painter.restore()

    def sizeHint(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QSize:
        row = index.data(GRAPH_ROLE)
        width = row.width if isinstance(row, GraphRow) else 1
        return QSize(LANE * width + LANE // 2, 22)
