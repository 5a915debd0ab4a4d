"""Fixtures for merge tests: replicas on temp dirs sharing one fake clock."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.ids import TicketId
from tests.desktop.merge_helpers import (
    FakeTime,
    Replica,
    new_ticket,
    open_replica,
    results,
    send,
)


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Callable[..., Replica]]:
    """`replica(name, time, skew_ms=0)` opens one on `tmp_path`; all closed after."""
    opened: list[Replica] = []

    def make(name: str, time: FakeTime, skew_ms: int = 0) -> Replica:
        opened.append(open_replica(tmp_path, name, time, skew_ms))
        return opened[-1]

    yield make
    for r in opened:
        r.store.close()


@pytest.fixture
def pair(replica, time: FakeTime) -> tuple[Replica, Replica]:
    return replica("Ann", time), replica("Bob", time)


@pytest.fixture
def shared(pair: tuple[Replica, Replica], tmp_path: Path) -> TicketId:
    """A ticket Ann created and carried to Bob, so both hold the same root."""
    ann, bob = pair
    ticket = new_ticket(ann)
    assert results(send(ann, bob, tmp_path)) == {ticket: "new"}
    return ticket
