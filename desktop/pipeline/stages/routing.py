"""The routing stage: conditions on fields and text set group, assignee, priority
and tags, with round-robin assignment within a group.

Rules are tried in file order and the first that matches wins, unless it says
`continue: true`. By default they run when a ticket is created (intake), so
an agent who later reassigns a ticket is not overruled on the next edit; a
rule may ask for `run_on: [create, change]`.

Round-robin hands an unassigned ticket to the group member whose turn it is.
The count of turns per group lives in the store and moves only when the change
is stored, in the same transaction, so the rotation is the same whatever was
rejected or rolled back on the way.
"""

from typing import TYPE_CHECKING

from desktop.pipeline import actions
from desktop.pipeline.change import PASS, Change, Verdict, fault
from desktop.pipeline.rules import RoutingRule, RuleSet
from desktop.pipeline.stage import StageKind

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend


class RoutingStage:
    name = "routing"
    kind = StageKind.EDITS
    summary = "routing rules set group, assignee, priority and tags; round-robin"

    def needed(self, rules: RuleSet) -> bool:
        return bool(rules.routing)

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        if not rules.routing:
            return PASS
        event = "create" if change.is_create else "change"
        for rule in rules.routing:
            if event not in rule.run_on:
                continue
            if not rule.when.test(change.before, change.doc, change.is_create):
                continue
            done = actions.apply(
                change.doc,
                rule.actions,
                author=f'routing rule "{rule.name}"',
                wall_time=change.wall_time,
            )
            if rule.round_robin:
                assigned = self._round_robin(change, rules, backend, rule)
                if isinstance(assigned, Verdict):
                    return assigned
                if assigned:
                    done.append(f"assignee={assigned} (round-robin)")
            if done:
                change.edited_by(self.name, checked=True)
                change.note(
                    self.name,
                    "route",
                    f'rule "{rule.name}": {", ".join(done)}',
                    rule=rule.name,
                    group=change.doc.get("group"),
                    assignee=change.doc.get("assignee"),
                )
            if rule.stop:
                break
        return PASS

    def _round_robin(
        self, change: Change, rules: RuleSet, backend: "Backend", rule: RoutingRule
    ) -> str | Verdict | None:
        doc = change.doc
        group = doc.get("group")
        if doc.get("assignee") or not group:
            return None
        members = rules.groups.get(group)
        if not members:
            return fault(
                f'routing rule "{rule.name}" assigns round-robin in group '
                f"{group!r}, which has no members under groups"
            )
        # TODO: turns are counted per data dir; two laptops routing offline
        # each start from their own count, so one agent can get two tickets in
        # a row once they sync. A shared count needs the server to hand out turns.
        taken = change.turns.get(group, 0)
        assignee = members[(backend.turns(group) + taken) % len(members)]
        change.turns[group] = taken + 1
        doc["assignee"] = assignee
        return assignee
