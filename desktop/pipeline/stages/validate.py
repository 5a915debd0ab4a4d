"""The validate stage: the ticket's own field rules, then the team's requirements.

Field rules are `desktop.ticket.validate` (a subject, a known status, an
e-mail address that is one). Requirements come from the rules' `validation`
section: "when the subject mentions an outage, a type is required". A
rejection is the input's fault, so an agent is told at once and an import row
goes to quarantine. Field rules are not run twice: when the proposer already
validated the document (`Change.validated`) and no stage has edited it since,
only the requirements are checked.
"""

from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.pipeline import fields
from desktop.pipeline.change import PASS, Change, Verdict, reject
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import StageKind
from desktop.ticket import validate

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend

_GETTERS: dict[str, fields.Getter] = {}


class ValidateStage:
    name = "validate"
    kind = StageKind.CHECKS
    summary = "refuses invalid fields and fields the rules require but lack"

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        doc = change.doc
        if change.unchecked or not change.validated:
            try:
                validate(doc)
            except ValidationError as e:
                return reject(str(e))
        for rule in rules.validation:
            if not rule.when.test(change.before, doc, change.is_create):
                continue
            missing = [name for name in rule.require if _empty(_get(name)(doc))]
            if missing:
                return reject(
                    rule.message or f'rule "{rule.name}" requires {", ".join(missing)}'
                )
        change.unchecked = False
        return PASS


def _get(name: str) -> fields.Getter:
    getter = _GETTERS.get(name)
    if getter is None:
        getter = _GETTERS[name] = fields.getter(name)
    return getter


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}
