"""RFC 6902 JSON Patch, restricted to the operations a ticket history may store.

Only `add`, `replace`, `remove` and `test` are allowed, and only on object
members: a path that indexes into an array would edit the wrong element when
replayed on a diverged copy, so arrays are values here, never containers.
"""

import copy
import functools
from typing import Any

from sync.errors import PatchError

Op = dict[str, Any]
ALLOWED_OPS = frozenset({"add", "replace", "remove", "test"})
_MEMBERS = frozenset({"op", "path", "value"})


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON means it: `true` is not `1`, though `1` equals `1.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return False
    return bool(a == b)


def encode_pointer(parts: tuple[str, ...]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


@functools.lru_cache(maxsize=8192)
def decode_pointer(pointer: str) -> tuple[str, ...]:
    """The path a JSON pointer names; remembered, as histories write the same
    few paths again and again (the result is a tuple, safe to share)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise PatchError(f"JSON pointer {pointer!r} must start with '/'")
    parts = pointer[1:].split("/")
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in parts)


def check_op(op: object) -> Op:
    """Return `op` if it is a well-formed allowed operation, else raise PatchError."""
    if not isinstance(op, dict):
        raise PatchError(f"a patch operation must be an object, got {op!r}")
    name = op.get("op")
    if name not in ALLOWED_OPS:
        raise PatchError(f"operation {name!r} is not one of {sorted(ALLOWED_OPS)}")
    path = op.get("path")
    if not isinstance(path, str):
        raise PatchError(f"operation {name!r} has no string 'path'")
    if path and path[0] != "/":
        raise PatchError(f"JSON pointer {path!r} must start with '/'")
    wants_value = name != "remove"
    if wants_value != ("value" in op) or op.keys() - _MEMBERS:
        raise PatchError(f"operation {op!r} has the wrong members for {name!r}")
    return op


def apply_patch(doc: Any, ops: list[Op]) -> Any:
    """Apply `ops` to a copy of `doc`; the original is never modified."""
    result = copy.deepcopy(doc)
    for op in ops:
        result = _apply_one(result, check_op(op))
    return result


def _apply_one(doc: Any, op: Op) -> Any:
    parts = decode_pointer(op["path"])
    name = op["op"]
    if not parts:
        if name == "test":
            if not json_equal(doc, op["value"]):
                raise PatchError("test of the whole document failed")
            return doc
        if name == "remove":
            raise PatchError("the whole document cannot be removed")
        return copy.deepcopy(op["value"])

    parent = doc
    for part in parts[:-1]:
        if not isinstance(parent, dict) or part not in parent:
            raise PatchError(f"path {op['path']!r} does not exist")
        parent = parent[part]
    if not isinstance(parent, dict):
        raise PatchError(f"path {op['path']!r} goes through a non-object")
    key = parts[-1]

    if name == "test":
        if key not in parent or not json_equal(parent[key], op["value"]):
            raise PatchError(f"test at {op['path']!r} failed")
    elif name == "add":
        parent[key] = copy.deepcopy(op["value"])
    elif name == "replace":
        if key not in parent:
            raise PatchError(f"cannot replace missing {op['path']!r}")
        parent[key] = copy.deepcopy(op["value"])
    else:
        if key not in parent:
            raise PatchError(f"cannot remove missing {op['path']!r}")
        del parent[key]
    return doc


MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


def value_at(doc: Any, path: tuple[str, ...]) -> Any:
    """The value at `path`, or MISSING where there is none."""
    node = doc
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Op]:
    """The smallest member-level patch turning `old` into `new`, in sorted key order."""
    ops: list[Op] = []
    _diff_into(ops, (), old, new)
    return ops


def _diff_into(ops: list[Op], at: tuple[str, ...], old: dict, new: dict) -> None:
    for key in sorted(old.keys() | new.keys()):
        path = at + (key,)
        if key not in new:
            ops.append({"op": "remove", "path": encode_pointer(path)})
        elif key not in old:
            ops.append({"op": "add", "path": encode_pointer(path), "value": new[key]})
        elif isinstance(old[key], dict) and isinstance(new[key], dict):
            _diff_into(ops, path, old[key], new[key])
        elif not json_equal(old[key], new[key]):
            ops.append(
                {"op": "replace", "path": encode_pointer(path), "value": new[key]}
            )
