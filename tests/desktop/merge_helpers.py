"""Replicas for merge tests: stores on temp dirs, fake wall clocks, bundle exchange.

The checks here are the ones every merge test shares: replicas that hold the
same snapshots show the same tickets, each set of heads has one merge snapshot
across all replicas, and no edit any replica made goes missing.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import bundles
from desktop.desk import Desk
from desktop.pipeline import derived
from desktop.render import ticket_json
from desktop.store.store import Store, state_record
from desktop.ticket import tag_key
from sync.canonical import parse_json
from sync.clock import FAR_FUTURE_MS
from sync.history import DELETED, History, field_name, is_set_element
from sync.ids import SnapshotId, TicketId
from sync.patch import MISSING, decode_pointer, value_at
from sync.snapshot import Snapshot, from_body

#: 2023-11-14T22:13:20Z, a fixed "now" so tests never depend on the real clock.
EPOCH_MS = 1_700_000_000_000
HOUR_MS = 60 * 60 * 1000
REQUESTER = "Rita Requester <rita@example.com>"


class FakeTime:
    """One shared "real" time; each replica's wall clock reads it plus its skew."""

    def __init__(self, ms: int = EPOCH_MS) -> None:
        self.ms = ms

    def advance(self, ms: int) -> None:
        self.ms += ms

    def wall(self, skew_ms: int = 0) -> Callable[[], int]:
        return lambda: self.ms + skew_ms


@dataclass
class Replica:
    name: str
    store: Store
    skew_ms: int = 0
    bundles_made: list[Path] = field(default_factory=list)

    @property
    def desk(self) -> Desk:
        return Desk(self.store)

    def holds(self, ticket: TicketId) -> bool:
        row = self.store.db.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket,))
        return row.fetchone() is not None

    def view(self, ticket: TicketId) -> dict[str, Any]:
        """What `show --json` prints for the ticket on this replica."""
        return ticket_json(self.store.ticket_record(ticket))


def open_replica(
    root: Path, name: str, time: FakeTime | None = None, skew_ms: int = 0
) -> Replica:
    wall = (time or FakeTime()).wall(skew_ms)
    store = Store(root / name, wall=wall)
    Desk(store).set_agent(f"{name} Agent <{name.lower()}@example.com>")
    return Replica(name, store, skew_ms)


def new_ticket(replica: Replica, subject: str = "Printer on fire") -> TicketId:
    record = replica.desk.create(subject=subject, requester=REQUESTER)
    return TicketId(record["doc"]["id"])


def sets(replica: Replica, ticket: TicketId, **fields: str) -> str:
    """Edit fields on one replica; returns the new snapshot's id."""
    record = replica.desk.edit(ticket, list(fields.items()))
    return str(record["heads"][0])


def change(replica: Replica, ticket: TicketId, mutate: Any) -> str:
    return str(replica.desk.change(ticket, mutate)["heads"][0])


def make_bundle(src: Replica, path: Path, since: str | None = None) -> Path:
    bundles.create(src.store, path, since, [])
    src.bundles_made.append(path)
    return path


def send(
    src: Replica, dst: Replica, folder: Path, since: str | None = None
) -> list[dict[str, Any]]:
    """Carry a bundle from `src` to `dst`; returns the apply outcomes."""
    name = f"{src.name}-to-{dst.name}-{len(src.bundles_made)}.bundle"
    return bundles.apply(dst.store, make_bundle(src, folder / name, since))


def results(outcomes: list[dict[str, Any]]) -> dict[str, str]:
    return {o["ticket"]: o["result"] for o in outcomes}


def exchange_until_quiet(
    replicas: list[Replica], folder: Path, max_rounds: int = 6
) -> int:
    """Full bundles between every ordered pair until a round changes nothing."""
    for round_ in range(1, max_rounds + 1):
        changed = False
        for src in replicas:
            for dst in replicas:
                if src is dst:
                    continue
                for outcome in send(src, dst, folder):
                    assert not outcome["rejected"], outcome
                    changed = changed or outcome["result"] != "unchanged"
        if not changed:
            return round_
    raise AssertionError(f"replicas still changing after {max_rounds} rounds")


def all_tickets(replicas: Iterable[Replica]) -> set[TicketId]:
    found: set[TicketId] = set()
    for r in replicas:
        found.update(
            TicketId(t) for (t,) in r.store.db.execute("SELECT id FROM tickets")
        )
    return found


def snapshots_of(store: Store) -> list[Snapshot]:
    return [
        from_body(parse_json(body), sid) for _, sid, body in store.iter_snapshot_rows()
    ]


def merge_groups(replicas: Iterable[Replica]) -> dict[tuple[str, ...], set[str]]:
    """Merge snapshot ids across all replicas, keyed by (ticket, *sorted parents)."""
    groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for r in replicas:
        for snap in snapshots_of(r.store):
            if snap.is_merge:
                groups[(snap.ticket, *sorted(snap.parents))].add(snap.id)
    return groups


def without_clock_warnings(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k != "clock_warnings"}


def assert_converged(replicas: list[Replica]) -> None:
    """Same snapshots, one head, the same shown ticket, one merge per parent set.

    `clock_warnings` is compared only when no replica's clock is an hour or more
    off another's: it says what was far ahead of *this* device's wall clock, so
    a replica running fast rightly warns about nothing its slower peers flag.
    """
    tickets = all_tickets(replicas)
    ids = [{s.id for s in snapshots_of(r.store)} for r in replicas]
    assert all(i == ids[0] for i in ids), "replicas hold different snapshots"
    skews = [r.skew_ms for r in replicas]
    same_clocks = max(skews) - min(skews) < FAR_FUTURE_MS
    for ticket in tickets:
        views = [r.view(ticket) for r in replicas]
        assert len(views[0]["heads"]) == 1, views[0]["heads"]
        if same_clocks:
            assert all(v == views[0] for v in views), ticket
        else:
            plain = [without_clock_warnings(v) for v in views]
            assert all(v == plain[0] for v in plain), ticket
        for r in replicas:
            assert_record_matches_history(r.store, ticket)
    for parents, merges in merge_groups(replicas).items():
        assert len(merges) == 1, (parents, merges)


def assert_record_matches_history(store: Store, ticket: TicketId) -> None:
    """The query table holds exactly the fold of the ticket's snapshots, its
    SLA exactly what deriving it afresh gives, and the tag index its tags.

    Clock warnings depend on the local clock and are checked elsewhere.
    """
    stored = store.ticket_record(ticket)
    history = store.history(ticket)
    state = history.full_state()
    folded = state_record(state)
    for key in ("doc", "heads", "conflicts", "updated"):
        assert stored[key] == folded[key], key
    assert stored["sla"] == derived.derive(store, state, history)["sla"]
    indexed = store.db.execute(
        "SELECT tag FROM ticket_tags JOIN tickets ON tickets.rowid = ticket_tags.ticket"
        " WHERE tickets.id = ?",
        (ticket,),
    )
    assert {tag for (tag,) in indexed} == {tag_key(t) for t in stored["doc"]["tags"]}


def leaf_writes(snap: Snapshot) -> list[tuple[tuple[str, ...], Any]]:
    """The (path, value) leaves a snapshot wrote; DELETED for a removal.

    A container's creation (an empty map) is not an edit of content, so it is
    left out.
    """
    writes: list[tuple[tuple[str, ...], Any]] = []

    def flatten(path: tuple[str, ...], value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                flatten(path + (key,), sub)
        else:
            writes.append((path, value))

    for op in snap.patch:
        if op["op"] == "test":
            continue
        path = decode_pointer(op["path"])
        if op["op"] == "remove":
            writes.append((path, DELETED))
        else:
            flatten(path, op["value"])
    return writes


def unaccounted_edits(history: History, record: dict[str, Any]) -> list[str]:
    """Edits neither shown, nor in a conflict record, nor overwritten by a later one.

    An edit is one leaf a snapshot wrote. It is accounted for when the final
    document holds that value there; or a conflict on that field (or on a map
    holding it) names the snapshot; or a snapshot that descends from it wrote
    the same path or a map holding it; or, for a set element, it was a removal
    beaten by an add the remover had not seen (add wins).
    """
    doc = record["doc"]
    named: dict[str, set[str]] = defaultdict(set)
    for conflict in record["conflicts"]:
        for version in (conflict["kept"], *conflict["others"]):
            named[conflict["field"]].add(version["snapshot"])
    writes = {
        s.id: [path for path, _ in leaf_writes(s)]
        for s in history.order
        if not s.is_merge
    }

    def overwritten(sid: SnapshotId, path: tuple[str, ...]) -> bool:
        return any(
            other != sid
            and history.is_ancestor(sid, other)
            and any(path[: len(p)] == p for p in paths)
            for other, paths in writes.items()
        )

    def unseen_add(sid: SnapshotId, leaf: tuple[str, ...]) -> bool:
        return any(
            other != sid
            and not history.is_ancestor(other, sid)
            and any(p == leaf and v is not DELETED for p, v in leaf_writes(s))
            for other, s in ((o, history.by_id[o]) for o in writes)
        )

    def adds_beat_it(sid: SnapshotId, path: tuple[str, ...]) -> bool:
        """A removal of set elements that adds it never saw keep alive (add wins)."""
        survivors = [path + rest for rest, _ in _leaves(value_at(doc, path))]
        return all(is_set_element(leaf) and unseen_add(sid, leaf) for leaf in survivors)

    lost = []
    for snap in history.order:
        if snap.is_merge:
            continue
        for path, value in leaf_writes(snap):
            shown = value_at(doc, path)
            if shown == (MISSING if value is DELETED else value):
                continue
            if any(
                snap.id in named[field_name(path[:n])] for n in range(1, len(path) + 1)
            ):
                continue
            if overwritten(snap.id, path):
                continue
            if value is DELETED and adds_beat_it(snap.id, path):
                continue
            lost.append(f"{snap.id[:12]} {snap.author}: {field_name(path)}={value!r}")
    return lost


def _leaves(value: Any) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict) and value:
        return [
            ((key, *rest), leaf)
            for key, sub in value.items()
            for rest, leaf in _leaves(sub)
        ]
    return [((), value)]


def add_wins_violations(history: History, record: dict[str, Any]) -> list[str]:
    """Set elements (tags, multi-select options) are present iff a surviving add.

    A write to an element survives unless a snapshot descending from it wrote
    that element or removed a map holding it. Set elements never conflict.
    """
    found = [
        f"conflict on set element {c['field']}"
        for c in record["conflicts"]
        if is_set_element(tuple(c["field"].split(".")))
    ]
    writes = [
        (snap, path, value)
        for snap in history.order
        if not snap.is_merge
        for path, value in leaf_writes(snap)
    ]
    elements = {path for _, path, _ in writes if is_set_element(path)}
    for element in sorted(elements):
        touching = [
            (snap, value)
            for snap, path, value in writes
            if path == element or (value is DELETED and element[: len(path)] == path)
        ]
        alive = [
            (snap, value)
            for snap, value in touching
            if not any(
                other.id != snap.id and history.is_ancestor(snap.id, other.id)
                for other, _ in touching
            )
        ]
        expected = any(value is not DELETED for _, value in alive)
        if (value_at(record["doc"], element) is not MISSING) != expected:
            found.append(f"{field_name(element)} should be present: {expected}")
    return found
