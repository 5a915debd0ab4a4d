"""The fold over a random snapshot DAG agrees with a plain reading of DESIGN.md §5.

Random DAGs of snapshots (branches, merges of any heads, equal clocks on
different devices) are folded by `History` and compared with a small,
independent model of the rules: a write survives unless a descendant wrote the
same field; a scalar shows the highest-ordered survivor and the rest that
differ are a conflict; a tag is present if any survivor added it. Merge
snapshots never change the state, and neither does the order snapshots are
handed over in.
"""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.clock import Clock
from sync.history import History
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.snapshot import Snapshot, authored, merge_of

TICKET = TicketId("01HMERGEMERGEMERGEMERGEMER")
DEVICES = [DeviceId("dev-a"), DeviceId("dev-b"), DeviceId("dev-c")]
SCALARS = ("subject", "status")
VALUES = ("x", "y", "z")
TAGS = ("vip", "bug")
ROOT_DOC = {"subject": "x", "status": "x", "tags": {}, "custom": {}}


def root() -> Snapshot:
    return authored(
        TICKET,
        [],
        [{"op": "add", "path": "", "value": ROOT_DOC}],
        "Ann <ann@example.com>",
        DEVICES[0],
        Clock(1000, 0),
        "2026-01-01T00:00:00Z",
    )


ops = st.one_of(
    st.tuples(st.sampled_from(SCALARS), st.sampled_from(VALUES)).map(
        lambda fv: {"op": "replace", "path": f"/{fv[0]}", "value": fv[1]}
    ),
    st.sampled_from(TAGS).map(
        lambda t: {"op": "add", "path": f"/tags/{t}", "value": True}
    ),
    st.sampled_from(TAGS).map(lambda t: {"op": "remove", "path": f"/tags/{t}"}),
)


@st.composite
def dags(draw: st.DrawFn) -> list[Snapshot]:
    """A root, then authored snapshots and merges on random earlier snapshots."""
    snaps = [root()]
    for step in range(draw(st.integers(1, 12))):
        if len(snaps) > 2 and draw(st.booleans()) and draw(st.booleans()):
            heads = History(snaps).heads()
            if len(heads) >= 2:
                chosen = draw(st.lists(st.sampled_from(heads), min_size=2, unique=True))
                by_id = {s.id: s for s in snaps}
                snaps.append(merge_of(TICKET, [by_id[h] for h in chosen]))
                continue
        parents = draw(st.lists(st.sampled_from(snaps), min_size=1, max_size=2))
        top = max(p.clock for p in parents)
        bump = draw(st.sampled_from([0, 0, 1, 500]))  # 0: same ms, counter goes up
        clock = top.successor() if bump == 0 else Clock(top.ms + bump, 0)
        patch = draw(
            st.lists(ops, min_size=1, max_size=2, unique_by=lambda o: o["path"])
        )
        snaps.append(
            authored(
                TICKET,
                sorted({p.id for p in parents}),
                patch,
                f"Agent {step} <a{step}@example.com>",
                draw(st.sampled_from(DEVICES)),
                clock,
                "2026-01-01T00:00:00Z",
            )
        )
    return snaps


def model(history: History) -> tuple[dict[str, Any], dict[str, tuple[str, set[str]]]]:
    """DESIGN.md §5 read literally, for flat fields and tags only."""
    writes: dict[str, list[tuple[Snapshot, Any]]] = {}
    for snap in history.order:
        for op in snap.patch:
            if op["path"] == "":
                for name in SCALARS:
                    writes.setdefault(name, []).append((snap, op["value"][name]))
            else:
                value = None if op["op"] == "remove" else op["value"]
                writes.setdefault(op["path"][1:], []).append((snap, value))

    doc: dict[str, Any] = {"tags": {}}
    conflicts: dict[str, tuple[str, set[str]]] = {}
    for path, ws in writes.items():
        alive = [
            (s, v)
            for s, v in ws
            if not any(history.is_ancestor(s.id, t.id) for t, _ in ws if t is not s)
        ]
        if path.startswith("tags/"):
            if any(v is True for _, v in alive):
                doc["tags"][path[5:]] = True
            continue
        winner, value = max(alive, key=lambda w: w[0].order_key())
        doc[path] = value
        losers = {s.id for s, v in alive if v != value}
        if losers:
            conflicts[path] = (winner.id, losers)
    return doc, conflicts


def folded(history: History, heads: list[SnapshotId] | None = None):
    state = history.state(heads)
    doc = {k: state.doc[k] for k in (*SCALARS, "tags")}
    conflicts = {
        c.field: (c.kept.snapshot, {o.snapshot for o in c.others})
        for c in state.conflicts
    }
    return doc, conflicts


def closure(history: History, heads: list[SnapshotId]) -> list[Snapshot]:
    ids = set(heads)
    for head in heads:
        ids.update(history.ancestors(head))
    return [history.by_id[i] for i in ids]


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(dags())
def test_the_fold_agrees_with_the_rules_for_scalars_and_tags(snaps):
    history = History(snaps)
    assert folded(history) == model(history)


@SETTINGS
@given(dags(), st.randoms(use_true_random=False))
def test_the_fold_does_not_depend_on_the_order_snapshots_arrive_in(snaps, rnd):
    shuffled = list(snaps)
    rnd.shuffle(shuffled)
    a, b = History(snaps).state(), History(shuffled).state()
    assert (a.doc, a.conflicts, a.heads, a.updated) == (
        b.doc,
        b.conflicts,
        b.heads,
        b.updated,
    )


@SETTINGS
@given(dags())
def test_a_merge_snapshot_changes_nothing_in_the_state(snaps):
    history = History(snaps)
    heads = history.heads()
    if len(heads) < 2:
        return
    merge = merge_of(TICKET, [history.by_id[h] for h in heads])
    merged = History([*snaps, merge])
    assert merged.heads() == [merge.id]
    before, after = history.state(), merged.state()
    assert (after.doc, after.conflicts, after.updated) == (
        before.doc,
        before.conflicts,
        before.updated,
    )


@SETTINGS
@given(dags(), st.data())
def test_the_state_at_some_heads_ignores_snapshots_they_do_not_descend_from(
    snaps, data
):
    history = History(snaps)
    chosen = data.draw(
        st.lists(st.sampled_from([s.id for s in snaps]), min_size=1, unique=True)
    )
    alone = History(closure(history, chosen))
    assert folded(history, chosen) == folded(alone, chosen)


def test_a_merge_id_depends_only_on_the_ticket_and_its_parents():
    base = root()
    left = authored(
        TICKET,
        [base.id],
        [{"op": "replace", "path": "/subject", "value": "y"}],
        "Ann <ann@example.com>",
        DEVICES[0],
        Clock(2000, 0),
        "2026-01-01T00:00:01Z",
    )
    right = authored(
        TICKET,
        [base.id],
        [{"op": "replace", "path": "/subject", "value": "z"}],
        "Bob <bob@example.com>",
        DEVICES[1],
        Clock(2000, 0),
        "2026-01-01T00:00:02Z",
    )
    one, other = merge_of(TICKET, [left, right]), merge_of(TICKET, [right, left])
    assert one.id == other.id
    assert one.body()["parents"] == sorted([left.id, right.id])
    assert (one.author, one.device, one.wall_time, one.patch) == (None, None, None, ())
    assert one.clock == Clock(2000, 1)
