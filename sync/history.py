"""A ticket's state as a function of its set of snapshots (DESIGN.md §5).

Every snapshot's operations are folded in the one total order all replicas
share (clock, device, id); because a child's clock is above its parents', that
order is also topological. Each leaf of the document keeps the writes no later
write has seen: a write removes only the writes that are its own ancestors.
What remains decides the value:

- a scalar field takes the highest-ordered surviving write, and when surviving
  writes disagree the others are kept as a conflict record;
- a set element (a tag, a multi-select option) is present if any surviving
  write added it, so a concurrent add beats a remove;
- comments are keyed by id, so nothing concurrent can overwrite one.

Two replicas holding the same snapshots therefore show the same ticket, in
whatever order the snapshots arrived and whatever merges were made.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sync.document import (
    Path,
    applied,
    later_targets,
    leaves_of,
    leaves_toward,
    normalize,
    overlay,
    place_all,
)
from sync.errors import SnapshotError
from sync.ids import SnapshotId
from sync.patch import decode_pointer, json_equal
from sync.snapshot import Snapshot


class _Deleted:
    def __repr__(self) -> str:
        return "DELETED"


DELETED: Any = _Deleted()


@dataclass(frozen=True, slots=True)
class Version:
    """One surviving value of a field, with who wrote it."""

    value: Any
    snapshot: SnapshotId
    author: str | None
    device: str | None
    wall_time: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": None if self.value is DELETED else self.value,
            "author": self.author,
            "device": self.device,
            "wall_time": self.wall_time,
            "snapshot": self.snapshot,
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """Concurrent writes to one field: the kept value and the ones it beat."""

    field: str
    kept: Version
    others: tuple[Version, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "kept": self.kept.to_json(),
            "others": [o.to_json() for o in self.others],
        }


@dataclass(slots=True)
class TicketState:
    doc: dict[str, Any]
    heads: list[SnapshotId]
    conflicts: list[Conflict] = field(default_factory=list)
    updated: str | None = None
    #: Snapshots whose clock was far ahead of this device's when they were seen.
    clock_warnings: list[dict[str, Any]] = field(default_factory=list)


def is_set_element(path: Path) -> bool:
    """Tags and multi-select options merge as add-wins sets, not as registers."""
    return (len(path) == 2 and path[0] == "tags") or (
        len(path) == 3 and path[0] == "custom"
    )


def field_name(path: Path) -> str:
    return ".".join(path)


class History:
    """All known snapshots of one ticket, with ancestry, heads and folded states."""

    def __init__(self, snapshots: Iterable[Snapshot]) -> None:
        self.by_id: dict[SnapshotId, Snapshot] = {s.id: s for s in snapshots}
        self.order = sorted(self.by_id.values(), key=Snapshot.order_key)
        self.index = {s.id: i for i, s in enumerate(self.order)}
        self._ancestors: list[int] = []
        self._heads: list[SnapshotId] | None = None  # computed on first use
        for i, snap in enumerate(self.order):
            bits = 0
            for parent in snap.parents:
                j = self.index.get(parent)
                if j is None:
                    raise SnapshotError(
                        f"snapshot {snap.id[:12]} names unknown parent {parent[:12]}"
                    )
                if j >= i:
                    raise SnapshotError(
                        f"snapshot {snap.id[:12]} is not ordered after its parent"
                    )
                bits |= self._ancestors[j] | (1 << j)
            self._ancestors.append(bits)

    def __len__(self) -> int:
        return len(self.order)

    def extended(self, snap: Snapshot) -> "History":
        """This history with `snap` added, cheaply when it orders last (as the
        merge of all heads does) and by a full rebuild otherwise."""
        if snap.id in self.by_id:
            return self
        if self.order and snap.order_key() <= self.order[-1].order_key():
            return History([*self.order, snap])
        bits = 0
        for parent in snap.parents:
            j = self.index.get(parent)
            if j is None:
                raise SnapshotError(
                    f"snapshot {snap.id[:12]} names unknown parent {parent[:12]}"
                )
            bits |= self._ancestors[j] | (1 << j)
        out = History(())
        out.by_id = {**self.by_id, snap.id: snap}
        out.order = [*self.order, snap]
        out.index = {**self.index, snap.id: len(self.order)}
        out._ancestors = [*self._ancestors, bits]
        return out

    def heads(self) -> list[SnapshotId]:
        """Snapshots that no other snapshot names as a parent, sorted by id."""
        if self._heads is None:
            parents = {p for s in self.order for p in s.parents}
            self._heads = sorted(s.id for s in self.order if s.id not in parents)
        return list(self._heads)

    def is_ancestor(self, older: SnapshotId, newer: SnapshotId) -> bool:
        return bool(self._ancestors[self.index[newer]] >> self.index[older] & 1)

    def ancestors(self, snapshot: SnapshotId) -> list[SnapshotId]:
        bits = self._ancestors[self.index[snapshot]]
        return [s.id for i, s in enumerate(self.order) if bits >> i & 1]

    def state(self, heads: Iterable[SnapshotId] | None = None) -> TicketState:
        """The ticket as seen at `heads` (default: all current heads)."""
        return self._state(heads, shortcut=True)

    def full_state(self, heads: Iterable[SnapshotId] | None = None) -> TicketState:
        """`state` by folding every snapshot, with no shortcut: the definition
        the shortcuts are tested against."""
        return self._state(heads, shortcut=False)

    def _state(self, heads: Iterable[SnapshotId] | None, shortcut: bool) -> TicketState:
        head_ids = sorted(set(heads)) if heads is not None else self.heads()
        if not head_ids:
            raise SnapshotError("a ticket state needs at least one snapshot")
        included = 0
        for head in head_ids:
            if head not in self.index:
                raise SnapshotError(f"unknown snapshot {head[:12]}")
            i = self.index[head]
            included |= self._ancestors[i] | (1 << i)
        after_fork = None
        if shortcut and included == (1 << len(self.order)) - 1:
            after_fork = self._fold_after_line()
        if after_fork is None:
            leaves, containers = self._fold(included)
            doc, conflicts = self._resolve(leaves, containers)
        else:
            doc, conflicts, leaves = after_fork
        # Without a write to `deleted` among the leaves (a delete before the
        # fork), every later edit descends from the delete: none to flag.
        if doc.get("deleted") is True and ("deleted",) in leaves:
            conflicts = self._flag_edits_beside_delete(leaves, included, conflicts)
        updated = max(
            (
                s.wall_time
                for i, s in enumerate(self.order)
                if included >> i & 1 and s.wall_time
            ),
            default=None,
        )
        return TicketState(doc, head_ids, conflicts, updated)

    def _fold(
        self,
        included: int,
        leaves: dict[Path, list[tuple[int, Any]]] | None = None,
        containers: set[Path] | None = None,
        targets: set[Path] | None = None,
    ) -> tuple[dict[Path, list[tuple[int, Any]]], set[Path]]:
        """Each leaf's surviving writes, and every path that has held a map.

        `leaves` and `containers` hold what was folded before the included
        snapshots, if anything. With `targets`, only the leaves on the way to
        or under those paths are kept: all that a later write there can meet.
        """
        leaves = {} if leaves is None else leaves
        containers = set() if containers is None else containers
        ancestors = self._ancestors
        for i, snap in enumerate(self.order):
            if not included >> i & 1 or snap.is_merge:  # a merge writes nothing
                continue
            seen = ancestors[i]
            for op in snap.patch:
                name = op["op"]
                if name == "test":
                    continue
                path = decode_pointer(op["path"])
                # Leaves below `path` exist only if a map was there before this
                # write (every leaf's maps are containers): checked first, a
                # new comment does not scan every leaf for ones below it.
                held_map = not path or path in containers
                if name == "remove":
                    written = {}
                elif targets is None:
                    written = leaves_of(path, op["value"], containers)
                else:
                    written = leaves_toward(path, op["value"], targets, containers)
                if held_map:
                    size = len(path)
                    for leaf in [p for p in leaves if p[:size] == path != p]:
                        if leaf not in written:
                            _write(leaves, leaf, i, seen, DELETED)
                if path in leaves and path not in written:
                    _write(leaves, path, i, seen, DELETED)
                for leaf, leaf_value in written.items():
                    writes = leaves.get(leaf)
                    if writes is None:
                        leaves[leaf] = [(i, leaf_value)]
                    else:
                        _write(leaves, leaf, i, seen, leaf_value)
        return leaves, containers

    def _fold_after_line(
        self,
    ) -> tuple[dict[str, Any], list[Conflict], dict[Path, list[tuple[int, Any]]]]:
        """The full fold, cheaply, for a history that is one line up to a fork.

        When the first snapshots form a line ending at F and every later one
        descends from F, every later write has seen each write up to F: the
        fold is the document at F (the patches applied in turn) with only the
        later writes folded over it. A merge of two branches is almost always
        of this shape, and the line's comments and edits are then applied, not
        flattened into leaves: a ticket with sixty comments folds in about
        two thirds of the time. Returns None where the shortcut could differ
        from the full fold (see `later_targets`, `overlay`), or would not pay;
        the caller then folds all.
        """
        order, ancestors = self.order, self._ancestors
        line = 1
        while line < len(order) and order[line].parents == (order[line - 1].id,):
            line += 1
        # The fork is the last snapshot of the line that all later ones descend
        # from: a bit every later snapshot's ancestors share.
        shared = -1
        for i in range(len(order) - 1, line - 1, -1):
            shared &= ancestors[i]
        fork = line - 1
        while fork >= 0 and not shared >> fork & 1:
            fork -= 1
        if fork < 1:
            # Forked at the first snapshot (or nowhere): folding it costs less
            # than the steps below. A line of edits and comments is what pays.
            return None
        base = applied({}, order[: fork + 1])
        if base is None:
            return None
        targets = later_targets(base, order[fork + 1 :])
        if targets is None:
            return None
        # The line is folded only as far as the later writes can reach; each
        # leaf there keeps the write that made it, removals included.
        line_fold = self._fold((1 << (fork + 1)) - 1, targets=targets)
        leaves, containers = self._fold(
            (1 << len(order)) - (1 << (fork + 1)), *line_fold
        )
        chosen, gone, conflicts = self._decide(leaves, containers)
        doc = overlay(base, chosen, gone)
        if doc is None:
            return None
        return normalize(doc), conflicts, leaves

    def _resolve(
        self, leaves: dict[Path, list[tuple[int, Any]]], containers: set[Path]
    ) -> tuple[dict[str, Any], list[Conflict]]:
        chosen, _, conflicts = self._decide(leaves, containers)
        doc: dict[str, Any] = {}
        # A leaf below another needs a path that is both a leaf and a map.
        place_all(doc, chosen, clashing=not containers.isdisjoint(leaves))
        return normalize(doc), conflicts

    def _decide(
        self, leaves: dict[Path, list[tuple[int, Any]]], containers: set[Path]
    ) -> tuple[list[tuple[int, Path, Any]], list[Path], list[Conflict]]:
        """The leaves kept (with the write that decided each), the leaves
        removed, and the conflicts among concurrent writes, by field.

        Nothing here may depend on the order the leaves were met in: that is
        the key order of the values written, which differs between a snapshot
        as authored and as read back (sorted). Conflicts are ordered by field
        and then path, as "a.b" names both ("a", "b") and ("a.b",).
        """
        chosen: list[tuple[int, Path, Any]] = []
        gone: list[Path] = []
        conflicts: list[tuple[Path, Conflict]] = []
        for path, writes in leaves.items():
            if len(writes) == 1:  # nothing concurrent: the one write decides
                index, value = writes[0]
                if value is not DELETED:
                    chosen.append((index, path, value))
                else:
                    gone.append(path)
                continue
            if is_set_element(path):
                added = [w for w in writes if w[1] is not DELETED]
                if added:
                    top = max(added, key=_by_index)
                    chosen.append((top[0], path, top[1]))
                else:
                    gone.append(path)
                continue
            winner = max(writes, key=_by_index)
            if winner[1] is not DELETED:
                chosen.append((winner[0], path, winner[1]))
            else:
                gone.append(path)
            losers = [w for w in writes if w is not winner and not _same(w, winner)]
            if losers:
                conflicts.append(
                    (
                        path,
                        Conflict(
                            field_name(path),
                            self._version(winner),
                            tuple(
                                self._version(w) for w in sorted(losers, key=_by_index)
                            ),
                        ),
                    )
                )

        # A clash needs a kept value at a path that has held a map.
        if not containers.isdisjoint(leaves) and any(
            p in containers and not isinstance(v, dict) for _, p, v in chosen
        ):
            conflicts += self._shape_clashes(chosen)
        conflicts.sort(key=lambda pc: (pc[1].field, pc[0]))
        return chosen, gone, [c for _, c in conflicts]

    def _shape_clashes(
        self, chosen: list[tuple[int, Path, Any]]
    ) -> list[tuple[Path, Conflict]]:
        """A value and a map written concurrently at one path: keep one, show both.

        Only one shape fits in the document (the later-ordered one, as `_place`
        puts it), so the other is kept as a conflict record rather than lost.
        The map's leaves are taken by write and path, so which one is named
        kept never depends on the order they were met in.
        """
        chosen = sorted(chosen, key=lambda c: (c[0], c[1]))
        prefixes = {path[:n] for _, path, _ in chosen for n in range(1, len(path))}
        clashes = []
        for index, path, value in chosen:
            if path not in prefixes or isinstance(value, dict):
                continue
            depth = len(path)
            under = [c for c in chosen if len(c[1]) > depth and c[1][:depth] == path]
            scalar = Version(value, *self._who(index))
            parts = [
                Version({".".join(p[depth:]): v}, *self._who(i)) for i, p, v in under
            ]
            name = field_name(path)
            if index > max(i for i, _, _ in under):
                clashes.append((path, Conflict(name, scalar, tuple(parts))))
            else:
                top = max(range(len(under)), key=lambda k: under[k][0])
                rest = [v for k, v in enumerate(parts) if k != top]
                clashes.append((path, Conflict(name, parts[top], (scalar, *rest))))
        return clashes

    def _who(self, index: int) -> tuple[SnapshotId, str | None, str | None, str | None]:
        snap = self.order[index]
        return snap.id, snap.author, snap.device, snap.wall_time

    def _flag_edits_beside_delete(
        self,
        leaves: dict[Path, list[tuple[int, Any]]],
        included: int,
        conflicts: list[Conflict],
    ) -> list[Conflict]:
        """Edits made concurrently with the winning delete are kept and flagged.

        The agent who deleted never saw them, so the ticket shows them as a
        conflict on `deleted` until someone restores it or deletes it again.
        """
        winner = max(leaves[("deleted",)], key=_by_index)
        beside = [
            (i, False)
            for i, snap in enumerate(self.order)
            if included >> i & 1
            and not snap.is_merge
            and not snap.is_root
            and i != winner[0]
            and not self._ancestors[winner[0]] >> i & 1
            and not self._ancestors[i] >> winner[0] & 1
            and _edits_content(snap)
        ]
        if not beside:
            return conflicts
        others = [self._version(w) for w in beside]
        kept = [c for c in conflicts if c.field == "deleted"]
        if kept:
            seen = {o.snapshot for o in kept[0].others}
            others = [*kept[0].others, *(o for o in others if o.snapshot not in seen)]
        rest = [c for c in conflicts if c.field != "deleted"]
        flagged = Conflict("deleted", self._version(winner), tuple(others))
        return sorted([*rest, flagged], key=lambda c: c.field)

    def _version(self, write: tuple[int, Any]) -> Version:
        snap = self.order[write[0]]
        return Version(write[1], snap.id, snap.author, snap.device, snap.wall_time)


def _edits_content(snap: Snapshot) -> bool:
    """Whether a snapshot changed more than `deleted`: another delete is no edit."""
    return any(op["op"] != "test" and op["path"] != "/deleted" for op in snap.patch)


def _same(a: tuple[int, Any], b: tuple[int, Any]) -> bool:
    if a[1] is DELETED or b[1] is DELETED:
        return a[1] is b[1]
    return json_equal(a[1], b[1])


def _by_index(write: tuple[int, Any]) -> int:
    return write[0]


def _write(
    leaves: dict[Path, list[tuple[int, Any]]],
    leaf: Path,
    index: int,
    seen: int,
    value: Any,
) -> None:
    """Record a write, dropping the earlier writes that this snapshot had seen."""
    kept = [w for w in leaves.get(leaf, ()) if w[0] != index and not seen >> w[0] & 1]
    kept.append((index, value))
    leaves[leaf] = kept
