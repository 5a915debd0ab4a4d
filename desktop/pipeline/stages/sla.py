"""The sla stage: due times derived from the merged history, never authored.

Its `process` passes every change untouched: an SLA due time written into the
ticket by each laptop would be one more edit to conflict over. Its `derive`
runs whenever the store rewrites a ticket's record (see
`desktop.pipeline.derived`), on every replica, from the same snapshots.
Disabling the stage removes `sla` from the records.
"""

from typing import TYPE_CHECKING, Any

from desktop.pipeline.change import PASS, Change, Verdict
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.sla import evaluate
from desktop.pipeline.stage import StageKind

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend


class SlaStage:
    name = "sla"
    kind = StageKind.DERIVES
    summary = "first-response and resolution due times in business hours"

    def needed(self, rules: RuleSet) -> bool:
        """Never per change: due times are derived when records are written."""
        return False

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        return PASS

    def derive(
        self,
        doc: dict[str, Any],
        timeline: list[tuple[int, str]],
        rules: RuleSet,
    ) -> dict[str, Any]:
        return {"sla": evaluate(rules.sla, doc, timeline)}
