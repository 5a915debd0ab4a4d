"""How tickets and histories are shown: `--json` shapes and the text agents read."""

import json
import time
from typing import Any

from desktop.pipeline import sla
from desktop.pipeline.config import is_reserved
from sync import dag
from sync.history import History
from sync.patch import MISSING, Op, decode_pointer, value_at
from sync.snapshot import Snapshot


def ticket_ref(doc: dict[str, Any]) -> str:
    """`#1042` once the server numbered it, else the provisional number."""
    return f"#{doc['number']}" if doc.get("number") else str(doc["provisional"])


def ticket_json(record: dict[str, Any], *, comments: bool = True) -> dict[str, Any]:
    """The public shape of a ticket (`show --json`; `list --json` without comments)."""
    doc = record["doc"]
    shown: dict[str, Any] = {
        "id": doc["id"],
        "ref": ticket_ref(doc),
        "number": doc.get("number"),
        "provisional": doc["provisional"],
        "subject": doc["subject"],
        "description": doc["description"],
        "status": doc["status"],
        "priority": doc["priority"],
        "type": doc.get("type"),
        "requester": {
            "name": doc["requester"].get("name"),
            "email": doc["requester"].get("email"),
        },
        "assignee": doc.get("assignee"),
        "group": doc.get("group"),
        "due": doc.get("due"),
        "tags": sorted(doc["tags"]),
        "custom": doc["custom"],
        "created": doc["created"],
        "updated": record.get("updated") or doc["created"],
        "deleted": bool(doc.get("deleted")),
        "heads": record["heads"],
        "conflicts": record.get("conflicts", []),
        "clock_warnings": record.get("clock_warnings", []),
        "sla": sla.shown(record.get("sla"), int(time.time())),
    }
    if comments:
        shown["comments"] = comment_list(doc)
    return shown


def comment_list(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Comments in time order; ties (same second) fall back to the id, a ULID."""
    ordered = sorted(doc["comments"].items(), key=lambda kv: (kv[1]["created"], kv[0]))
    return [
        {
            "id": cid,
            "author": c["author"],
            "body": c["body"],
            "public": c["public"],
            "created": c["created"],
            **({"deleted": True} if c.get("deleted") else {}),
        }
        for cid, c in ordered
    ]


def ticket_text(t: dict[str, Any]) -> str:
    requester = t["requester"]
    email = f"<{requester['email']}>" if requester["email"] else ""
    who = " ".join(x for x in (requester["name"], email) if x)
    lines = [
        f"{t['ref']}  {t['subject']}",
        f"  status {t['status']}  priority {t['priority']}"
        + (f"  type {t['type']}" if t["type"] else ""),
        f"  requester {who}",
        f"  assignee {t['assignee'] or '-'}  group {t['group'] or '-'}"
        + (f"  due {t['due']}" if t["due"] else ""),
        f"  created {t['created']}  updated {t['updated']}  id {t['id']}",
    ]
    if t["tags"]:
        lines.append("  tags " + ", ".join(t["tags"]))
    if t.get("sla"):
        lines.append("  " + sla_text(t["sla"]))
    for key, value in sorted(t["custom"].items()):
        shown = ", ".join(sorted(value)) if isinstance(value, dict) else value
        lines.append(f"  {key}: {shown}")
    if t["deleted"]:
        lines.append("  DELETED")
    for c in t["conflicts"]:
        others = "; ".join(
            f"{json_text(o['value'])} by {o['author']}" for o in c["others"]
        )
        lines.append(
            f"  CONFLICT {c['field']}: kept {json_text(c['kept']['value'])} by "
            f"{c['kept']['author']}; also {others}"
        )
    if t["description"]:
        lines += ["", _indent(t["description"])]
    for c in t.get("comments", []):
        kind = "reply" if c["public"] else "internal note"
        gone = " (deleted)" if c.get("deleted") else ""
        lines += ["", f"--- {kind} by {c['author']} at {c['created']}{gone}"]
        lines.append(_indent(c["body"]))
    return "\n".join(lines)


def sla_text(shown: dict[str, Any]) -> str:
    """One line: the due times still ahead, or what was met, and any breach."""
    parts = []
    for label, key, met in (
        ("first response", "first_response_due", "first_response_at"),
        ("resolution", "resolution_due", "resolved_at"),
    ):
        if shown[met]:
            parts.append(f"{label} done {shown[met]}")
        elif shown[key]:
            parts.append(f"{label} due {shown[key]}")
    state = " BREACHED" if shown["breached"] else ""
    paused = " (paused)" if shown["paused"] else ""
    return "sla " + ("; ".join(parts) or "-") + paused + state


def ticket_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no tickets"
    lines = []
    for t in rows:
        flag = "!" if t["conflicts"] else " "
        who = t["requester"]["name"] or t["requester"]["email"] or ""
        lines.append(
            f"{t['ref']:<10} {t['status']:<8} {t['priority']:<7}{flag}"
            f"{_cut(t['subject'], 50):<50}  {_cut(who, 24)}"
        )
    return "\n".join(lines)


#: What a snapshot did, one part per change: (kind, field or tag, value).
SummaryPart = tuple[str, str, str]
_SUMMARY_TEXT = {
    "tag_added": "+tag {0}",
    "tag_removed": "-tag {0}",
    "reply": "reply",
    "internal_note": "internal note",
    "comment_edited": "edited comment {0}",
    "cleared": "cleared {0}",
    "set": "{0}={1}",
}


def summary_parts(snap: Snapshot) -> list[SummaryPart]:
    """The changes of an authored, non-root snapshot, for `summary` to word
    (or the window to translate)."""
    parts: list[SummaryPart] = []
    for op in snap.patch:
        path = decode_pointer(op["path"])
        if op["op"] == "test":
            continue
        if path[0] == "tags":
            kind = "tag_added" if op["op"] != "remove" else "tag_removed"
            parts.append((kind, path[1], ""))
        elif path[0] == "comments":
            if len(path) == 2 and op["op"] == "add":
                public = op["value"].get("public")
                parts.append(("reply" if public else "internal_note", "", ""))
            else:
                parts.append(("comment_edited", path[1][-6:], ""))
        elif op["op"] == "remove" or op["value"] is None:
            parts.append(("cleared", ".".join(path), ""))
        else:
            value = op["value"]
            text = value if isinstance(value, str) else json_text(value)
            parts.append(("set", ".".join(path), _cut(text, 30)))
    return parts


def summary(snap: Snapshot) -> str:
    """One line saying what a snapshot did, in the agent's terms."""
    if snap.is_merge:
        return "merged " + ", ".join(p[:8] for p in snap.parents)
    if snap.is_root:
        return "created"
    return "; ".join(
        _SUMMARY_TEXT[kind].format(name, value)
        for kind, name, value in summary_parts(snap)
    )


def log_entries(history: History) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "parents": list(s.parents),
            "author": s.author,
            "device": s.device,
            "clock": s.clock.to_json(),
            "wall_time": s.wall_time,
            "merge": s.is_merge,
            "summary": summary(s),
            "patch": list(s.patch),
        }
        for s in reversed(history.order)
    ]


def log_text(history: History, *, graph: bool = False) -> str:
    lines = []
    rows = _graph_rows(history) if graph else [("", s) for s in reversed(history.order)]
    for lanes, snap in rows:
        if snap is None:
            lines.append(lanes)
            continue
        who = "merge" if snap.is_merge else snap.author
        when = snap.wall_time or ""
        prefix = f"{lanes} " if graph else ""
        lines.append(f"{prefix}{snap.id[:12]}  {when:<20}  {who}  {summary(snap)}")
    return "\n".join(lines)


def _graph_rows(history: History) -> list[tuple[str, Snapshot | None]]:
    rows = list(dag.graph(history))
    width = max((len(lanes) for lanes, _ in rows), default=1)
    return [(lanes.ljust(width), snap) for lanes, snap in rows]


def outcomes_text(outcomes: list[dict[str, Any]]) -> str:
    """One line per ticket a bundle or sync touched."""
    if not outcomes:
        return "nothing to apply"
    lines = []
    for o in outcomes:
        line = f"{o['ref']:<12} {o['result']}"
        if is_reserved(str(o["ticket"])):
            line += " (team settings)"
        if o["rejected"]:
            reasons = "; ".join(f"{k[:12]}: {v}" for k, v in o["rejected"].items())
            line += f" (refused {reasons})"
        lines.append(line)
    return "\n".join(lines)


def ops_text(ops: list[Op], before: dict[str, Any] | None = None) -> str:
    """A diff as lines; with `before` (the state the ops apply to), a changed
    or removed field shows what it was too: `~ status: "new" → "open"`."""
    lines = []
    for op in ops:
        path = decode_pointer(op["path"])
        field = ".".join(path) or "(ticket)"
        old = value_at(before, path) if before is not None else MISSING
        was = "" if old is MISSING else _cut(json_text(old), 34) + " → "
        if op["op"] == "remove":
            lines.append(f"- {field}" + (f" (was {was[:-3]})" if was else ""))
        elif op["op"] == "add":
            lines.append(f"+ {field}: {_cut(json_text(op['value']), 70)}")
        elif op["op"] == "replace":
            lines.append(f"~ {field}: {was}{_cut(json_text(op['value']), 70)}")
    return "\n".join(lines)


def counted(count: int, noun: str) -> str:
    """'1 ticket', '2 tickets': counts in sentences read as English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def json_text(value: Any) -> str:
    """A field's value as JSON writes it, the notation `--json` and rules use."""
    return json.dumps(value, ensure_ascii=False)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
