"""A ticket's snapshot DAG drawn as text, newest first, like `git log --graph`."""

from collections.abc import Iterator

from sync.history import History
from sync.ids import SnapshotId
from sync.snapshot import Snapshot


def graph(history: History) -> Iterator[tuple[str, Snapshot | None]]:
    """Yield (lane drawing, snapshot) rows; connector rows carry no snapshot.

    Each lane waits for one snapshot. A snapshot several lanes wait for is where
    branches fork (drawn `|/`); a snapshot with several parents opens new lanes
    (drawn `|\\`).
    """
    lanes: list[SnapshotId | None] = []
    for snap in reversed(history.order):
        waiting = [i for i, lane in enumerate(lanes) if lane == snap.id]
        if not waiting:
            free = [i for i, lane in enumerate(lanes) if lane is None]
            col = free[0] if free else len(lanes)
            if col == len(lanes):
                lanes.append(snap.id)
            else:
                lanes[col] = snap.id
            waiting = [col]
        col = waiting[0]

        if len(waiting) > 1:
            yield _row(lanes, {i: "/" for i in waiting[1:]}), None
            for i in waiting[1:]:
                lanes[i] = None
            _trim(lanes)

        yield _row(lanes, {col: "*"}), snap

        parents = list(snap.parents)
        lanes[col] = parents[0] if parents else None
        opened: dict[int, str] = {}
        for parent in parents[1:]:
            if parent in lanes:
                continue
            lanes.append(parent)
            opened[len(lanes) - 1] = "\\"
        if opened:
            yield _row(lanes, opened), None
        _trim(lanes)


def _row(lanes: list[SnapshotId | None], marks: dict[int, str]) -> str:
    cells = [marks.get(i, " " if lane is None else "|") for i, lane in enumerate(lanes)]
    return " ".join(cells).rstrip()


def _trim(lanes: list[SnapshotId | None]) -> None:
    while lanes and lanes[-1] is None:
        lanes.pop()
