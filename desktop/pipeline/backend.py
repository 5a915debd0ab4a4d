"""Where a pipeline's decisions land: the store, or memory for tests and benchmarks.

Stages never touch a database. They ask their backend for the few facts they
need (recent tickets of a requester, whose turn it is in a group) and the
pipeline tells it what was decided (a change committed, a change held). Two
backends keep the same contract: `StoreBackend` (desktop.pipeline.store_backend)
and `MemoryBackend` here.
"""

import bisect
import itertools
from collections import defaultdict
from typing import Any, NamedTuple, Protocol

from desktop.pipeline.change import Change, Outcome
from desktop.pipeline.config import ConfigState, PipelineConfig, default_state
from desktop.pipeline.events import Event, EventBus
from desktop.pipeline.hours import epoch
from desktop.pipeline.rules import RuleSet
from desktop.ticket import now_iso

#: More candidates than this are not compared (the newest are kept).
CANDIDATES = 50


class Candidate(NamedTuple):
    """A ticket a new one might duplicate."""

    ticket: str
    subject: str
    created: str


class Backend(Protocol):
    def config(self) -> ConfigState:
        """The configuration in force now (cheap; called once per change).

        The same object while the configuration is unchanged: the pipeline
        keeps its plan for as long as it gets that object back.
        """

    def save_pipeline(
        self, config: PipelineConfig, known: list[str], author: str
    ) -> bool:
        """Store a new stage order / enabled set; False if nothing changed."""

    def candidates(
        self, email: str | None, name: str | None, start: int, end: int
    ) -> list[Candidate]:
        """Live tickets of this requester created between start and end (epoch
        seconds), newest first, at most CANDIDATES of them."""

    def turns(self, group: str) -> int:
        """How many round-robin assignments `group` has handed out."""

    def commit(self, change: Change) -> None:
        """A change passed and is being stored: keep its side effects (turns
        taken, the quarantine item it retried now committed)."""

    def hold(self, change: Change, outcome: Outcome) -> int:
        """Quarantine a change (or update the item it retries); returns the id."""

    def emit(self, event: Event) -> None:
        """Announce an event once the change it belongs to is committed."""


class MemoryBackend:
    """Everything in dictionaries; events are published at once.

    A requester's tickets are kept ordered by creation time, so finding the
    ones in a window is two bisections, and a requester with nothing recent
    (most new tickets) costs no more.
    """

    def __init__(self, rules: RuleSet | None = None) -> None:
        base = default_state()
        self.bus = EventBus()
        self._state = ConfigState("mem-0", base.pipeline, rules or base.rules, "")
        self._versions = itertools.count(1)
        self._by_requester: dict[str, list[tuple[int, Candidate]]] = {}
        self._turns: dict[str, int] = defaultdict(int)
        self.held: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def config(self) -> ConfigState:
        return self._state

    def set_rules(self, rules: RuleSet) -> None:
        self._state = ConfigState(
            f"mem-{next(self._versions)}", self._state.pipeline, rules, ""
        )

    def save_pipeline(
        self, config: PipelineConfig, known: list[str], author: str
    ) -> bool:
        if config == self._state.pipeline:
            return False
        self._state = ConfigState(
            f"mem-{next(self._versions)}", config, self._state.rules, ""
        )
        self.emit(Event("pipeline_did_reconfigure", None, {"by": author}))
        return True

    def candidates(
        self, email: str | None, name: str | None, start: int, end: int
    ) -> list[Candidate]:
        key = _requester_key(email, name)
        known = self._by_requester.get(key) if key is not None else None
        if known is None:
            return []
        lo = bisect.bisect_left(known, (start,))
        hi = bisect.bisect_left(known, (end + 1,))
        if lo == hi:
            return []
        found = known[lo:hi]
        found.reverse()
        return [c for _, c in found[:CANDIDATES]]

    def turns(self, group: str) -> int:
        return self._turns[group]

    def commit(self, change: Change) -> None:
        if change.turns:
            for group, taken in change.turns.items():
                self._turns[group] += taken
        if change.retrying is not None:
            self.held.pop(change.retrying, None)
        if change.is_create:
            doc = change.doc
            requester = doc["requester"]
            key = _requester_key(requester.get("email"), requester.get("name"))
            if key is not None:
                created = doc["created"]
                bisect.insort(
                    self._by_requester.setdefault(key, []),
                    (epoch(created), Candidate(doc["id"], doc["subject"], created)),
                )

    def hold(self, change: Change, outcome: Outcome) -> int:
        item = change.retrying or next(self._ids)
        self.held[item] = {
            "id": item,
            "created": now_iso(),
            "stage": outcome.stage,
            "reason": outcome.reason,
            "input": change.input_json(),
        }
        self.emit(
            Event(
                "ticket_did_quarantine",
                change.ticket,
                {"quarantine": item, "stage": outcome.stage, "reason": outcome.reason},
            )
        )
        return item

    def emit(self, event: Event) -> None:
        self.bus.publish(event)


def _requester_key(email: str | None, name: str | None) -> str | None:
    if email:
        return "e:" + email.lower()
    if name:
        return "n:" + name.lower()
    return None
