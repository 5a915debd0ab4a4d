"""Peer mode: a laptop serves its own data dir; a colleague syncs with it directly."""

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from desktop.desk import Desk
from desktop.store.store import Store
from sync.client import RemoteClient
from sync.errors import Forbidden
from tests.sync.servers import Replica, ServerProcess, converge
from tests.sync.snapshots import root

ANN = "Ann Agent <ann@example.com>"
BOB = "Bob Agent <bob@example.com>"


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[ServerProcess]:
    """Ann's laptop with two tickets, serving its own data dir."""
    with Store(tmp_path / "ann") as store:
        desk = Desk(store)
        desk.set_agent(ANN)
        for n in range(2):
            desk.create(subject=f"Ann's ticket {n}", requester="Req <req@example.com>")
    server = ServerProcess(tmp_path / "ann")
    server.start()
    yield server
    server.stop()


def peer_token(laptop: ServerProcess, agent: str) -> str:
    done = laptop.cli("server", "add-agent", agent)
    assert done.returncode == 0, done.stderr
    return str(done.stdout.strip())


def test_serve_on_a_desktop_data_dir_is_a_peer_that_numbers_nothing(
    laptop: ServerProcess,
) -> None:
    meta = httpx.get(laptop.url + "/v1/meta", trust_env=False).json()
    assert (meta["mode"], meta["numbers"]) == ("peer", False)


def test_a_colleague_syncs_both_ways_with_a_serving_laptop(
    laptop: ServerProcess, make_replica: Callable[..., Replica], tmp_path: Path
) -> None:
    bob = make_replica("bob", BOB, laptop.url, peer_token(laptop, BOB))
    bob.desk.create(subject="Bob's ticket", requester="Req <req@example.com>")

    summary = bob.sync()
    assert (summary.sent, summary.received, summary.numbers) == (1, 2, [])
    assert converge([bob]) == 1
    laptop.stop()

    with Store(tmp_path / "ann") as ann_store:
        ann = Replica(ann_store, bob.remote)
        assert ann.shown() == bob.shown()
        assert len(ann.shown()) == 3
        assert all(t["number"] is None for t in ann.shown().values())


def test_a_peer_refuses_a_snapshot_forged_in_its_owners_name(
    laptop: ServerProcess,
) -> None:
    with (
        RemoteClient(laptop.url, peer_token(laptop, BOB)) as client,
        pytest.raises(Forbidden) as caught,
    ):
        client.push([root(author=ANN)])
    assert "authored by 'Ann Agent <ann@example.com>'" in str(caught.value)
    assert "token belongs to Bob Agent <bob@example.com>" in str(caught.value)
