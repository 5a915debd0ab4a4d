"""`extend_linear` must give exactly what the full fold gives, or decline.

Receiving a ticket that only grew in a line (a clone, a pull, a fast-forward)
takes the shortcut; any difference from `History.state` would make replicas
that took different paths disagree.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.clock import Clock
from sync.document import extend_linear
from sync.history import History
from sync.ids import DeviceId, TicketId
from sync.patch import encode_pointer
from sync.snapshot import Snapshot, authored

TICKET = TicketId("01TESTLINEARFOLD0000000000")
KEYS = ("subject", "custom", "tags", "requester", "comments", "deep")
SUBKEYS = ("a", "b", "~x/y")

paths = st.lists(st.sampled_from(KEYS + SUBKEYS), min_size=0, max_size=4).map(tuple)
leaf_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from(["", "x", "Đường"]),
    st.lists(st.integers(0, 3), max_size=2),
)
values = st.recursive(
    leaf_values,
    lambda inner: st.dictionaries(st.sampled_from(SUBKEYS + KEYS), inner, max_size=3),
    max_leaves=6,
)
ops = st.one_of(
    st.builds(
        lambda path, value, name: {
            "op": name,
            "path": encode_pointer(path),
            "value": value,
        },
        paths,
        values,
        st.sampled_from(["add", "replace"]),
    ),
    paths.map(lambda path: {"op": "remove", "path": encode_pointer(path)}),
    st.builds(
        lambda path, value: {
            "op": "test",
            "path": encode_pointer(path),
            "value": value,
        },
        paths,
        leaf_values,
    ),
)
first_doc = st.dictionaries(st.sampled_from(KEYS), values, max_size=5)


def chain(root_doc: dict, patches: list[list[dict]]) -> list[Snapshot]:
    snaps = [
        authored(
            TICKET,
            [],
            [{"op": "add", "path": "", "value": root_doc}],
            "Ann <ann@example.com>",
            DeviceId("dev-a"),
            Clock(1, 0),
            "2026-01-01T00:00:00.000Z",
        )
    ]
    for n, patch in enumerate(patches, start=2):
        snaps.append(
            authored(
                TICKET,
                [snaps[-1].id],
                patch,
                "Bob <bob@example.com>" if n % 2 else "Ann <ann@example.com>",
                DeviceId("dev-b" if n % 2 else "dev-a"),
                Clock(n, 0),
                f"2026-01-01T00:00:{n:02d}.000Z",
            )
        )
    return snaps


@settings(max_examples=400, deadline=None)
@given(first_doc, st.lists(st.lists(ops, min_size=1, max_size=3), max_size=5))
def test_a_line_of_snapshots_extends_to_the_full_fold_or_is_declined(root_doc, patches):
    snaps = chain(root_doc, patches)
    extended = extend_linear({}, snaps)
    if extended is not None:
        assert extended == History(snaps).full_state().doc


@settings(max_examples=400, deadline=None)
@given(
    first_doc,
    st.lists(st.lists(ops, min_size=1, max_size=3), min_size=2, max_size=6),
    st.integers(1, 5),
)
def test_extending_a_stored_state_agrees_with_folding_everything(
    root_doc, patches, cut
):
    snaps = chain(root_doc, patches)
    cut = min(cut, len(snaps) - 1)
    before = History(snaps[:cut]).full_state()
    if before.conflicts:
        return  # the shortcut is only taken from a state without conflicts
    extended = extend_linear(before.doc, snaps[cut:])
    if extended is not None:
        assert extended == History(snaps).full_state().doc


def test_a_typical_ticket_line_is_not_declined():
    snaps = chain(
        {"subject": "Printer", "tags": {"hw": True}, "custom": {}, "comments": {}},
        [
            [{"op": "add", "path": "/tags/vip", "value": True}],
            [{"op": "add", "path": "/custom/site", "value": {"oulu": True}}],
            [{"op": "remove", "path": "/custom/site/oulu"}],
            [{"op": "replace", "path": "/subject", "value": "Printer on fire"}],
            [{"op": "remove", "path": "/tags/hw"}],
        ],
    )
    extended = extend_linear({}, snaps)
    assert extended == History(snaps).full_state().doc
    assert extended["subject"] == "Printer on fire"
    assert extended["tags"] == {"vip": True}
    assert extended["custom"] == {}


def test_a_write_through_a_plain_value_is_left_to_the_full_fold():
    snaps = chain(
        {"subject": "Printer", "custom": {"site": "Oulu"}},
        [[{"op": "add", "path": "/custom/site/room", "value": "B2"}]],
    )
    assert extend_linear({}, snaps) is None
    assert History(snaps).full_state().conflicts  # the fold shows the clash of shapes


def test_emptying_a_nested_map_is_left_to_the_full_fold():
    snaps = chain(
        {"subject": "Printer", "deep": {"a": {"b": 1}}},
        [[{"op": "remove", "path": "/deep/a/b"}]],
    )
    assert extend_linear({}, snaps) is None
    assert "deep" not in History(snaps).full_state().doc


def test_emptying_a_custom_multi_select_agrees_with_the_fold():
    snaps = chain(
        {"subject": "Printer", "custom": {"sites": {"oulu": True}}},
        [[{"op": "remove", "path": "/custom/sites/oulu"}]],
    )
    assert extend_linear({}, snaps) == History(snaps).full_state().doc


def test_a_field_emptied_of_its_last_leaf_is_left_to_the_full_fold():
    # The fold keeps no map without leaves; applying the patches would keep
    # `subject: {}`, a document no other replica would show.
    snaps = chain(
        {},
        [
            [{"op": "add", "path": "/subject/subject", "value": None}],
            [{"op": "remove", "path": "/subject/subject"}],
        ],
    )

    assert extend_linear(History(snaps[:1]).full_state().doc, snaps[1:]) is None
    assert "subject" not in History(snaps).full_state().doc
