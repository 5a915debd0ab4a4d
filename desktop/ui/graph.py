"""Where to draw each snapshot of a history and the lines between them.

The same lane walk as `sync.dag.graph` (newest first, each lane waiting for
one snapshot), but producing geometry for a painter instead of characters:
per row, the node's lane and line segments from the row's top edge, middle
or bottom edge, in lane units. Qt-free so it is tested on plain histories.
"""

import logging
from dataclasses import dataclass, field

from sync.history import History
from sync.ids import SnapshotId
from sync.snapshot import Snapshot

log = logging.getLogger(__name__)

#: A line from (lane, y) to (lane, y); y is 0 top, 1 middle, 2 bottom of a row.
Segment = tuple[int, int, int, int]
TOP, MIDDLE, BOTTOM = 0, 1, 2


@dataclass
class GraphRow:
    snapshot: Snapshot
    lane: int
    segments: list[Segment] = field(default_factory=list)
    width: int = 1


def layout(history: History) -> list[GraphRow]:
    lanes: list[SnapshotId | None] = []
    rows: list[GraphRow] = []
    for snap in reversed(history.order):
        waiting = [i for i, lane in enumerate(lanes) if lane == snap.id]
        if waiting:
            col = waiting[0]
        else:
            free = [i for i, lane in enumerate(lanes) if lane is None]
            col = free[0] if free else len(lanes)
            if col == len(lanes):
                lanes.append(None)
        row = GraphRow(snap, col)
        for i, lane in enumerate(lanes):
            if lane is None:
                continue
            if lane == snap.id:
                row.segments.append((i, TOP, col, MIDDLE))
            else:
                row.segments.append((i, TOP, i, BOTTOM))  # passes by
        for i in waiting[1:]:
            lanes[i] = None

        parents = list(snap.parents)
        lanes[col] = parents[0] if parents else None
        if parents:
            row.segments.append((col, MIDDLE, col, BOTTOM))
        for parent in parents[1:]:
            if parent in lanes:
                target = lanes.index(parent)
            else:
                free = [i for i, lane in enumerate(lanes) if lane is None]
                target = free[0] if free else len(lanes)
                if target == len(lanes):
                    lanes.append(parent)
                else:
                    lanes[target] = parent
            row.segments.append((col, MIDDLE, target, BOTTOM))
        while lanes and lanes[-1] is None:
            lanes.pop()
        row.width = max([col + 1, len(lanes), *(s[2] + 1 for s in row.segments)])
        rows.append(row)
    return rows
