"""The pipeline: the configured stages in order, and the reject policy.

`run` passes a change through the enabled stages and returns an `Outcome`
value; it never raises for a stage's sake (a stage that raises is logged and
named in the outcome). `admit` applies the policy to that outcome:

- accepted: the backend keeps the change's side effects (round-robin turns);
  the caller stores the ticket and then calls `Admission.announce`;
- rejected as the input's fault and made by an agent interactively: refused
  at once with `ChangeRefused`, nothing stored;
- anything else (unattended input rejected, rules at fault, a stage crashed):
  held in quarantine with the stage, the reason and the complete input.

The stage order and the enabled set are read from the backend on every change
(a cheap version check), so `offdesk pipeline disable ...` in one process takes
effect in another without a restart. The plan (the enabled stages in order,
less those that can only pass under the rules in force) is worked out once per
configuration version, not per change.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.pipeline.backend import Backend, MemoryBackend
from desktop.pipeline.change import ACCEPTED, Blame, Change, Origin, Outcome
from desktop.pipeline.config import ConfigState, PipelineConfig
from desktop.pipeline.errors import (
    ChangeQuarantined,
    ChangeRefused,
    RuleMisfired,
    StageError,
)
from desktop.pipeline.events import Event
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import Deriving, Selective, Stage
from desktop.pipeline.stages import builtin_stages
from desktop.ticket import validate

if TYPE_CHECKING:
    from desktop.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageInfo:
    position: int
    name: str
    kind: str
    enabled: bool
    summary: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(slots=True)
class Admission:
    """What `admit` decided; `held` is the quarantine item when not accepted."""

    change: Change
    outcome: Outcome
    held: int | None
    backend: Backend

    @property
    def accepted(self) -> bool:
        return self.held is None

    def announce(self) -> None:
        """Queue what the stages did as events; call after storing the ticket."""
        if self.change.retrying is not None:
            self.backend.emit(
                Event(
                    "quarantine_did_commit",
                    self.change.ticket,
                    {"quarantine": self.change.retrying},
                )
            )
        for note in self.change.notes:
            self.backend.emit(
                Event(
                    f"ticket_did_{note.event}",
                    self.change.ticket,
                    {"stage": note.stage, "text": note.text, **note.data},
                )
            )

    def raise_if_held(self) -> None:
        """Tell the caller the change went to quarantine; call after commit."""
        if self.held is not None:
            raise ChangeQuarantined(self.held, self.outcome.stage, self.outcome.reason)


class Pipeline:
    """Registered stages, arranged and switched by the backend's configuration."""

    def __init__(self, backend: Backend, stages: Iterable[Stage] | None = None) -> None:
        self.backend = backend
        self._stages: dict[str, Stage] = {}
        #: The configuration the plan was made for; None makes it again.
        self._planned: ConfigState | None = None
        self._plan: tuple[Stage, ...] = ()
        self._derivers: tuple[Deriving, ...] = ()
        for stage in builtin_stages() if stages is None else stages:
            self.register(stage)

    @classmethod
    def for_store(cls, store: "Store", extra: Iterable[Stage] = ()) -> "Pipeline":
        """The built-in stages plus `extra`, configured by the store's config."""
        from desktop.pipeline.store_backend import StoreBackend

        return cls(StoreBackend(store), [*builtin_stages(), *extra])

    @classmethod
    def in_memory(
        cls, rules: RuleSet | None = None, extra: Iterable[Stage] = ()
    ) -> "Pipeline":
        return cls(MemoryBackend(rules), [*builtin_stages(), *extra])

    # -- configuration -------------------------------------------------------

    def register(self, stage: Stage) -> None:
        """Add a plug-in stage; it runs last until the configuration moves it."""
        if not isinstance(stage, Stage):
            raise TypeError(f"{stage!r} does not have the Stage interface")
        if stage.name in self._stages:
            raise ValueError(f"a stage named {stage.name!r} is already registered")
        self._stages[stage.name] = stage
        self._planned = None

    def _current(self) -> RuleSet:
        """The rules in force, with the plan made for them.

        Backends hand out one `ConfigState` object per configuration version,
        so an identity check tells whether the plan still holds.
        """
        state = self.backend.config()
        if state is not self._planned:
            rules = state.rules
            names = state.pipeline.arrange(self._stages)
            off = state.pipeline.disabled
            enabled = [self._stages[n] for n in names if n not in off]
            self._plan = tuple(
                s for s in enabled if not isinstance(s, Selective) or s.needed(rules)
            )
            self._derivers = tuple(s for s in enabled if isinstance(s, Deriving))
            self._planned = state
        return state.rules

    def stages(self) -> list[StageInfo]:
        config = self.backend.config().pipeline
        return [
            StageInfo(
                i,
                name,
                str(self._stages[name].kind),
                name not in config.disabled,
                self._stages[name].summary,
            )
            for i, name in enumerate(config.arrange(self._stages), start=1)
        ]

    def enable(self, name: str, author: str) -> bool:
        config = self.backend.config().pipeline
        self._known(name)
        return self._save(
            PipelineConfig(config.order, config.disabled - {name}), author
        )

    def disable(self, name: str, author: str) -> bool:
        config = self.backend.config().pipeline
        self._known(name)
        return self._save(
            PipelineConfig(config.order, config.disabled | {name}), author
        )

    def move(
        self,
        name: str,
        *,
        before: str | None = None,
        after: str | None = None,
        author: str,
    ) -> bool:
        """Put stage `name` just before (or after) another one."""
        if (before is None) == (after is None):
            raise StageError("move: give exactly one of --before or --after")
        other = before or after or ""
        self._known(name)
        self._known(other)
        if other == name:
            raise StageError(f"move: {name} cannot go before or after itself")
        config = self.backend.config().pipeline
        order = [n for n in config.arrange(self._stages) if n != name]
        at = order.index(other) + (0 if before else 1)
        order.insert(at, name)
        return self._save(PipelineConfig(tuple(order), config.disabled), author)

    def _known(self, name: str) -> None:
        if name not in self._stages:
            raise StageError(
                f"no stage named {name!r}; the stages are: {', '.join(self._stages)}"
            )

    def _save(self, config: PipelineConfig, author: str) -> bool:
        changed = self.backend.save_pipeline(config, list(self._stages), author)
        self._planned = None
        return changed

    # -- running -------------------------------------------------------------

    def run(self, change: Change) -> Outcome:
        """Pass `change` through the enabled stages; the outcome is a value."""
        rules = self._current()
        change.freeze_input()
        backend = self.backend
        for stage in self._plan:
            try:
                verdict = stage.process(change, rules, backend)
            except RuleMisfired as e:
                return Outcome(False, stage.name, str(e), Blame.RULES)
            except Exception as e:
                log.exception(
                    "stage %s failed on ticket %s",
                    stage.name,
                    change.ticket,
                )
                reason = f"the stage failed: {type(e).__name__}: {e}"
                return Outcome(False, stage.name, reason, Blame.CRASH)
            if not verdict.ok:
                return Outcome(False, stage.name, verdict.reason, verdict.blame)
        if change.unchecked:
            try:
                validate(change.doc)
            except ValidationError as e:
                return Outcome(
                    False,
                    change.last_editor,
                    f"it left the ticket invalid: {e}",
                    Blame.RULES,
                )
        return ACCEPTED

    def admit(self, change: Change) -> Admission:
        """Run `change` and apply the reject policy; call inside the write.

        Raises ChangeRefused for an agent's own change that a stage judged
        wrong (nothing is stored; the caller's transaction rolls back).
        """
        outcome = self.run(change)
        if outcome.accepted:
            self.backend.commit(change)
            return Admission(change, outcome, None, self.backend)
        if outcome.blame is Blame.INPUT and change.origin is Origin.INTERACTIVE:
            raise ChangeRefused(outcome.stage, outcome.reason)
        held = self.backend.hold(change, outcome)
        return Admission(change, outcome, held, self.backend)

    def derive(
        self, doc: dict[str, Any], timeline: list[tuple[int, str]]
    ) -> dict[str, Any]:
        """Derived values for a document, as the enabled deriving stages give them.

        The store derives through `desktop.pipeline.derived` on every refresh;
        this is the same work for a pipeline that runs without a store.
        """
        rules = self._current()
        out: dict[str, Any] = {}
        for stage in self._derivers:
            out.update(stage.derive(doc, timeline, rules))
        return out
