"""A diff between two snapshots in the agent's words, for the history tab.

`desktop.render.ops_text` prints raw values (a comment is a dict with a ULID
key); here a comment reads "+ internal note by Bea Agent: Checked the…" and
a tag "+ tag needs-imagery". Qt-free.
"""

import logging
from typing import Any

from sync.patch import Op, decode_pointer

log = logging.getLogger(__name__)


def diff_lines(ops: list[Op], width: int = 80) -> list[str]:
    lines = []
    for op in ops:
        if op["op"] == "test":
            continue
        path = decode_pointer(op["path"])
        sign = {"add": "+", "remove": "-", "replace": "~"}[op["op"]]
        value = op.get("value")
        if path and path[0] == "comments":
            lines.append(_comment(sign, path, value, width))
        elif path and path[0] == "tags" and len(path) == 2:
            lines.append(f"{sign} tag {path[1]}")
        elif op["op"] == "remove":
            lines.append(f"- {'.'.join(path)}")
        elif isinstance(value, dict):
            for key, sub in sorted(value.items()):
                lines.append(f"{sign} {'.'.join((*path, key))}: {_cut(sub, width)}")
        else:
            lines.append(f"{sign} {'.'.join(path) or '(ticket)'}: {_cut(value, width)}")
    return lines


def _comment(sign: str, path: tuple[str, ...], value: Any, width: int) -> str:
    if len(path) == 2 and isinstance(value, dict):
        kind = "reply" if value.get("public") else "internal note"
        who = str(value.get("author", "")).split("<")[0].strip()
        return f"{sign} {kind} by {who}: {_cut(value.get('body', ''), width)}"
    if path[-1] == "deleted":
        return f"- comment {path[1][-6:]} deleted"
    return f"{sign} comment {path[1][-6:]} {'.'.join(path[2:])}: {_cut(value, width)}"


def _cut(value: Any, width: int) -> str:
    text = " ".join(str(value).split()) if value is not None else "(empty)"
    return text if len(text) <= width else text[: width - 1] + "…"
