"""The replicated ticket document: its fields, their allowed values, and edits to it.

The document has stable paths only (DESIGN.md §2): tags, custom fields and
comments are maps keyed by stable ids, never positional lists, so a patch made
on one laptop still means the same thing when replayed on another.
"""

import copy
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from desktop.errors import ValidationError
from sync.canonical import canonical_json

STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("question", "incident", "problem", "task")
#: Orders `list --sort` accepts; a leading "-" reverses one.
SORTS = ("updated", "created", "priority", "status", "subject", "number", "ref")

#: Fields an agent may set with `edit --set FIELD=VALUE`, beside `custom.<id>`.
EDITABLE = (
    "subject",
    "description",
    "status",
    "priority",
    "type",
    "assignee",
    "group",
    "due",
    "requester.name",
    "requester.email",
)
#: Fields set once by Offdesk itself.
SYSTEM = ("id", "provisional", "number", "created", "deleted", "comments", "tags")

_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:.]+(\.[^@\s<>\"(),;:.]+)+$")
_PERSON = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*$")
_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
SUBJECT_MAX = 250
#: Longest description, comment or custom text (a pasted log, say). With the
#: whole-document cap below it keeps every snapshot inside what a bundle line
#: and a sync request carry (16 MiB), so a ticket that can be written here can
#: always reach the other replicas instead of stalling every sync.
TEXT_MAX = 1_000_000
#: Largest ticket document as canonical JSON: its first snapshot (an import, or
#: a history in an export) carries all of it.
DOCUMENT_MAX_BYTES = 8 * 2**20
#: More than any comment, tag or field takes in JSON beside its text.
_ITEM_BYTES = 256
TAG_MAX = 64


@dataclass(frozen=True, slots=True)
class Person:
    name: str | None
    email: str | None

    def __str__(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email or ""


def now_iso() -> str:
    """Now, to the millisecond, so changes within one second still sort in order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso(moment: datetime) -> str:
    """UTC, second precision, with a Z: the one time format in documents."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(field: str, text: str) -> str:
    """Accept ISO 8601 dates and times; a time without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            field, f"{text!r} is not a date or time (use e.g. 2026-01-31T14:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso(moment)


def check_email(field: str, email: str) -> str:
    email = email.strip()
    if not _EMAIL.match(email):
        raise ValidationError(field, f"{email!r} is not an e-mail address")
    return email


def parse_person(field: str, text: str, *, email_required: bool = True) -> Person:
    """Read `Name <email>` or a bare address; a bare name if e-mail is optional."""
    text = text.strip()
    match = _PERSON.match(text)
    if match:
        name = match["name"].strip().strip('"') or None
        return Person(name, check_email(field, match["email"]))
    if "@" in text:
        return Person(None, check_email(field, text))
    if email_required or not text:
        raise ValidationError(field, f"{text!r} is not of the form 'Name <email>'")
    return Person(text, None)


def check_choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationError(
            field, f"{value!r} is not allowed; use one of: {', '.join(allowed)}"
        )
    return str(value)


def check_tag(tag: str) -> str:
    tag = tag.strip()
    # A comma would read as two tags wherever tags are listed (`tag:a,b`).
    if not tag or len(tag) > TAG_MAX or any(c.isspace() or c == "," for c in tag):
        raise ValidationError(
            "tags",
            f"{tag!r} is not a tag (1-{TAG_MAX} characters, no spaces or commas)",
        )
    return tag


def tag_key(tag: str | None) -> str | None:
    """One key per tag however it is spelt: accents composed and case folded,
    as normalizing dedupes tags ("Café", "CAFÉ" and "cafe\u0301" are one), and
    as the tag index holds them. None stays None: as an SQL function (see
    migration 0004) it may be handed a NULL."""
    if not isinstance(tag, str):
        return tag
    return unicodedata.normalize("NFC", tag).casefold()


def derive_subject(description: str, width: int = 80) -> str:
    """A subject from a description's first line, cut at a word if too long."""
    line = next((ln.strip() for ln in description.splitlines() if ln.strip()), "")
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def new_document(
    *,
    subject: str,
    requester: Person,
    provisional: str,
    description: str = "",
    status: str = "new",
    priority: str = "normal",
    type_: str | None = None,
    tags: list[str] | None = None,
    created: str | None = None,
    ticket_id: str | None = None,
    check: bool = True,
) -> dict[str, Any]:
    """A complete document for a new ticket, validated unless the caller will."""
    doc: dict[str, Any] = {
        "id": ticket_id or str(ULID()),
        "provisional": provisional,
        "number": None,
        "subject": subject,
        "description": description,
        "status": status,
        "priority": priority,
        "type": type_,
        "requester": {"name": requester.name, "email": requester.email},
        "assignee": None,
        "group": None,
        "due": None,
        "tags": {check_tag(t): True for t in tags or ()},
        "custom": {},
        "comments": {},
        "created": created or now_iso(),
        "deleted": False,
    }
    if check:
        validate(doc)
    return doc


def validate(doc: dict[str, Any]) -> None:
    """Raise ValidationError naming the first field that is wrong."""
    subject = doc.get("subject")
    if not isinstance(subject, str) or not subject.strip():
        raise ValidationError("subject", "is required")
    if len(subject) > SUBJECT_MAX:
        raise ValidationError("subject", f"is longer than {SUBJECT_MAX} characters")
    if not isinstance(doc.get("description"), str):
        raise ValidationError("description", "must be text")
    check_choice("status", doc.get("status"), STATUSES)
    check_choice("priority", doc.get("priority"), PRIORITIES)
    if doc.get("type") is not None:
        check_choice("type", doc["type"], TYPES)
    requester = doc.get("requester") or {}
    if not (requester.get("name") or requester.get("email")):
        raise ValidationError("requester", "needs a name or an e-mail address")
    if requester.get("email"):
        check_email("requester.email", requester["email"])
    for name in ("assignee", "group"):
        if doc.get(name) is not None and not isinstance(doc[name], str):
            raise ValidationError(name, "must be text")
    if doc.get("due") is not None:
        parse_time("due", doc["due"])
    for tag in doc.get("tags", {}):
        # New tags are checked where they are added (`check_tag`); a tag an
        # older replica allowed must not make its ticket uneditable here.
        if not tag.strip() or len(tag) > TAG_MAX:
            raise ValidationError("tags", f"{tag!r} is not a tag")
    for field_id, value in doc.get("custom", {}).items():
        check_custom(field_id, value)


def _size_bound(doc: dict[str, Any]) -> int:
    """More bytes than the document takes as canonical JSON, cheaply: a
    character takes at most 6 bytes (an escape), and _ITEM_BYTES covers each
    item's keys, times and flags."""
    text = 0
    for comment in doc.get("comments", {}).values():
        text += len(str(comment.get("body", ""))) + len(str(comment.get("author", "")))
    text += sum(len(tag) for tag in doc.get("tags", {}))
    text += sum(len(k) + len(str(v)) for k, v in doc.get("custom", {}).items())
    text += sum(len(str(v)) for v in doc.values() if not isinstance(v, dict))
    text += sum(len(str(v)) for v in (doc.get("requester") or {}).values())
    items = len(doc.get("comments", {})) + len(doc.get("tags", {}))
    items += len(doc.get("custom", {})) + len(doc)
    return 6 * text + _ITEM_BYTES * items


def check_size(doc: dict[str, Any], before: dict[str, Any] | None = None) -> None:
    """Refuse what a change would make too large to travel (see TEXT_MAX).

    Only texts the change adds or alters are judged, and the document cap only
    when the document grows: a ticket an older version stored stays editable,
    so an agent can still close or delete it.
    """
    before = before or {}
    old_custom = before.get("custom") or {}
    old_comments = before.get("comments") or {}
    texts = []
    if doc["description"] != before.get("description"):
        texts.append(("description", doc["description"]))
    texts += [
        (f"custom.{k}", v)
        for k, v in doc.get("custom", {}).items()
        if isinstance(v, str) and v != old_custom.get(k)
    ]
    comments = doc.get("comments", {})
    texts += [
        (f"comment {cid[-6:]}", c["body"])
        for cid, c in comments.items()
        if isinstance(c, dict)
        and isinstance(c.get("body"), str)
        and c != old_comments.get(cid)
    ]
    for name, text in texts:
        if len(text) > TEXT_MAX:
            raise ValidationError(name, f"is longer than {TEXT_MAX:,} characters")
    if _size_bound(doc) <= DOCUMENT_MAX_BYTES:
        return
    size = len(canonical_json(doc))
    if size > DOCUMENT_MAX_BYTES and size > len(canonical_json(before or {})):
        raise ValidationError(
            "ticket",
            f"would be larger than {DOCUMENT_MAX_BYTES // 2**20} MiB; "
            "continue the conversation in a new ticket",
        )


#: Fields every ticket document has; a received patch may not remove them.
REQUIRED = (
    "id",
    "provisional",
    "subject",
    "description",
    "status",
    "priority",
    "requester",
    "tags",
    "custom",
    "comments",
    "created",
)
_TEXT_OR_NONE = ("type", "assignee", "group", "due")
_COMMENT_FIELDS = {"author": str, "body": str, "public": bool, "created": str}


def received_problem(path: tuple[str, ...], op: str, value: Any) -> str | None:
    """Why a write received from another replica would leave no readable ticket.

    Checked per write, not on the merged result: the check is then the same on
    every replica whatever else it holds, so all refuse the same snapshots, and
    two writes that each passed can never merge into one that fails. Only the
    shape is checked (types and the fixed choices), not the agent-facing rules
    `validate` adds, which concurrent edits may legitimately combine to break.
    """
    if not path:
        if op == "remove" or not isinstance(value, dict):
            return "it replaces the ticket with something that is no ticket"
        missing = [f for f in REQUIRED if f not in value]
        if missing:
            return f"its ticket has no {missing[0]}"
        for name, field_value in value.items():
            problem = received_problem((name,), "add", field_value)
            if problem:
                return problem
        return None
    head = path[0]
    if op == "remove":
        if len(path) == 1 and head in REQUIRED:
            return f"it removes the ticket's {head}"
        return None
    where = ".".join(path)
    if len(path) == 1:
        if head in ("tags", "custom", "comments", "requester"):
            if not isinstance(value, dict):
                return f"{head} must be a map"
            for key, inner in value.items():
                problem = received_problem((head, key), "add", inner)
                if problem:
                    return problem
            return None
        expected = _SCALARS.get(head)
        if expected is not None and not expected(value):
            return f"{where} cannot be {value!r}"
        return None
    if head in ("tags",) and len(path) == 2:
        return None if value is True else f"{where} must be true"
    if head == "requester" and len(path) == 2:
        if value is None or isinstance(value, str):
            return None
        return f"{where} must be text"
    if head == "custom":
        if len(path) == 3:
            return None if value is True else f"{where} must be true"
        try:
            check_custom(path[1], value)
        except ValidationError as e:
            return str(e)
        return None
    if head == "comments":
        if len(path) == 2:
            if not isinstance(value, dict):
                return f"{where} must be a comment"
            for key, kind in _COMMENT_FIELDS.items():
                if not isinstance(value.get(key), kind):
                    return f"{where} has no {key}"
            return None
        kind = {**_COMMENT_FIELDS, "deleted": bool}.get(path[2])
        if len(path) == 3 and kind is not None and not isinstance(value, kind):
            return f"{where} cannot be {value!r}"
        return None
    if head in _SCALARS:
        return f"{head} holds one value, not {where}"
    return None


_SCALARS: dict[str, Any] = {
    "id": lambda v: isinstance(v, str) and bool(v),
    "provisional": lambda v: isinstance(v, str) and bool(v),
    "number": lambda v: v is None or (type(v) is int and v > 0),
    "subject": lambda v: isinstance(v, str),
    "description": lambda v: isinstance(v, str),
    "status": lambda v: v in STATUSES,
    "priority": lambda v: v in PRIORITIES,
    "type": lambda v: v is None or v in TYPES,
    "created": lambda v: isinstance(v, str),
    "deleted": lambda v: isinstance(v, bool),
    **{name: (lambda v: v is None or isinstance(v, str)) for name in _TEXT_OR_NONE},
}


def check_custom(field_id: str, value: Any) -> None:
    """Custom values are scalars, or a map of option -> true for a multi-select."""
    if not _CUSTOM_ID.match(field_id):
        raise ValidationError(
            f"custom.{field_id}", "a field id is 1-64 letters, digits, '_' or '-'"
        )
    if isinstance(value, dict):
        if not all(v is True for v in value.values()):
            raise ValidationError(
                f"custom.{field_id}", "a multi-select maps each option to true"
            )
    elif isinstance(value, list):
        raise ValidationError(
            f"custom.{field_id}", "lists are not allowed; use a multi-select map"
        )
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"custom.{field_id}", "must be a finite number")


def set_field(doc: dict[str, Any], field: str, value: str) -> None:
    """Apply one `--set FIELD=VALUE` from the command line; '' clears optional ones."""
    text = value.strip()
    if field in ("subject", "description"):
        doc[field] = value if field == "description" else text
    elif field == "status":
        doc["status"] = check_choice("status", text, STATUSES)
    elif field == "priority":
        doc["priority"] = check_choice("priority", text, PRIORITIES)
    elif field == "type":
        doc["type"] = check_choice("type", text, TYPES) if text else None
    elif field in ("assignee", "group"):
        doc[field] = text or None
    elif field == "due":
        doc["due"] = parse_time("due", text) if text else None
    elif field == "requester.name":
        doc["requester"]["name"] = text or None
    elif field == "requester.email":
        doc["requester"]["email"] = check_email(field, text) if text else None
    elif field.startswith("custom."):
        field_id = field.removeprefix("custom.")
        if text:
            check_custom(field_id, text)
            doc["custom"][field_id] = text
        else:
            doc["custom"].pop(field_id, None)
    elif field in SYSTEM:
        raise ValidationError(field, "is set by Offdesk and cannot be edited")
    else:
        raise ValidationError(
            field,
            "unknown field; editable fields are: "
            + ", ".join(EDITABLE)
            + ", custom.<id>",
        )
    validate(doc)


def set_option(doc: dict[str, Any], field: str, option: str, chosen: bool) -> None:
    """Tick or untick one option of a multi-select custom field (`custom.<id>`).

    Options are keys of a map, so two agents ticking different options on two
    laptops both keep theirs, as with tags; a field holding one value is not
    turned into a multi-select behind the agent's back.
    """
    if not field.startswith("custom."):
        raise ValidationError(field, "only custom fields have options")
    field_id = field.removeprefix("custom.")
    name = option.strip()
    if not name:
        raise ValidationError(field, "an option needs a name")
    current = doc["custom"].get(field_id)
    if current is not None and not isinstance(current, dict):
        raise ValidationError(field, "holds one value, not options; use --set")
    if chosen:
        doc["custom"].setdefault(field_id, {})[name] = True
    elif current is not None:
        current.pop(name, None)
    validate(doc)


def add_comment(
    doc: dict[str, Any], author: str, body: str, *, public: bool, created: str
) -> str:
    """Add a comment under a new ULID key and return the key."""
    if not body.strip():
        raise ValidationError("body", "a comment needs some text")
    comment_id = str(ULID())
    doc["comments"][comment_id] = {
        "author": author,
        "body": body,
        "public": public,
        "created": created,
    }
    return comment_id


def edited(doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy to edit, so the state it came from stays intact for the diff."""
    return copy.deepcopy(doc)
