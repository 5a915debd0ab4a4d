"""Translated names for the values tickets hold (statuses, priorities, types).

The document stores the English keys; only what an agent reads is translated,
so the strings sit here as literal `translate` calls that lupdate can find.
"""

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)

translate = QCoreApplication.translate


def status(value: str) -> str:
    names = {
        "new": translate("Labels", "new"),
        "open": translate("Labels", "open"),
        "pending": translate("Labels", "pending"),
        "on_hold": translate("Labels", "on hold"),
        "solved": translate("Labels", "solved"),
        "closed": translate("Labels", "closed"),
    }
    return names.get(value, value)


def priority(value: str) -> str:
    names = {
        "low": translate("Labels", "low"),
        "normal": translate("Labels", "normal"),
        "high": translate("Labels", "high"),
        "urgent": translate("Labels", "urgent"),
    }
    return names.get(value, value)


def stage(name: str) -> str:
    """A pipeline stage as the settings list shows it (the key is what the CLI
    and the stored configuration use); a plug-in stage shows its own name."""
    names = {
        "normalize": translate("Labels", "normalize (tidy text and e-mail)"),
        "validate": translate("Labels", "validate (team rules)"),
        "duplicates": translate("Labels", "duplicates (tag likely repeats)"),
        "routing": translate("Labels", "routing (group, assignee, priority)"),
        "sla": translate("Labels", "SLA (due times)"),
        "triggers": translate("Labels", "triggers (actions on changes)"),
    }
    return names.get(name, name)


def ticket_type(value: str | None) -> str:
    if value is None:
        return "—"
    names = {
        "question": translate("Labels", "question"),
        "incident": translate("Labels", "incident"),
        "problem": translate("Labels", "problem"),
        "task": translate("Labels", "task"),
    }
    return names.get(value, value)


def when(iso: str | None) -> str:
    """A stored UTC time as the agent's local "YYYY-MM-DD HH:MM"."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def short_when(iso: str | None, now: datetime | None = None) -> str:
    """For the list: "MM-DD HH:MM" this year, the date alone before that."""
    full = when(iso)
    this_year = str((now or datetime.now(UTC)).astimezone().year)
    if full[:4] == this_year:
        return full[5:]
    return full[:10]


def person(text: str | None) -> str:
    """The name part of "Name <email>", else the text itself."""
    if not text:
        return ""
    name = text.split("<")[0].strip()
    return name or text.strip("<> ")


def field(name: str) -> str:
    """A document field as the agent knows it (conflict titles)."""
    names = {
        "subject": translate("Labels", "Subject"),
        "description": translate("Labels", "Description"),
        "status": translate("Labels", "Status"),
        "priority": translate("Labels", "Priority"),
        "type": translate("Labels", "Type"),
        "assignee": translate("Labels", "Assignee"),
        "group": translate("Labels", "Group"),
        "due": translate("Labels", "Due"),
        "deleted": translate("Labels", "Deleted"),
        "requester.name": translate("Labels", "Requester"),
        "requester.email": translate("Labels", "Requester e-mail"),
    }
    return names.get(name, name)
