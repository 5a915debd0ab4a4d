"""A proposed change to one ticket, and the verdicts stages give on it.

Stages edit `Change.doc` in place (copying a document per stage would cost more
than the stages themselves) and say what they did through `Change.note`, so the
event bus can announce it once the change is committed. A verdict is a value:
pass, reject (the input is wrong) or fault (the rules are wrong); a stage that
raises is treated as a fault of its own, never as the input's.
"""

import enum
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from sync.canonical import parse_json
from sync.patch import Op


class Origin(enum.StrEnum):
    """Who proposed a change, which decides what a rejection does to it."""

    #: An agent's own action (CLI new/edit/comment, the GUI): refused at once.
    INTERACTIVE = "interactive"
    #: A row an import parsed: rejected rows go to quarantine.
    IMPORT = "import"
    #: An automatic action (a rule, a scheduled job): rejected ones quarantined.
    RULE = "rule"
    #: A quarantined change tried again: a rejection keeps it quarantined.
    RETRY = "retry"

    @property
    def unattended(self) -> bool:
        return self is not Origin.INTERACTIVE


class Kind(enum.StrEnum):
    CREATE = "create"
    CHANGE = "change"


class Blame(enum.StrEnum):
    """Why a change did not pass, which decides refusal versus quarantine."""

    #: The stage judged the input wrong (a missing field, a broken address).
    INPUT = "input"
    #: The rules misbehaved (a trigger loop, a rule producing an invalid ticket).
    RULES = "rules"
    #: The stage raised: a bug, never the input's fault.
    CRASH = "crash"


class Verdict(NamedTuple):
    """A stage's answer; `PASS` is shared so passing allocates nothing."""

    ok: bool
    reason: str = ""
    blame: Blame | None = None


PASS = Verdict(True)


def reject(reason: str) -> Verdict:
    """The input is wrong; an agent is told at once, unattended input is held."""
    return Verdict(False, reason, Blame.INPUT)


def fault(reason: str) -> Verdict:
    """The rules are wrong; the change is held whoever made it."""
    return Verdict(False, reason, Blame.RULES)


class Outcome(NamedTuple):
    """What the pipeline as a whole decided, naming the stage that stopped it."""

    accepted: bool
    stage: str = ""
    reason: str = ""
    blame: Blame | None = None


ACCEPTED = Outcome(True)


class Note(NamedTuple):
    """One thing a stage did, announced as `ticket_did_<event>` after commit."""

    stage: str
    event: str
    text: str
    data: dict[str, Any]


@dataclass(slots=True, eq=False)
class Change:
    """One proposed change. `doc` is the whole document after the change.

    `is_create` is a plain field rather than derived from a kind: every stage
    asks it of every change.
    """

    is_create: bool
    ticket: str
    doc: dict[str, Any]
    before: dict[str, Any] | None
    origin: Origin
    author: str
    wall_time: str
    heads: tuple[str, ...] = ()
    forced: list[Op] = field(default_factory=list)
    #: The quarantine item this change is a retry of, and the agent retrying it.
    retrying: int | None = None
    retried_by: str = ""
    notes: list[Note] = field(default_factory=list)
    #: Round-robin turns taken per group, applied only if the change is stored.
    turns: dict[str, int] = field(default_factory=dict)
    #: Set when a stage's edit may have made the document invalid; `validate`
    #: (or the pipeline's final check) clears it by validating again.
    unchecked: bool = False
    #: The last stage that edited the document, blamed if the result is invalid.
    last_editor: str = ""
    #: The document as proposed, before any stage touched it (JSON bytes).
    original: bytes = b""
    #: Whoever proposed the document already ran `desktop.ticket.validate` on it.
    validated: bool = False

    @classmethod
    def create(
        cls,
        doc: dict[str, Any],
        origin: Origin,
        author: str,
        wall_time: str,
        *,
        validated: bool = False,
    ) -> "Change":
        return cls(
            True,
            doc["id"],
            doc,
            None,
            origin,
            author,
            wall_time,
            validated=validated,
        )

    @classmethod
    def edit(
        cls,
        before: dict[str, Any],
        doc: dict[str, Any],
        origin: Origin,
        author: str,
        wall_time: str,
        *,
        heads: list[str] | tuple[str, ...] = (),
        forced: list[Op] | None = None,
        validated: bool = False,
    ) -> "Change":
        return cls(
            False,
            doc["id"],
            doc,
            before,
            origin,
            author,
            wall_time,
            tuple(heads),
            list(forced or ()),
            validated=validated,
        )

    @property
    def kind(self) -> Kind:
        return Kind.CREATE if self.is_create else Kind.CHANGE

    def edited_by(self, stage: str, *, checked: bool = False) -> None:
        """Record that `stage` changed the document (blamed if it ends invalid).

        `checked` edits only write values that were validated beforehand (rule
        actions are checked when the rules load), so they cannot make the
        ticket invalid and need no second validation.
        """
        if not checked:
            self.unchecked = True
        self.last_editor = stage

    def note(self, stage: str, event: str, text: str, **data: Any) -> None:
        self.notes.append(Note(stage, event, text, data))

    def freeze_input(self) -> None:
        """Keep the proposed document as it was, for quarantine and retry.

        Serialised rather than deep-copied: orjson writes bytes faster than
        Python copies a dict tree, and the bytes are what quarantine stores.
        """
        if not self.original:
            self.original = orjson.dumps(self.doc)

    def input_json(self) -> dict[str, Any]:
        """The complete input, enough to run the change again from quarantine."""
        return {
            "kind": str(self.kind),
            "ticket": self.ticket,
            "origin": str(self.origin),
            "author": self.author,
            "wall_time": self.wall_time,
            "doc": parse_json(self.original) if self.original else self.doc,
            "before": self.before,
            "heads": list(self.heads),
            "forced": self.forced,
        }
