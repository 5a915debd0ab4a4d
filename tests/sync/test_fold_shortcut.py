"""`History.state` folds only what follows a fork when it can; it must give
exactly what folding every snapshot gives.

Merging two branches is the common case the shortcut is for: the document at
the fork is rebuilt by applying its line of patches, and only the branches are
folded over it. Random DAGs here write through values, over maps, remove what
the root holds, replace the document and write null, so every case the
shortcut declines is exercised beside the ones it takes.
"""

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sync.clock import Clock
from sync.history import History
from sync.ids import DeviceId, TicketId
from sync.patch import encode_pointer
from sync.snapshot import Snapshot, authored, merge_of, stored

TICKET = TicketId("01TESTFOLDSHORTCUT00000000")
Op = dict[str, object]
KEYS = ("subject", "tags", "custom", "requester", "deleted", "notes")
SUBKEYS = ("a", "b", "c~1", "d/e")
ROOTS = (
    {"subject": "s", "tags": {"a": True}, "custom": {"c": {"a": True}}},
    {"subject": "s", "requester": {"name": "Ann"}, "notes": None, "tags": {}},
    # Shapes `normalize` changes: the fold still holds what was written.
    {"subject": "s", "tags": None, "custom": {"c": {}, "d": "x"}},
)

values = st.recursive(
    st.one_of(st.sampled_from(["p", "q", 1, True, None]), st.just({}), st.just([1])),
    lambda inner: st.dictionaries(st.sampled_from(SUBKEYS), inner, max_size=3),
    max_leaves=5,
)
# Few paths, mostly shallow, so that branches and the line often meet.
paths = st.one_of(
    st.tuples(st.sampled_from(KEYS)),
    st.tuples(st.sampled_from(KEYS), st.sampled_from(SUBKEYS[:2])),
    st.lists(st.sampled_from(KEYS + SUBKEYS), max_size=3).map(tuple),
).map(encode_pointer)
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
    line = draw(st.integers(0, 3))  # a line before the branches: the fork is later
    for step in range(draw(st.integers(1, 10))):
        if step >= line and len(snaps) > 2 and draw(st.booleans()):
            heads = History(snaps).heads()
            if len(heads) >= 2:
                by_id = {s.id: s for s in snaps}
                snaps.append(merge_of(TICKET, [by_id[h] for h in heads]))
                continue
        parents = (
            [snaps[-1]]
            if step < line
            else draw(st.lists(st.sampled_from(snaps), min_size=1, max_size=2))
        )
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


@settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(dags())
def test_the_shortcut_gives_what_folding_every_snapshot_gives(snaps):
    history = History(snaps)
    taken = history._fold_after_line() is not None
    event("shortcut taken" if taken else "shortcut declined")
    assert shown(history, full=False) == shown(history, full=True)


def forked(root_doc: object, line: list[list[Op]], *branches: list[Op]) -> History:
    """A first snapshot, a line of edits after it, then one branch per patch."""
    snaps = [first_snapshot(root_doc)]
    for n, patch in enumerate(line, start=1):
        snaps.append(
            edit(snaps[-1], patch, "Ann", DeviceId("dev-a"), Clock(1000 + n, 0))
        )
    tip = snaps[-1]
    for n, patch in enumerate(branches):
        snaps.append(
            edit(tip, patch, f"Agent {n}", DeviceId(f"dev-{n}"), Clock(2000, n))
        )
    return History(snaps)


def edit(
    parent: Snapshot, patch: list[Op], who: str, device: DeviceId, clock: Clock
) -> Snapshot:
    return authored(
        TICKET,
        [parent.id],
        patch,
        f"{who} <{who.split()[0].lower()}@example.com>",
        device,
        clock,
        "2026-01-01T00:00:01Z",
    )


def add(path: str, value: object) -> Op:
    return {"op": "add", "path": path, "value": value}


def remove(path: str) -> Op:
    return {"op": "remove", "path": path}


def conflicted(history: History, *, shortcut: bool) -> list[str]:
    """The conflicting fields, once the shortcut is checked against the fold
    and found taken or declined as the example means it to be."""
    assert (history._fold_after_line() is not None) is shortcut
    assert shown(history, full=False) == shown(history, full=True)
    return [c.field for c in history.state().conflicts]


def test_two_branches_removing_and_rewriting_a_root_field_conflict_as_in_full():
    history = forked(
        ROOTS[0], [[add("/notes", "n")]], [remove("/subject")], [add("/subject", "t")]
    )
    assert conflicted(history, shortcut=True) == ["subject"]


def test_a_map_written_over_a_null_of_the_root_is_left_to_the_full_fold():
    history = forked({"subject": "s", "notes": None}, [[add("/notes/a", "x")]])
    # null is a value, not a missing map: the fold shows the clash of shapes.
    assert conflicted(history, shortcut=False) == ["notes"]


def test_a_null_where_the_tags_map_belongs_clashes_with_a_tag_added_on_a_branch():
    history = forked(
        {"subject": "s", "tags": None},
        [],
        [add("/tags/vip", True)],
        [add("/subject", "t")],
    )
    assert conflicted(history, shortcut=False) == ["tags"]


def test_a_field_removed_before_the_fork_then_removed_and_rewritten_conflicts():
    history = forked(
        {"subject": "s", "notes": "n"},
        [[remove("/notes")]],
        [remove("/notes")],
        [add("/notes", "again")],
    )
    assert conflicted(history, shortcut=True) == ["notes"]


def test_a_section_removed_before_the_fork_and_rewritten_on_two_branches_conflicts():
    history = forked(
        {},
        [[add("/sla", {"tz": "UTC"})], [remove("/sla")]],
        [add("/sla", {"hours": 8})],
        [add("/sla", {"tz": "EU"})],
    )
    assert conflicted(history, shortcut=True) == ["sla.hours", "sla.tz"]


def test_an_empty_multi_select_of_the_first_snapshot_conflicts_as_in_the_full_fold():
    history = forked(
        {"subject": "s", "custom": {"multi": {}}},
        [],
        [add("/custom/multi", {"o1": True})],
        [add("/custom/multi", "high")],
    )
    assert conflicted(history, shortcut=False) == ["custom.multi", "custom.multi"]


def test_a_field_turned_into_a_map_before_the_fork_keeps_all_its_keys():
    history = forked(
        {"subject": "s", "requester": {"name": "R"}},
        [[add("/requester/name", {"first": "R", "last": "S"})]],
        [add("/requester/name/last", "T")],
        [add("/subject", "t")],
    )
    assert conflicted(history, shortcut=True) == []
    assert history.state().doc["requester"]["name"] == {"first": "R", "last": "T"}


def test_two_fields_one_dotted_name_list_their_conflicts_in_path_order():
    history = forked(
        {"x": {"a.b": 1, "a": {"b": 2}}},
        [[add("/notes", "n")]],
        [add("/x/a.b", 3), add("/x/a/b", 4)],
        [add("/x/a.b", 5), add("/x/a/b", 6)],
    )
    conflicted(history, shortcut=True)
    # ("x", "a", "b") sorts before ("x", "a.b"): the later branch's 6, then 5.
    kept = [(c.field, c.kept.value) for c in history.state().conflicts]
    assert kept == [("x.a.b", 6), ("x.a.b", 5)]


def test_a_value_and_map_clash_names_the_same_kept_leaf_however_keys_were_ordered():
    history = forked(
        {"subject": "s", "x": {"p": {"b": 1, "a": 2}, "keep": 1}},
        [[remove("/x/p")]],
        [add("/x/p", 5)],
        [add("/x/p/b", 8), add("/x/p/a", 7)],
    )
    read_back = History(stored(s.id, s.raw) for s in history.order)
    for held in (history, read_back):
        assert conflicted(held, shortcut=True) == ["x.p", "x.p.a", "x.p.b"]
        clash = held.state().conflicts[0]
        assert clash.kept.value == {"a": 7}
        assert [o.value for o in clash.others] == [5, {"b": 8}]
