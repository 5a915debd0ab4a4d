"""The validate stage and the reject policy it feeds: refuse an agent, hold a row."""

from pathlib import Path

import pytest

from desktop.desk import Desk
from desktop.importer import import_file
from desktop.pipeline import quarantine
from desktop.pipeline.backend import MemoryBackend
from desktop.pipeline.change import Blame
from desktop.pipeline.errors import ChangeRefused
from desktop.pipeline.stages.validate import ValidateStage
from desktop.store.store import Store
from tests.desktop.pipeline.conftest import (
    REQUESTER,
    creation,
    document,
    rules_from,
)

OUTAGE_NEEDS_TYPE = """
validation:
  - name: Outages need a type
    when: {text: outage}
    require: [type]
"""


def test_an_invalid_field_is_rejected_as_the_inputs_fault():
    verdict = ValidateStage().process(
        creation(document(status="bogus")), rules_from(""), MemoryBackend()
    )

    assert not verdict.ok
    assert verdict.blame is Blame.INPUT
    assert "status" in verdict.reason


def test_a_required_field_missing_names_the_rule():
    verdict = ValidateStage().process(
        creation(subject="Mail outage"), rules_from(OUTAGE_NEEDS_TYPE), MemoryBackend()
    )

    assert not verdict.ok
    assert 'rule "Outages need a type" requires type' in verdict.reason


def test_a_requirement_whose_condition_does_not_hold_passes():
    verdict = ValidateStage().process(
        creation(subject="Printer jam"), rules_from(OUTAGE_NEEDS_TYPE), MemoryBackend()
    )

    assert verdict.ok


def test_an_interactive_rejection_is_refused_at_once_and_stores_nothing(
    with_rules, store: Store
):
    desk = with_rules(OUTAGE_NEEDS_TYPE)
    snapshots, provisional = store.snapshot_count(), store.setting("next_provisional")

    with pytest.raises(ChangeRefused) as refused:
        desk.create(subject="Mail outage", requester=REQUESTER)

    assert "Outages need a type" in str(refused.value)
    assert "nothing was stored" in str(refused.value)
    assert store.snapshot_count() == snapshots
    assert store.ticket_count() == 0
    assert store.setting("next_provisional") == provisional
    assert quarantine.items(store) == []


def test_an_interactive_edit_a_stage_rejects_leaves_the_ticket_as_it_was(
    with_rules, desk: Desk, store: Store
):
    ref = desk.create(subject="Mail problem", requester=REQUESTER)["doc"]["id"]
    before = store.ticket_record(ref)
    desk = with_rules(OUTAGE_NEEDS_TYPE)

    with pytest.raises(ChangeRefused):
        desk.edit(ref, [("subject", "Mail outage")])

    assert store.ticket_record(ref) == before
    assert len(store.history(ref)) == 1


def test_an_imported_row_a_stage_rejects_is_quarantined_and_the_others_go_in(
    with_rules, store: Store, tmp_path: Path
):
    desk = with_rules(OUTAGE_NEEDS_TYPE)
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "subject,requester,type\n"
        "Printer jam,a@example.com,\n"
        "Mail outage,b@example.com,\n"
        "Web outage,c@example.com,incident\n",
        encoding="utf-8",
    )

    report = import_file(desk, rows, "csv", [])

    assert report.imported == 2
    held = quarantine.items(store)
    assert [i.id for i in held] == report.quarantined
    assert len(held) == 1
    assert held[0].stage == "validate"
    assert held[0].origin == "import"
    assert held[0].input["doc"]["subject"] == "Mail outage"
    assert store.ticket_count() == 2
