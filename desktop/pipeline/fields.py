"""Ticket fields as rules name them: reading one for a condition, setting one.

Rules address fields by dotted names (`priority`, `requester.email`,
`custom.os`). Getters are compiled once per rule, because conditions run on
every change and a lookup table beats parsing the name each time.
"""

from collections.abc import Callable
from typing import Any

from desktop.errors import ValidationError
from desktop.ticket import EDITABLE, PRIORITIES, STATUSES, TYPES, check_custom

Getter = Callable[[dict[str, Any]], Any]

#: Fields a condition may test, beside `custom.<id>`.
READABLE = (*EDITABLE, "requester.domain", "tags")
#: Fields a rule may set, beside `custom.<id>`.
SETTABLE = ("status", "priority", "type", "assignee", "group")
#: Values a settable field accepts; None means "any text".
CHOICES: dict[str, tuple[str, ...] | None] = {
    "status": STATUSES,
    "priority": PRIORITIES,
    "type": TYPES,
    "assignee": None,
    "group": None,
}
#: Fields that hold a set (tags, multi-selects): `contains` means membership.
SET_FIELDS = ("tags",)


def is_readable(name: str) -> bool:
    return name in READABLE or _custom_id(name) is not None


def is_settable(name: str) -> bool:
    return name in SETTABLE or _custom_id(name) is not None


def _custom_id(name: str) -> str | None:
    if name.startswith("custom.") and len(name) > len("custom."):
        return name.removeprefix("custom.")
    return None


def getter(name: str) -> Getter:
    """A function reading `name` from a document (None where it has no value)."""
    custom = _custom_id(name)
    if custom is not None:
        return lambda doc: doc["custom"].get(custom)
    if name == "requester.name":
        return lambda doc: doc["requester"].get("name")
    if name == "requester.email":
        return lambda doc: doc["requester"].get("email")
    if name == "requester.domain":
        return _domain
    return lambda doc: doc.get(name)


def _domain(doc: dict[str, Any]) -> str | None:
    email = doc["requester"].get("email")
    if not email or "@" not in email:
        return None
    return str(email).rpartition("@")[2].lower()


def check_value(name: str, value: Any) -> Any:
    """The value a rule may set `name` to, or ValidationError saying why not."""
    custom = _custom_id(name)
    if custom is not None:
        if value is not None:
            if isinstance(value, dict | list):
                raise ValidationError(name, "a rule sets custom fields to one value")
            check_custom(custom, value)
        return value
    allowed = CHOICES[name]
    if value is None:
        if name in ("status", "priority"):
            raise ValidationError(name, "cannot be cleared")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(name, f"{value!r} is not text")
    if allowed is not None and value not in allowed:
        raise ValidationError(
            name, f"{value!r} is not allowed; use one of: {', '.join(allowed)}"
        )
    return value.strip()


def set_value(doc: dict[str, Any], name: str, value: Any) -> bool:
    """Set a checked value; returns whether the document changed."""
    custom = _custom_id(name)
    if custom is not None:
        if value is None:
            return doc["custom"].pop(custom, None) is not None
        if doc["custom"].get(custom) == value:
            return False
        doc["custom"][custom] = value
        return True
    if doc.get(name) == value:
        return False
    doc[name] = value
    return True
