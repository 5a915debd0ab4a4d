"""The stage interface: a named step that checks, edits or derives.

A stage gets the change, the compiled rules and the backend, and returns a
`Verdict`; it edits `change.doc` in place and says so with `change.edited_by`
and `change.note`. It must not keep state between changes (round-robin turns
and the like go through the backend), because the same stage object serves
every change and, in the GUI, a change may be retried from quarantine later.

Kinds:
- CHECKS stages only pass or reject;
- EDITS stages author edits, so they run on local changes only;
- DERIVES stages compute values from the merged history on every replica
  (their `process` passes; their `derive` runs when a record is rewritten).

A stage that can tell from the rules alone that its `process` would only pass
(routing with no routing rules) says so with `needed`; the pipeline then
leaves it out of the plan until the rules change.
"""

import enum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from desktop.pipeline.change import Change, Verdict
from desktop.pipeline.rules import RuleSet

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend


class StageKind(enum.StrEnum):
    CHECKS = "checks"
    EDITS = "edits"
    DERIVES = "derives"


@runtime_checkable
class Stage(Protocol):
    name: str
    kind: StageKind
    #: One line for `offdesk pipeline list`.
    summary: str

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        """Look at (and maybe edit) one change; never raise on purpose."""


@runtime_checkable
class Deriving(Protocol):
    def derive(
        self,
        doc: dict[str, Any],
        timeline: list[tuple[int, str]],
        rules: RuleSet,
    ) -> dict[str, Any]:
        """Values for the record, a function of the merged document and history."""


@runtime_checkable
class Selective(Protocol):
    def needed(self, rules: RuleSet) -> bool:
        """False when `process` can only pass under these rules."""
