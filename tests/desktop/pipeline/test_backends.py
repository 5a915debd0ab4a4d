"""The backend contract, run against the store and against memory alike."""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import pytest

from desktop.desk import Desk
from desktop.pipeline.backend import Backend, MemoryBackend
from desktop.pipeline.change import Blame, Change, Origin, Outcome
from desktop.pipeline.config import PipelineConfig
from desktop.pipeline.hours import epoch
from desktop.pipeline.pipeline import Pipeline
from desktop.pipeline.store_backend import StoreBackend
from desktop.store.store import Store
from desktop.ticket import Person
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import creation


@dataclass
class World:
    backend: Backend
    #: Commit a creation the way a desk does (for the store: a ticket is stored).
    create: Callable[[Change], None]
    #: The transaction a backend call happens in.
    write: Callable[[], AbstractContextManager[None]]


@pytest.fixture(params=["memory", "store"])
def world(request: pytest.FixtureRequest, store: Store) -> World:
    if request.param == "memory":
        memory = MemoryBackend()
        return World(memory, memory.commit, nullcontext)
    backend = StoreBackend(store)
    desk = Desk(store, Pipeline(backend, stages=[]))
    return World(backend, lambda c: desk.admit_new(c.doc, Origin.IMPORT), store.write)


def remember(world: World, **fields) -> str:
    change = creation(**fields)
    world.create(change)
    return change.ticket


def test_candidates_are_the_requesters_tickets_in_the_window_newest_first(
    world: World,
):
    old = remember(world, subject="a", created="2026-01-01T00:00:00Z")
    mid = remember(world, subject="b", created="2026-01-05T00:00:00Z")
    new = remember(world, subject="c", created="2026-01-06T00:00:00Z")
    remember(
        world,
        subject="d",
        created="2026-01-05T00:00:00Z",
        requester=Person("Eve", "eve@example.com"),
    )

    found = world.backend.candidates(
        "BOB@example.com",
        None,
        epoch("2026-01-04T00:00:00Z"),
        epoch("2026-01-06T00:00:00Z"),
    )

    assert [c.ticket for c in found] == [new, mid]
    assert old not in [c.ticket for c in found]
    assert found[0].subject == "c"


def test_round_robin_turns_count_only_committed_changes(world: World):
    assert world.backend.turns("hardware") == 0
    change = creation(subject="x")
    change.turns["hardware"] = 1

    with world.write():
        world.backend.commit(change)

    assert world.backend.turns("hardware") == 1
    assert world.backend.turns("other") == 0


def test_holding_a_change_returns_a_new_item_id_each_time(world: World):
    outcome = Outcome(False, "validate", "subject: is required", Blame.INPUT)

    with world.write():
        first = world.backend.hold(creation(subject="one"), outcome)
        second = world.backend.hold(creation(subject="two"), outcome)

    assert isinstance(first, int) and 0 < first < second


def test_the_configuration_starts_as_the_defaults(world: World):
    state = world.backend.config()

    assert state.pipeline.disabled == frozenset()
    assert state.rules.routing == ()


def test_saving_a_pipeline_configuration_changes_its_version(world: World):
    before = world.backend.config().version

    assert world.backend.save_pipeline(
        PipelineConfig(disabled=frozenset({"sla"})), ["sla"], AGENT
    )

    assert world.backend.config().version != before
    assert world.backend.config().pipeline.disabled == {"sla"}
    assert not world.backend.save_pipeline(
        PipelineConfig(disabled=frozenset({"sla"})), ["sla"], AGENT
    )
