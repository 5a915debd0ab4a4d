"""Rule conditions: compiled once, evaluated on (before, after, created)."""

from typing import Any

import pytest

from desktop.pipeline.conditions import compile_condition
from tests.desktop.pipeline.conftest import document

BEFORE = document(status="new", priority="normal", tags={"vip": True})
AFTER = document(
    status="open",
    priority="normal",
    tags={"vip": True, "Printer": True},
    subject="Printer jams on floor 3",
    assignee=None,
)
AFTER["requester"]["email"] = "Bob@BigCorp.com"
AFTER["custom"] = {"os": "linux"}


def holds(cond: Any, before=BEFORE, after=AFTER, created=False) -> bool:
    problems: list = []
    compiled = compile_condition(cond, (), problems)
    assert compiled is not None, problems
    return compiled.test(before, after, created)


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"field": "status", "is": "OPEN"}, True),
        ({"field": "status", "is_not": "open"}, False),
        ({"field": "priority", "in": ["high", "normal"]}, True),
        ({"field": "priority", "not_in": ["normal"]}, False),
        ({"field": "subject", "contains": "JAMS"}, True),
        ({"field": "subject", "not_contains": "fire"}, True),
        ({"field": "subject", "matches": r"floor \d"}, True),
        ({"field": "assignee", "empty": True}, True),
        ({"field": "requester.domain", "is": "bigcorp.com"}, True),
        ({"field": "custom.os", "is": "linux"}, True),
        ({"field": "custom.cpu", "empty": True}, True),
        ({"field": "tags", "contains": "printer"}, True),
        ({"field": "tags", "changes_to": "printer"}, True),
        ({"field": "tags", "changes_to": "vip"}, False),
        ({"field": "tags", "changes_from": "vip"}, False),
        ({"field": "status", "changes_to": "open"}, True),
        ({"field": "status", "changes_from": "new"}, True),
        ({"field": "priority", "changed": True}, False),
        ({"text": "floor"}, True),
        ({"text": "smoke"}, True),  # the description
        ({"tag": "VIP"}, True),
        ({"created": False}, True),
        ({"all": [{"tag": "vip"}, {"field": "status", "is": "open"}]}, True),
        ({"any": [{"tag": "nope"}, {"field": "status", "is": "new"}]}, False),
        ({"not": {"tag": "vip"}}, False),
    ],
)
def test_each_operator_means_what_it_says(cond: dict, expected: bool):
    assert holds(cond) is expected


def test_on_a_new_ticket_every_value_counts_as_a_change_to_it():
    assert holds({"field": "status", "changes_to": "open"}, before=None, created=True)
    assert holds({"created": True}, before=None, created=True)


@pytest.mark.parametrize(
    ("cond", "path", "message"),
    [
        ({"field": "stat", "is": "x"}, ("field",), "'stat' is not a field"),
        ({"field": "status", "iz": "x"}, ("iz",), "'iz' is not an operator"),
        ({"field": "status"}, (), "give one operator"),
        ({"field": "subject", "matches": "("}, ("matches",), "regular expression"),
        ({"all": []}, ("all",), "non-empty list"),
        ({"text": "a", "tag": "b"}, (), "exactly one of"),
        ({"not": {"bogus": 1}}, ("not",), "exactly one of"),
        ([], (), "a condition is a mapping"),
        ({"field": "priority", "changes_to": "mega"}, ("changes_to",), "never 'mega'"),
        ({"field": "priority", "is": "mega"}, ("is",), "use one of: low, normal"),
        ({"field": "status", "in": ["open", "bogus"]}, ("in",), "never 'bogus'"),
        ({"field": "type", "changes_from": "bug"}, ("changes_from",), "never 'bug'"),
    ],
)
def test_a_bad_condition_is_reported_with_its_path(cond, path, message):
    problems: list = []

    assert compile_condition(cond, ("when",), problems) is None
    assert problems[0][0] == ("when", *path)
    assert message in problems[0][1]
