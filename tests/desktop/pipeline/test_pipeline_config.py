"""Run-time configuration: stage order and switches are data in the store, kept
as a snapshot history under reserved ids, in force at once in every process."""

from pathlib import Path

import pytest

from desktop.desk import Desk
from desktop.export import export
from desktop.importer import import_file
from desktop.pipeline import config
from desktop.pipeline.backend import Backend
from desktop.pipeline.change import PASS, Change, Verdict
from desktop.pipeline.errors import StageError
from desktop.pipeline.pipeline import Pipeline
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import StageKind
from desktop.pipeline.stages.duplicates import TAG
from desktop.store.queries import TicketFilter, find
from desktop.store.store import Store
from sync.snapshot import genesis
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import REQUESTER, load_rules

DUPLICATES_TO_TRIAGE = """
routing:
  - name: Duplicates to triage
    when: {tag: possible-duplicate}
    set: {group: triage}
"""


class Recorder:
    kind = StageKind.CHECKS
    summary = "records that it ran"

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name = name
        self.calls = calls

    def process(self, change: Change, rules: RuleSet, backend: Backend) -> Verdict:
        self.calls.append(self.name)
        return PASS


def names(pipeline: Pipeline) -> list[str]:
    return [s.name for s in pipeline.stages()]


def test_the_default_order_runs_every_built_in_stage(desk: Desk):
    assert names(desk.pipeline) == list(config.DEFAULT_ORDER)
    assert all(s.enabled for s in desk.pipeline.stages())


def test_stage_order_changed_at_run_time_changes_what_the_next_change_sees(
    store: Store,
):
    load_rules(store, DUPLICATES_TO_TRIAGE)
    desk = Desk(store)
    desk.create(subject="Printer on fire", requester=REQUESTER)
    assert (
        desk.create(subject="Printer on fire", requester=REQUESTER)["doc"]["group"]
        == "triage"
    )

    desk.pipeline.move("routing", before="duplicates", author=AGENT)

    third = desk.create(subject="Printer on fire", requester=REQUESTER)["doc"]
    assert TAG in third["tags"] and third["group"] is None
    assert names(desk.pipeline).index("routing") < names(desk.pipeline).index(
        "duplicates"
    )


def test_plug_in_stages_run_last_until_moved(store: Store):
    calls: list[str] = []
    pipeline = Pipeline.for_store(
        store, extra=[Recorder("audit", calls), Recorder("notify", calls)]
    )
    desk = Desk(store, pipeline)
    desk.create(subject="One", requester=REQUESTER)

    pipeline.move("notify", after="validate", author=AGENT)
    desk.create(subject="Two", requester=REQUESTER)

    assert calls == ["audit", "notify", "notify", "audit"]
    assert names(pipeline)[:3] == ["normalize", "validate", "notify"]


def test_a_disabled_stage_is_skipped_until_enabled_again(desk: Desk):
    desk.create(subject="Printer on fire", requester=REQUESTER)

    assert desk.pipeline.disable("duplicates", AGENT)
    second = desk.create(subject="Printer on fire", requester=REQUESTER)
    assert desk.pipeline.enable("duplicates", AGENT)
    third = desk.create(subject="Printer on fire", requester=REQUESTER)

    assert TAG not in second["doc"]["tags"]
    assert TAG in third["doc"]["tags"]
    assert not desk.pipeline.enable("duplicates", AGENT)  # nothing to change


def test_another_process_sees_the_new_configuration_without_restarting(
    store: Store, data_dir: Path
):
    desk = Desk(store)
    desk.create(subject="Printer on fire", requester=REQUESTER)

    with Store(data_dir) as elsewhere:  # e.g. `offdesk pipeline disable` in a shell
        Desk(elsewhere).pipeline.disable("duplicates", AGENT)

    second = desk.create(subject="Printer on fire", requester=REQUESTER)
    assert TAG not in second["doc"]["tags"]


def test_configuration_is_a_snapshot_history_under_reserved_ids_not_a_ticket(
    desk: Desk, store: Store
):
    desk.pipeline.disable("routing", AGENT)
    desk.pipeline.move("sla", before="normalize", author=AGENT)
    load_rules(store, DUPLICATES_TO_TRIAGE)

    history = store.history(config.PIPELINE)
    # The shared genesis snapshot, then the agent's two changes.
    assert len(history) == 3 and len(history.heads()) == 1
    assert history.order[0].id == genesis(config.PIPELINE).id
    assert [s.author for s in history.order[1:]] == [AGENT, AGENT]
    assert len(store.history(config.RULES)) == 2
    assert store.ticket_count() == 0
    assert find(store, TicketFilter()) == []
    assert config.read_doc(store, config.PIPELINE)["enabled"]["routing"] is False


def test_the_configuration_travels_with_the_tickets_to_another_replica(
    desk: Desk, store: Store, tmp_path: Path
):
    load_rules(store, DUPLICATES_TO_TRIAGE)
    desk.pipeline.disable("triggers", AGENT)
    desk.create(subject="Printer", requester=REQUESTER)
    export(store, tmp_path / "all.jsonl")

    with Store(tmp_path / "other") as other:
        there = Desk(other)
        there.set_agent("Other Agent <other@example.com>")
        report = import_file(there, tmp_path / "all.jsonl", "jsonl", [])

        assert report.imported == 1
        assert [s.enabled for s in there.pipeline.stages()][-1] is False
        assert config.read_doc(other, config.RULES) == config.read_doc(
            store, config.RULES
        )


def test_naming_an_unknown_stage_lists_the_real_ones(desk: Desk):
    with pytest.raises(StageError, match="no stage named 'routin'.*routing"):
        desk.pipeline.disable("routin", AGENT)
    with pytest.raises(StageError, match="itself"):
        desk.pipeline.move("sla", before="sla", author=AGENT)


def test_a_stage_name_can_be_registered_only_once(store: Store):
    pipeline = Pipeline.for_store(store)

    with pytest.raises(ValueError, match="already registered"):
        pipeline.register(Recorder("routing", []))
