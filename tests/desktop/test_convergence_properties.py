"""Replicas that edit the same tickets and swap bundles at random end up agreeing.

Two to four replicas, each a store on its own directory with its own agent and
its own (often wrong) wall clock, follow a random plan: edits of every kind,
deletes and restores, conflict resolutions, and bundles, full or partial,
carried between them in random orders and applied again later. After a final
exchange until nothing changes, every replica shows the same tickets, each set
of heads was merged by exactly one snapshot, and every edit is visible: in the
ticket, in a conflict record, or overwritten by a later write that had seen it.
"""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop import bundles
from desktop.errors import UserError
from sync.ids import TicketId
from tests.desktop.merge_helpers import (
    HOUR_MS,
    FakeTime,
    Replica,
    add_wins_violations,
    assert_converged,
    assert_record_matches_history,
    exchange_until_quiet,
    make_bundle,
    new_ticket,
    open_replica,
    snapshots_of,
    unaccounted_edits,
)

#: Wall-clock skews: several replicas on exact time (identical wall clocks),
#: some hours fast or slow, one a day ahead (flagged as far-future).
SKEWS = (0, 0, 0, 3 * HOUR_MS, -3 * HOUR_MS, 5 * 60 * 1000, 26 * HOUR_MS)
PEOPLE = (None, "ann", "bob", "cy")
SCALARS = {
    "subject": ("Printer on fire", "Printer fixed", "Toner low", "VPN down"),
    "status": ("new", "open", "pending", "solved"),
    "priority": ("low", "normal", "high", "urgent"),
    "assignee": PEOPLE,
    "group": PEOPLE,
}
CUSTOM_VALUES = ("a", "b", 0, 1, None)  # None clears the field
TAGS = ("hardware", "urgent", "vip")
OPTIONS = ("red", "green", "blue")
BODIES = ("On my way", "Fixed it", "Customer called back")
STEPS_MS = (0, 1, 1000, 60_000, HOUR_MS)
#: Refusals an honest partial bundle may cause: a parent the receiver lacks.
MISSING_PARENT = ("is neither held nor in this batch", "was refused")
RESULTS = {"new", "unchanged", "fast-forward", "merged", "conflict", "invalid"}

Mutate = Callable[[dict[str, Any]], object]


def scalar(a: int, b: int) -> Mutate:
    field = sorted(SCALARS)[a % len(SCALARS)]
    value = SCALARS[field][b % len(SCALARS[field])]
    return lambda doc: doc.update({field: value})


def custom_scalar(a: int, b: int) -> Mutate:
    value = CUSTOM_VALUES[a % len(CUSTOM_VALUES)]
    if value is None:
        return lambda doc: doc["custom"].pop("cf_text", None)
    return lambda doc: doc["custom"].update(cf_text=value)


def multi_select(a: int, b: int) -> Mutate:
    """`custom.cf_multi` becomes exactly the options `a`'s bits pick (maybe none)."""
    chosen = {opt: True for i, opt in enumerate(OPTIONS) if a >> i & 1}
    return lambda doc: doc["custom"].update(cf_multi=chosen)


def tag(a: int, b: int) -> Mutate:
    name = TAGS[a % len(TAGS)]
    if b % 2:
        return lambda doc: doc["tags"].pop(name, None)
    return lambda doc: doc["tags"].update({name: True})


def comment_edit(a: int, b: int) -> Mutate:
    def mutate(doc: dict[str, Any]) -> None:
        ids = sorted(doc["comments"])
        if ids:
            doc["comments"][ids[a % len(ids)]]["body"] = BODIES[b % 3] + "!"

    return mutate


def comment_delete(a: int, b: int) -> Mutate:
    def mutate(doc: dict[str, Any]) -> None:
        ids = sorted(doc["comments"])
        if ids:
            doc["comments"][ids[a % len(ids)]]["deleted"] = True

    return mutate


MUTATIONS: dict[str, Callable[[int, int], Mutate]] = {
    "scalar": scalar,
    "custom scalar": custom_scalar,
    "multi-select": multi_select,
    "tag": tag,
    "edit comment": comment_edit,
    "delete comment": comment_delete,
}
#: Step kinds, repeated to weight them: about half edits, a third exchanges.
KINDS = (
    *MUTATIONS,
    *MUTATIONS,
    "add comment",
    "add comment",
    "delete or restore",
    "delete or restore",
    "resolve",
    "new ticket",
    "time passes",
    "time passes",
    *["carry"] * 7,
    "carry again",
    "carry again",
)
#: (kind, replica, ticket or second replica, a, b): small ints the kind reads.
steps = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 7),
    st.integers(0, 7),
)


class Run:
    """One plan being carried out on its replicas."""

    def __init__(self, root: Path, skews: list[int]) -> None:
        self.root = root
        self.time = FakeTime()
        self.replicas = [
            open_replica(root, "ABCD"[i], self.time, skew)
            for i, skew in enumerate(skews)
        ]
        self.tickets = [new_ticket(self.replicas[0])]
        self.made: set[str] = set()
        self.bundle_files: list[Path] = []
        for other in self.replicas[1:]:
            self.carry(self.replicas[0], other, None)

    def close(self) -> None:
        for r in self.replicas:
            r.store.close()

    def step(self, kind: str, r: int, t: int, a: int, b: int) -> None:
        replica = self.replicas[r % len(self.replicas)]
        held = [x for x in self.tickets if replica.holds(x)]
        ticket = held[t % len(held)] if held else None
        if kind == "new ticket":
            if len(self.tickets) < 3:
                self.tickets.append(new_ticket(replica))
        elif kind == "time passes":
            self.time.advance(STEPS_MS[a % len(STEPS_MS)])
        elif kind == "carry":
            self.carry_step(replica, self.replicas[t % len(self.replicas)], a, b)
        elif kind == "carry again":
            if self.bundle_files:
                self.apply(replica, self.bundle_files[a % len(self.bundle_files)])
        elif ticket is not None:
            self.edit(replica, ticket, kind, a, b)

    def edit(self, replica: Replica, ticket: TicketId, kind: str, a: int, b: int):
        desk = replica.desk
        try:
            if kind == "add comment":
                record = desk.comment(ticket, BODIES[a % 3], public=b % 2 == 0)
            elif kind == "delete or restore":
                record = desk.delete(ticket) if a % 2 else desk.restore(ticket)
            elif kind == "resolve":
                record = self.resolve(replica, ticket, a, b)
                if record is None:
                    return
            else:
                record = desk.change(ticket, MUTATIONS[kind](a, b))
        except UserError:
            return  # nothing to change, or already (not) deleted: no snapshot
        event(f"made {kind}")
        self.made.update(record["heads"])

    def resolve(
        self, replica: Replica, ticket: TicketId, a: int, b: int
    ) -> dict[str, Any] | None:
        conflicts = replica.store.ticket_record(ticket)["conflicts"]
        if not conflicts:
            return None
        field = conflicts[a % len(conflicts)]["field"]
        value = {"subject": "Agreed subject", "status": "open"}.get(field)
        keep = b % 2 == 0 or value is None
        record = replica.desk.resolve(
            ticket, field, keep=keep, value=None if keep else value
        )
        assert field not in {c["field"] for c in record["conflicts"]}
        return record

    def carry_step(self, src: Replica, dst: Replica, a: int, b: int) -> None:
        """A full bundle, one since a cursor, or one since an earlier bundle."""
        since = None
        if a % 3 == 1:
            since = str(b % (src.store.last_seq() + 1))
        elif a % 3 == 2 and src.bundles_made:
            since = str(src.bundles_made[b % len(src.bundles_made)])
        self.carry(src, dst, since)

    def carry(self, src: Replica, dst: Replica, since: str | None) -> None:
        path = self.root / f"b{len(self.bundle_files)}.bundle"
        self.bundle_files.append(make_bundle(src, path, since=since))
        self.apply(dst, path)

    def apply(self, dst: Replica, path: Path) -> None:
        for outcome in bundles.apply(dst.store, path):
            assert outcome["result"] in RESULTS, outcome
            event(f"outcome {outcome['result']}")
            for reason in outcome["rejected"].values():
                assert any(m in reason for m in MISSING_PARENT), reason
        for ticket in self.tickets:
            if dst.holds(ticket):
                assert_record_matches_history(dst.store, ticket)

    def check_end_state(self) -> None:
        exchange_until_quiet(self.replicas, self.root)
        assert_converged(self.replicas)
        first = self.replicas[0].store
        assert self.made <= {s.id for s in snapshots_of(first)}
        for ticket in self.tickets:
            history = first.history(ticket)
            record = first.ticket_record(ticket)
            for conflict in record["conflicts"]:
                event(f"final conflict on {conflict['field'].split('.')[0]}")
            lost = unaccounted_edits(history, record)
            assert not lost, lost
            wrong = add_wins_violations(history, record)
            assert not wrong, wrong


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    skews=st.lists(st.sampled_from(SKEWS), min_size=2, max_size=4),
    plan=st.lists(steps, min_size=25, max_size=60),
)
def test_replicas_that_swap_random_bundles_converge_and_lose_no_edit(
    skews: list[int], plan: list[tuple[str, int, int, int, int]]
):
    with tempfile.TemporaryDirectory(prefix="offdesk-merge-") as root:
        run = Run(Path(root), skews)
        try:
            for step in plan:
                run.step(*step)
            run.check_end_state()
        finally:
            run.close()
