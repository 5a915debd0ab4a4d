"""Fixtures for the pipeline: rules from YAML text, desks that load them, changes."""

from collections.abc import Callable
from typing import Any

import pytest

from desktop.desk import Desk
from desktop.pipeline import config
from desktop.pipeline.change import Change, Origin
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.rulesfile import parse_rules
from desktop.store.store import Store
from desktop.ticket import Person, new_document
from tests.conftest import AGENT

REQUESTER = "Bob Requester <bob@example.com>"


def rules_from(text: str) -> RuleSet:
    return RuleSet.compile(parse_rules(text, "rules.yaml"))


def load_rules(store: Store, text: str) -> None:
    """Store rules as `offdesk rules load` does."""
    doc = parse_rules(text, "rules.yaml")
    with store.write():
        config.write_doc(store, config.RULES, doc, AGENT)


def document(**fields: Any) -> dict[str, Any]:
    """A valid new ticket document; keyword arguments override its fields."""
    requester = fields.pop("requester", Person("Bob", "bob@example.com"))
    doc = new_document(
        subject=fields.pop("subject", "Printer on fire"),
        requester=requester,
        provisional=fields.pop("provisional", "TEST-1"),
        description=fields.pop("description", "Smoke everywhere"),
        created=fields.pop("created", "2026-01-05T10:00:00Z"),
        check=False,
    )
    doc.update(fields)
    return doc


def creation(doc: dict[str, Any] | None = None, **fields: Any) -> Change:
    return Change.create(
        doc or document(**fields), Origin.IMPORT, AGENT, "2026-01-05T10:00:00Z"
    )


@pytest.fixture
def with_rules(store: Store) -> Callable[[str], Desk]:
    """Load rules into the test store and return a desk on it."""

    def load(text: str) -> Desk:
        load_rules(store, text)
        return Desk(store)

    return load
