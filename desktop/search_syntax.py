"""The search box's little language: words for full-text, `key:value` for filters.

`status:open,pending priority:high tag:vpn assignee:me is:conflict printer`
finds open or pending high-priority tickets tagged vpn, assigned to me, with
a conflict, mentioning "printer". The window's search box and `offdesk list
--search` both speak it. Parsing never raises: while an agent is typing
`status:op` the query is simply incomplete, so problems come back as values
the window shows quietly beside the box (the command line refuses them).
"""

import logging
from dataclasses import dataclass, field

from desktop.ticket import PRIORITIES, SORTS, STATUSES

log = logging.getLogger(__name__)


@dataclass
class ParsedSearch:
    words: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    assignee: str | None = None
    conflicts_only: bool = False
    sort: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> str | None:
        return " ".join(self.words) or None


KEYS = ("status", "priority", "tag", "assignee", "is", "sort")


def parse(text: str) -> ParsedSearch:
    out = ParsedSearch()
    for token in text.split():
        key, sep, value = token.partition(":")
        key = key.lower()
        if not sep or key not in KEYS:
            out.words.append(token)
            continue
        if not value:
            continue  # still being typed
        values = [v for v in value.split(",") if v]
        if key == "status":
            _choose(out.status, values, STATUSES, "status", out.problems)
        elif key == "priority":
            _choose(out.priority, values, PRIORITIES, "priority", out.problems)
        elif key == "tag":
            out.tags.extend(values)
        elif key == "assignee":
            out.assignee = value
        elif key == "is":
            if value.lower() in ("conflict", "conflicts", "conflicted"):
                out.conflicts_only = True
            else:
                out.problems.append(f"is:{value}")
        elif key == "sort":
            if value.lstrip("-") in SORTS:
                out.sort = value
            else:
                out.problems.append(f"sort:{value}")
    return out


def _choose(
    into: list[str],
    values: list[str],
    allowed: tuple[str, ...],
    key: str,
    problems: list[str],
) -> None:
    for value in values:
        if value.lower() in allowed:
            into.append(value.lower())
        else:
            problems.append(f"{key}:{value}")


#: What an agent types to mean themselves, in `assignee:` and `assignee=`.
ME = ("me", "mine")


def assignee_value(value: str, agent: str) -> str:
    """`value` for the assignee field, with "me" standing for this agent (by
    e-mail, one of the spellings `me_aliases` finds)."""
    if value.strip().casefold() in ME:
        name, email = _name_and_email(agent)
        return email or name
    return value


def me_aliases(agent: str) -> tuple[str, ...]:
    """The spellings an assignee field may hold for this agent (`assignee:me`)."""
    name, email = _name_and_email(agent)
    forms = {agent.strip(), name, email, email.split("@")[0]}
    return tuple(sorted(f for f in forms if f))


def _name_and_email(agent: str) -> tuple[str, str]:
    """`Name <email>` split; either part may be empty."""
    name, _, rest = agent.partition("<")
    return name.strip(), rest.rstrip(">").strip()
