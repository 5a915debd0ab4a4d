"""A ticket document as leaves, and leaves put back into a document.

The fold (`sync.history`) works on leaves: paths to values that are not
non-empty maps. This module holds the shape rules on both sides of it, which
plain patch application must share with the fold so the two agree: the
top-level maps every ticket has, `normalize`, applying a line of patches
(`extend_linear`), placing kept leaves into a document, and the pieces of the
fork shortcut that read or write a document rather than a history.
"""

from collections.abc import Iterable
from typing import Any

from sync.canonical import json_copy
from sync.patch import decode_pointer
from sync.snapshot import Snapshot

Path = tuple[str, ...]

#: Top-level maps every ticket document has, even when empty.
CONTAINERS = ("requester", "tags", "custom", "comments")


def normalize(doc: dict[str, Any]) -> dict[str, Any]:
    """The canonical shape: top-level maps present, no empty maps below them.

    Both the fold and plain patch application pass through this, so they agree
    on a custom multi-select whose last option was removed. Only `custom` can
    hold maps that empty out; comments and the requester never do.
    """
    out = dict(doc)
    for name in CONTAINERS:
        if not isinstance(out.get(name), dict):
            out[name] = {}
    custom = out["custom"]
    if any(_is_empty_map(v) for v in custom.values()):
        out["custom"] = {k: v for k, v in custom.items() if not _is_empty_map(v)}
    return out


def _is_empty_map(value: Any) -> bool:
    return isinstance(value, dict) and not value


def leaves_of(path: Path, value: Any, containers: set[Path]) -> dict[Path, Any]:
    """The leaves of `value` written at `path`, depth first in key order; the
    maps on the way are added to `containers`. An empty document has none."""
    if not path and not (isinstance(value, dict) and value):
        return {}
    for n in range(len(path)):
        containers.add(path[:n])
    if not (isinstance(value, dict) and value):
        return {path: value}
    out: dict[Path, Any] = {}
    _gather(path, value, out, containers)
    return out


def _gather(
    prefix: Path, node: dict[str, Any], out: dict[Path, Any], containers: set[Path]
) -> None:
    containers.add(prefix)
    for key, sub in node.items():
        if isinstance(sub, dict) and sub:
            _gather(prefix + (key,), sub, out, containers)
        else:
            out[prefix + (key,)] = sub


def _placing_order(chosen: tuple[int, Path, Any]) -> tuple[int, int]:
    return chosen[0], len(chosen[1])


def extend_linear(
    doc: dict[str, Any], chain: Iterable[Snapshot]
) -> dict[str, Any] | None:
    """The fold of a conflict-free state extended by a chain of descendants.

    When each snapshot's only parent is the one before and the first descends
    from every write in `doc`, every write sees all earlier ones, so folding
    reduces to applying the patches in turn, far cheaper than `History.state`.
    Returns None where the two could differ (a write through a value that is
    not a map, a removal that empties a nested map, a replaced root that is no
    document); the caller then runs the full fold.
    """
    out = applied(doc, chain)
    return None if out is None else normalize(out)


def applied(doc: dict[str, Any], chain: Iterable[Snapshot]) -> dict[str, Any] | None:
    """`extend_linear` before `normalize`: the document as the patches leave it."""
    out = json_copy(doc)
    for snap in chain:
        for op in snap.patch:
            name = op["op"]
            if name == "test":
                continue
            path = decode_pointer(op["path"])
            if not path:
                if name == "remove":
                    out = {}
                    continue
                if not isinstance(op["value"], dict):
                    return None
                out = json_copy(op["value"])
                continue
            node = out
            for part in path[:-1]:
                if part not in node:
                    if name == "remove":
                        break
                    node[part] = {}
                child = node[part]
                if not isinstance(child, dict):
                    return None  # null included: the fold keeps it beside
                node = child
            else:
                if name != "remove":
                    value = op["value"]
                    if isinstance(value, dict | list):
                        value = json_copy(value)
                    node[path[-1]] = value
                elif path[-1] in node:
                    del node[path[-1]]
                    # The fold drops a map left without leaves; `normalize`
                    # does that only for custom fields, and puts back the
                    # top-level maps: any other emptied map needs the fold.
                    if not node and not _normalized_when_empty(path[:-1]):
                        return None
    return out


def _normalized_when_empty(path: Path) -> bool:
    """Whether `normalize` gives an emptied map at `path` the shape the fold does."""
    if len(path) == 2:
        return path[0] == "custom"  # a multi-select field: normalize drops it
    return not path or (len(path) == 1 and path[0] in CONTAINERS)


def place_all(
    doc: dict[str, Any], chosen: list[tuple[int, Path, Any]], *, clashing: bool = True
) -> None:
    """Put the kept leaves into `doc`. Where one may sit below another
    (`clashing`), they go in write order, so the later shape wins; where none
    can, the order changes nothing and is not sorted for."""
    if clashing:
        chosen.sort(key=_placing_order)
    for _, path, value in chosen:
        if len(path) == 1 and not isinstance(value, dict | list):
            doc[path[0]] = value  # most fields: nothing to walk or copy
        else:
            _place(doc, path, value)


def later_targets(base: dict[str, Any], later: list[Snapshot]) -> set[Path] | None:
    """The paths `later` writes, or None where a write could make the full
    fold see the line's document beside it rather than under it: a write to
    the document or a top-level map, through a value that is not a map, over
    a non-empty map, or of a non-empty map over a value the line holds.

    `base` is the line's document before `normalize`, so a top-level map it
    would have put in place does not hide a write through a null.
    """
    targets: set[Path] = set()
    for snap in later:
        for op in snap.patch:
            if op["op"] == "test":
                continue
            path = decode_pointer(op["path"])
            if not path or (len(path) == 1 and path[0] in CONTAINERS):
                return None
            targets.add(path)
            node: Any = base
            for part in path[:-1]:
                if part not in node:
                    break
                node = node[part]
                if not isinstance(node, dict):
                    return None
            else:
                if path[-1] not in node:
                    continue
                value = node[path[-1]]
                written = op.get("value")
                if (isinstance(value, dict) and value) or (
                    isinstance(written, dict) and written
                ):
                    return None
    return targets


def leaves_toward(
    path: Path, value: Any, targets: set[Path], containers: set[Path]
) -> dict[Path, Any]:
    """The leaves of `value` written at `path` that lie on the way to or under
    one of `targets`; the maps on the way are added to `containers`, as
    `leaves_of` adds them (for a path unrelated to every target, only the
    maps above it: no leaf a target can meet lies under it)."""
    if any(path[: len(t)] == t for t in targets):
        return leaves_of(path, value, containers)  # all of it is under a target
    if not path and not (isinstance(value, dict) and value):
        return {}
    containers.update(path[:n] for n in range(len(path)))
    out: dict[Path, Any] = {}
    size = len(path)
    for target in targets:
        if len(target) <= size or target[:size] != path:
            continue
        node, at = value, path
        for part in target[size:]:
            if not (isinstance(node, dict) and node):
                out[at] = node  # a leaf on the way to the target
                break
            containers.add(at)
            if part not in node:
                break
            node, at = node[part], at + (part,)
        else:
            out.update(leaves_of(at, node, containers))
    return out


def overlay(
    base: dict[str, Any],
    chosen: list[tuple[int, Path, Any]],
    gone: list[Path],
) -> dict[str, Any] | None:
    """`base` with the kept and removed leaves put over it, or None where a
    removal empties a map that the full fold would drop.

    A leaf removed in the line may since hold a map again (a field replaced
    by a map); that map stays, its own leaves deciding what is left of it.
    """
    for path in gone:
        parent = _node_at(base, path[:-1])
        if parent is not None:
            held = parent.get(path[-1])
            if not (isinstance(held, dict) and held):
                parent.pop(path[-1], None)
    place_all(base, chosen)
    for path in gone:
        for depth in range(1, len(path)):
            node = _node_at(base, path[:depth])
            if node is None:
                break
            if not node and not _normalized_when_empty(path[:depth]):
                return None
    return base


def _node_at(doc: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The map at `path`, or None where there is none."""
    node: Any = doc
    for part in path:
        node = node.get(part)
        if not isinstance(node, dict):
            return None
    return node


def _place(doc: dict[str, Any], path: Path, value: Any) -> None:
    """Put a leaf into the document; a later-ordered leaf wins a clash of shapes."""
    node = doc
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if _is_empty_map(value):
        if not isinstance(node.get(path[-1]), dict):
            node[path[-1]] = {}
        return
    # Snapshots are shared; a state must never alias their mutable values.
    node[path[-1]] = json_copy(value) if isinstance(value, list) else value
