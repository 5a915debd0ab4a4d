"""A diff between two snapshots in the agent's words and language, for the
history tab.

`desktop.render.ops_text` prints raw values (a comment is a dict with a ULID
key); here a comment reads "+ internal note by Bea Agent: Checked the…" and
a tag "+ tag needs-imagery". Field names stay as searches and rules spell them.
"""

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication

from sync.patch import MISSING, Op, decode_pointer, value_at

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def diff_lines(
    ops: list[Op], width: int = 80, before: dict[str, Any] | None = None
) -> list[str]:
    """One line per change; with `before`, a changed field shows its old value
    too ("~ priority: normal → high")."""
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
            lines.append(
                f"{sign} " + translate("DiffText", "tag %1").replace("%1", path[1])
            )
        elif op["op"] == "remove":
            lines.append(f"- {'.'.join(path)}")
        elif isinstance(value, dict):
            for key, sub in sorted(value.items()):
                lines.append(f"{sign} {'.'.join((*path, key))}: {_cut(sub, width)}")
        else:
            name = ".".join(path) or translate("DiffText", "(ticket)")
            replaced = before is not None and op["op"] == "replace"
            old = value_at(before, path) if replaced else MISSING
            was = "" if old is MISSING else f"{_cut(old, width // 2)} → "
            lines.append(f"{sign} {name}: {was}{_cut(value, width)}")
    return lines


def _comment(sign: str, path: tuple[str, ...], value: Any, width: int) -> str:
    if len(path) == 2 and isinstance(value, dict):
        who = str(value.get("author", "")).split("<")[0].strip()
        kind = (
            translate("DiffText", "reply by %1")
            if value.get("public")
            else translate("DiffText", "internal note by %1")
        )
        return f"{sign} {kind.replace('%1', who)}: {_cut(value.get('body', ''), width)}"
    comment = path[1][-6:]
    if path[-1] == "deleted":
        return "- " + translate("DiffText", "comment %1 deleted").replace("%1", comment)
    field = ".".join(path[2:])
    head = translate("DiffText", "comment %1").replace("%1", comment)
    return f"{sign} {head} {field}: {_cut(value, width)}"


def _cut(value: Any, width: int) -> str:
    text = (
        " ".join(str(value).split())
        if value is not None
        else translate("DiffText", "(empty)")
    )
    return text if len(text) <= width else text[: width - 1] + "…"
