"""`History.state` folds only what follows a fork when it can; it must give
exactly what folding every snapshot gives.

Merging two branches is the common case the shortcut is for: the document at
the fork is rebuilt by applying its line of patches, and only the branches are
folded over it. Random DAGs here write through values, over maps, remove what
the root holds, replace the document and write null, so every case the
shortcut declines is exercised beside the ones it takes.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.clock import Clock
from sync.history import History
from sync.ids import DeviceId, TicketId
from sync.patch import encode_pointer
from sync.snapshot import Snapshot, authored, merge_of

TICKET = TicketId("01TESTFOLDSHORTCUT00000000")
KEYS = ("subject", "tags", "custom", "requester", "deleted", "notes")
SUBKEYS = ("a", "b", "c~1", "d/e")
ROOTS = (
    {"subject": "s", "tags": {"a": True}, "custom": {"c": {"a": True}}},
    {"subject": "s", "requester": {"name": "Ann"}, "notes": None, "tags": {}},
)

values = st.recursive(
    st.one_of(st.sampled_from(["p", "q", 1, True, None]), st.just({}), st.just([1])),
    lambda inner: st.dictionaries(st.sampled_from(SUBKEYS), inner, max_size=3),
    max_leaves=5,
)
paths = st.lists(st.sampled_from(KEYS + SUBKEYS), max_size=3).map(
    lambda parts: encode_pointer(tuple(parts))
)
ops = st.one_of(
    st.tuples(st.sampled_from(["add", "replace"]), paths, values).map(
        lambda t: {"op": t[0], "path": t[1], "value": t[2]}
    ),
    paths.map(lambda p: {"op": "remove", "path": p}),
    paths.map(lambda p: {"op": "test", "path": p, "value": 1}),
)


def first_snapshot(doc: object) -> Snapshot:
    return authored(
        TICKET,
        [],
        [{"op": "add", "path": "", "value": doc}],
        "Ann <ann@example.com>",
        DeviceId("dev-a"),
        Clock(1000, 0),
        "2026-01-01T00:00:00Z",
    )


@st.composite
def dags(draw: st.DrawFn) -> list[Snapshot]:
    root_doc = draw(st.one_of(st.sampled_from(ROOTS), values))
    snaps = [first_snapshot(root_doc)]
    for step in range(draw(st.integers(1, 10))):
        if len(snaps) > 2 and draw(st.booleans()):
            heads = History(snaps).heads()
            if len(heads) >= 2:
                by_id = {s.id: s for s in snaps}
                snaps.append(merge_of(TICKET, [by_id[h] for h in heads]))
                continue
        parents = draw(st.lists(st.sampled_from(snaps), min_size=1, max_size=2))
        top = max(p.clock for p in parents)
        bump = draw(st.sampled_from([0, 1, 500]))
        snaps.append(
            authored(
                TICKET,
                sorted({p.id for p in parents}),
                draw(st.lists(ops, min_size=1, max_size=3)),
                f"Agent {step} <a{step}@example.com>",
                draw(st.sampled_from([DeviceId("dev-a"), DeviceId("dev-b")])),
                top.successor() if bump == 0 else Clock(top.ms + bump, 0),
                "2026-01-01T00:00:00Z",
            )
        )
    return snaps


def shown(history: History, *, full: bool) -> tuple[object, ...]:
    state = history.full_state() if full else history.state()
    return (
        state.doc,
        [c.to_json() for c in state.conflicts],
        state.heads,
        state.updated,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags())
def test_the_shortcut_gives_what_folding_every_snapshot_gives(snaps):
    history = History(snaps)
    assert shown(history, full=False) == shown(history, full=True)


def branches(*patches: list[dict[str, object]]) -> list[Snapshot]:
    root = first_snapshot(ROOTS[0])
    return [root] + [
        authored(
            TICKET,
            [root.id],
            patch,
            f"Agent {n} <a{n}@example.com>",
            DeviceId(f"dev-{n}"),
            Clock(2000, n),
            "2026-01-01T00:00:01Z",
        )
        for n, patch in enumerate(patches)
    ]


def test_two_branches_removing_and_rewriting_a_root_field_conflict_as_in_full():
    history = History(
        branches(
            [{"op": "remove", "path": "/subject"}],
            [{"op": "replace", "path": "/subject", "value": "t"}],
        )
    )
    state = history.state()
    assert [c.field for c in state.conflicts] == ["subject"]
    assert shown(history, full=False) == shown(history, full=True)


def test_a_map_written_over_a_null_of_the_root_is_left_to_the_full_fold():
    root = first_snapshot({"subject": "s", "notes": None})
    child = authored(
        TICKET,
        [root.id],
        [{"op": "add", "path": "/notes/a", "value": "x"}],
        "Bob <bob@example.com>",
        DeviceId("dev-b"),
        Clock(2000, 0),
        "2026-01-01T00:00:01Z",
    )
    history = History([root, child])
    # null is a value, not a missing map: the fold shows the clash of shapes.
    assert [c.field for c in history.state().conflicts] == ["notes"]
    assert shown(history, full=False) == shown(history, full=True)
