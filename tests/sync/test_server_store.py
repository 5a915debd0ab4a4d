"""The server-store contract, run on SQLite, PostgreSQL and a peer laptop's store."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.peer import PeerStore
from sync.auth import Agent
from sync.clock import Clock
from sync.errors import AccessError, BatchRefused
from sync.ids import DeviceId, TicketId
from sync.protocol import SERVER_AUTHOR, number_of, number_record
from sync.snapshot import Snapshot, authored, from_body, merge_of
from sync.sql_store import SqlServerStore, default_url
from tests.sync.snapshots import ANN, BOB, WHEN, edit, root

ANN_AGENT = Agent("Ann Agent", "ann@example.com")
BOB_AGENT = Agent("Bob Agent", "bob@example.com")


def open_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    if kind == "sqlite":
        return SqlServerStore(default_url(tmp_path))
    if kind == "postgresql":
        return SqlServerStore(request.getfixturevalue("postgres_url"))
    return PeerStore(tmp_path / "laptop")


@pytest.fixture(params=["sqlite", "postgresql", "peer"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    opened = open_store(request.param, tmp_path, request)
    yield opened
    opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    opened = open_store(request.param, tmp_path, request)
    yield opened
    opened.close()


def pulled(store: Any, since: int = 0, limit: int = 10_000) -> list[Snapshot]:
    from sync.canonical import parse_json

    page = store.pull(since, limit)
    return [from_body(parse_json(raw), sid) for sid, raw in page.entries]


def authored_only(snaps: list[Snapshot]) -> list[Snapshot]:
    return [s for s in snaps if s.author != SERVER_AUTHOR]


# -- storing and pulling ------------------------------------------------------


def test_a_pushed_batch_is_pulled_back_parents_first(store: Any) -> None:
    first = root()
    second = edit(first, "Smoke everywhere")
    done = store.push(ANN_AGENT, [second, first])

    assert (done.stored, done.known) == (2, 0)
    snaps = pulled(store)
    assert authored_only(snaps) == [first, second]
    order = {s.id: i for i, s in enumerate(snaps)}
    assert all(order[p] < order[s.id] for s in snaps for p in s.parents)


def test_pushing_the_same_batch_twice_stores_it_once(store: Any) -> None:
    batch = [root(), root()]
    store.push(ANN_AGENT, batch)
    before = pulled(store)

    again = store.push(ANN_AGENT, batch + batch)

    assert (again.stored, again.known) == (0, 2)
    assert pulled(store) == before


def test_pull_pages_by_cursor_without_gaps_or_repeats(store: Any) -> None:
    snaps = [root(ms=1_000 + i) for i in range(7)]
    store.push(ANN_AGENT, snaps)
    seen: list[str] = []
    cursor, more = 0, True
    while more:
        page = store.pull(cursor, 3)
        seen += [sid for sid, _ in page.entries]
        cursor, more = page.cursor, page.more
    assert len(seen) == len(set(seen))
    assert {s.id for s in snaps} <= set(seen)
    assert store.pull(cursor, 3).entries == []


def test_held_says_which_snapshots_the_store_has(store: Any) -> None:
    kept, other = root(), root()
    store.push(ANN_AGENT, [kept])
    assert store.held([kept.id, other.id]) == {kept.id}


def test_the_epoch_stays_when_the_store_is_opened_again(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    for kind in ("sqlite", "peer"):
        first = open_store(kind, tmp_path / kind, request)
        epoch = first.epoch
        first.close()
        again = open_store(kind, tmp_path / kind, request)
        assert again.epoch == epoch
        again.close()
        other = open_store(kind, tmp_path / f"{kind}-new", request)
        assert other.epoch != epoch
        other.close()


# -- refusals -------------------------------------------------------------------


def refused(store: Any, agent: Agent, batch: list[Snapshot]) -> BatchRefused:
    before = store.pull(0, 10_000).entries
    with pytest.raises(BatchRefused) as caught:
        store.push(agent, batch)
    assert store.pull(0, 10_000).entries == before, "a refused batch stored something"
    return caught.value


def test_a_batch_with_one_bad_snapshot_stores_nothing(store: Any) -> None:
    good = root()
    orphan = edit(root(), "parent never sent")
    error = refused(store, ANN_AGENT, [good, orphan])
    assert error.status == 422
    assert "neither held nor earlier in the batch" in str(error)
    assert list(error.refused) == [orphan.id]


def test_a_snapshot_by_another_agent_is_refused_as_forged(store: Any) -> None:
    error = refused(store, ANN_AGENT, [root(author=BOB)])
    assert error.status == 403
    assert "authored by 'Bob Agent <bob@example.com>'" in str(error)
    assert "token belongs to Ann Agent <ann@example.com>" in str(error)


def test_the_author_is_matched_on_the_email_whatever_the_name(store: Any) -> None:
    done = store.push(ANN_AGENT, [root(author="Annie <ANN@example.com>")])
    assert done.stored == 1


def test_an_admin_may_relay_other_agents_snapshots(store: Any) -> None:
    admin = Agent("Admin", "admin@example.com", admin=True)
    assert store.push(admin, [root(author=BOB)]).stored == 1


def test_a_merge_by_anyone_is_taken_when_it_is_the_deterministic_one(
    store: Any,
) -> None:
    first = root()
    mine = edit(first, "mine")
    theirs = edit(first, "theirs", author=BOB, device="dev-b")
    store.push(ANN_AGENT, [first, mine])
    store.push(BOB_AGENT, [theirs])
    merge = merge_of(first.ticket, [mine, theirs])
    done = store.push(BOB_AGENT, [merge])  # a peer may have made it already
    assert (done.stored, done.known) in ((1, 0), (0, 1))
    assert store.held([merge.id]) == {merge.id}


def test_a_merge_that_is_not_the_deterministic_one_is_refused(store: Any) -> None:
    first = root()
    a, b = edit(first, "a"), edit(first, "b", ms=5_000)
    store.push(ANN_AGENT, [first, a, b])
    fake = from_body({**merge_of(first.ticket, [a, b]).body(), "clock": [9_999, 0]})
    error = refused(store, ANN_AGENT, [fake])
    assert "not the deterministic merge" in str(error)


def test_a_second_first_snapshot_for_a_ticket_is_refused(store: Any) -> None:
    first = root()
    store.push(ANN_AGENT, [first])
    body = first.body()
    body["patch"][0]["value"]["subject"] = "another first snapshot"
    error = refused(store, ANN_AGENT, [from_body(body)])
    assert "already has a first snapshot" in str(error)


def test_a_clock_not_above_the_parents_clock_is_refused(store: Any) -> None:
    first = root(ms=5_000)
    error = refused(store, ANN_AGENT, [first, edit(first, "late", ms=4_000)])
    assert "clock is not above" in str(error)


def test_a_parent_from_another_ticket_is_refused(store: Any) -> None:
    one, two = root(), root()
    stray = authored(
        two.ticket,
        [one.id],
        [{"op": "replace", "path": "/subject", "value": "x"}],
        ANN,
        DeviceId("dev-a"),
        Clock(9_000, 0),
        WHEN,
    )
    error = refused(store, ANN_AGENT, [one, two, stray])
    assert "belongs to another ticket" in str(error)


def test_only_a_number_record_may_claim_the_server_as_author(store: Any) -> None:
    first = root()
    store.push(ANN_AGENT, [first])
    forged = edit(first, "the server says so", author=SERVER_AUTHOR)
    error = refused(store, ANN_AGENT, [forged])
    assert error.status == 403
    assert "only a server writes as 'Offdesk server'" in str(error)


# -- tokens ---------------------------------------------------------------------


def test_a_token_names_its_agent_until_it_is_revoked(store: Any) -> None:
    token = store.add_agent(ANN_AGENT)
    assert store.authenticate(token) == ANN_AGENT
    assert store.revoke("ANN@example.com") == 1

    with pytest.raises(AccessError) as caught:
        store.authenticate(token)
    assert caught.value.status == 403
    assert "revoked" in str(caught.value)
    fresh = store.add_agent(ANN_AGENT)
    assert store.authenticate(fresh) == ANN_AGENT
    assert [(r.email, r.tokens, r.revoked) for r in store.agents()] == [
        ("ann@example.com", 1, 1)
    ]


@pytest.mark.parametrize("token", [None, "", "odk_not-a-token"])
def test_a_missing_or_unknown_token_is_refused_with_401(
    store: Any, token: str | None
) -> None:
    store.add_agent(ANN_AGENT)
    with pytest.raises(AccessError) as caught:
        store.authenticate(token)
    assert caught.value.status == 401


# -- numbers --------------------------------------------------------------------


def test_a_central_server_numbers_each_new_ticket_once_with_a_server_snapshot(
    central: Any,
) -> None:
    one, two = root(ms=1_000), root(ms=2_000)
    done = central.push(ANN_AGENT, [one, two, edit(one, "x")])
    central.push(ANN_AGENT, [one, two])

    assert done.numbers == {one.ticket: 1, two.ticket: 2}
    records = [s for s in pulled(central) if s.author == SERVER_AUTHOR]
    assert sorted((r.ticket, number_of(r)) for r in records) == sorted(
        [(one.ticket, 1), (two.ticket, 2)]
    )
    for record in records:
        first = one if record.ticket == one.ticket else two
        assert record.parents == (first.id,)
        assert record.clock > first.clock
        assert list(record.patch) == [
            {"op": "replace", "path": "/number", "value": number_of(record)}
        ]


def test_settings_histories_under_colon_ids_get_no_number(central: Any) -> None:
    setting = authored(
        TicketId("config:rules"),
        [],
        [{"op": "add", "path": "", "value": {"rules": {}}}],
        ANN,
        DeviceId("dev-a"),
        Clock(1_000, 0),
        WHEN,
    )
    assert central.push(ANN_AGENT, [setting]).numbers == {}
    assert pulled(central) == [setting]


def test_a_peer_hands_out_no_numbers(tmp_path: Path) -> None:
    peer = PeerStore(tmp_path / "laptop")
    try:
        done = peer.push(ANN_AGENT, [root()])
        assert done.numbers == {}
        assert authored_only(pulled(peer)) == pulled(peer)
    finally:
        peer.close()


def test_a_relayed_number_from_before_a_reset_is_kept_when_free(
    central: Any,
) -> None:
    first = root()
    old = number_record(
        first.ticket, first.id, 42, DeviceId("server:old"), Clock(2_000, 0)
    )
    done = central.push(ANN_AGENT, [first, old])
    later = root(ms=3_000)
    assert done.numbers == {first.ticket: 42}
    assert central.push(ANN_AGENT, [later]).numbers == {later.ticket: 43}
    records = {s.ticket: s for s in pulled(central) if s.author == SERVER_AUTHOR}
    assert records[first.ticket] == old, "an adopted number makes no new record"
    assert number_of(records[later.ticket]) == 43


def test_a_number_record_a_client_makes_up_is_never_stored(central: Any) -> None:
    ann_ticket, bob_ticket = root(ms=1_000), root(BOB, ms=2_000)
    central.push(ANN_AGENT, [ann_ticket])
    central.push(BOB_AGENT, [bob_ticket])
    # Ann claims Bob's ticket is #1 (it is #2), and relays a stale claim that
    # would take a number already given, with a new ticket of hers.
    forged = number_record(
        bob_ticket.ticket, bob_ticket.id, 1, DeviceId("server:x"), Clock(9_000, 0)
    )
    third = root(ms=3_000)
    stale = number_record(
        third.ticket, third.id, 2, DeviceId("server:old"), Clock(4_000, 0)
    )

    done = central.push(ANN_AGENT, [forged, third, stale])

    assert done.stored == 1 and done.numbers == {third.ticket: 3}
    numbers = {
        s.ticket: number_of(s) for s in pulled(central) if s.author == SERVER_AUTHOR
    }
    assert numbers == {ann_ticket.ticket: 1, bob_ticket.ticket: 2, third.ticket: 3}


def test_a_number_floor_counts_only_for_a_push_that_brings_new_tickets(
    central: Any,
) -> None:
    central.push(ANN_AGENT, [], number_floor=500)
    first = root()

    assert central.push(ANN_AGENT, [first], number_floor=10).numbers == {
        first.ticket: 11
    }


def test_concurrent_servers_never_hand_out_the_same_number_or_skip_a_cursor(
    central: Any,
) -> None:
    """Two store instances (as two server processes would) push while one pulls."""
    other = SqlServerStore(central.url)
    stores = [central, other]
    errors: list[BaseException] = []
    seen: list[str] = []
    stop = threading.Event()

    def pusher(n: int) -> None:
        try:
            for _ in range(6):
                stores[n % 2].push(ANN_AGENT, [root(ms=1_000 + n), root(ms=2_000 + n)])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def puller() -> None:
        cursor = 0
        while True:
            last = stop.is_set()
            page = other.pull(cursor, 50)
            seen.extend(sid for sid, _ in page.entries)
            cursor = page.cursor
            if last and not page.more:
                return

    reader = threading.Thread(target=puller)
    reader.start()
    workers = [threading.Thread(target=pusher, args=(n,)) for n in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    reader.join()
    other.close()

    assert not errors
    everything = pulled(central)
    numbers = [number_of(s) for s in everything if s.author == SERVER_AUTHOR]
    assert sorted(numbers) == list(range(1, 73))
    assert len(everything) == 144
    assert seen == [s.id for s in everything], "the puller missed or repeated some"
