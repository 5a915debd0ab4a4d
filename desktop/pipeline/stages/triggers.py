"""The triggers stage: when a field changes to a value, add a tag, set a field,
add an internal note.

Triggers fire on what a change did, in rounds: round one sees the change as
proposed; each later round sees only what the previous round's actions did,
so a trigger fires again only if its field changed again. A trigger that would
fire twice for one change is a loop (A sets what fires B, B sets what fires
A); the change is stopped as a fault of the rules and quarantined, never
spun forever. MAX_ROUNDS bounds a long chain of distinct triggers too.
"""

from typing import TYPE_CHECKING, Any

from desktop.pipeline import actions
from desktop.pipeline.change import PASS, Change, Verdict, fault
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import StageKind

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend

MAX_ROUNDS = 10


class TriggersStage:
    name = "triggers"
    kind = StageKind.EDITS
    summary = "when a field changes to a value: add a tag, set a field, add a note"

    def needed(self, rules: RuleSet) -> bool:
        return bool(rules.triggers)

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        if not rules.triggers:
            return PASS
        doc = change.doc
        before = change.before
        created = change.is_create
        fired: list[str] = []
        for _ in range(MAX_ROUNDS):
            matched = [t for t in rules.triggers if t.when.test(before, doc, created)]
            if not matched:
                return PASS
            again = next((t.name for t in matched if t.name in fired), None)
            if again is not None:
                chain = " → ".join(f'"{n}"' for n in [*fired, again])
                return fault(f"triggers loop: {chain} would fire again")
            before = _snapshot(doc)
            # TODO: rule and trigger edits go into the same snapshot as the
            # change that set them off, so history names the agent as their
            # author; `log` cannot tell an agent's edit from a rule's.
            created = False
            for trigger in matched:
                done = actions.apply(
                    doc,
                    trigger.actions,
                    author=f'trigger "{trigger.name}"',
                    wall_time=change.wall_time,
                )
                fired.append(trigger.name)
                if done:
                    change.edited_by(self.name, checked=True)
                    change.note(
                        self.name,
                        "trigger",
                        f'trigger "{trigger.name}": {", ".join(done)}',
                        trigger=trigger.name,
                    )
            if doc == before:
                return PASS
        return fault(f"triggers did not settle after {MAX_ROUNDS} rounds")


def _snapshot(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy deep enough for the next round to compare against.

    Actions replace top-level and custom values and add or remove tags and
    comments; they never edit inside a value, so one level of copying suffices
    (a deep copy of every comment would cost more than the whole stage).
    """
    return {
        **doc,
        "tags": dict(doc["tags"]),
        "custom": dict(doc["custom"]),
        "requester": dict(doc["requester"]),
        "comments": dict(doc["comments"]),
    }
