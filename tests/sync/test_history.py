"""The fold: a ticket's state as a function of its snapshots.

The central property (DESIGN.md §2): every stored patch rebuilds its child state
from its parent state, and the fold over all snapshots so far agrees with it.
"""

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.ticket import PRIORITIES, STATUSES, TYPES, Person, new_document, validate
from sync.canonical import canonical_json
from sync.clock import Clock
from sync.document import normalize
from sync.errors import SnapshotError
from sync.history import History
from sync.ids import DeviceId, TicketId
from sync.patch import apply_patch, diff
from sync.snapshot import Snapshot, authored, merge_of
from tests.sync.snapshots import edit, root

AUTHOR = "Ann Agent <ann@example.com>"
DEVICE = DeviceId("01HDEVICEDEVICEDEVICEDEVIC")
TAGS = ["vip", "bug", "a/b", "x~y", "~1", "printer"]
CUSTOM_IDS = ["os", "team", "asset-no"]
OPTIONS = ["red", "b/c", "d~e", "~0"]
SCALAR_FIELDS = {
    "subject": st.sampled_from(["Printer on fire", "Fax jam", "Wi-Fi drops", "é ✓"]),
    "description": st.text(max_size=20),
    "status": st.sampled_from(STATUSES),
    "priority": st.sampled_from(PRIORITIES),
    "type": st.sampled_from((None, *TYPES)),
    "assignee": st.sampled_from([None, "ann", "bob"]),
    "group": st.sampled_from([None, "1st line", "network"]),
    "due": st.sampled_from([None, "2026-02-01T09:00:00Z", "2026-03-15T17:30:00Z"]),
    "deleted": st.booleans(),
}
custom_scalars = (
    st.text(max_size=6)
    | st.integers(min_value=-5, max_value=5)
    | st.booleans()
    | st.none()
)
multi_selects = st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True).map(
    lambda opts: dict.fromkeys(opts, True)
)


def wall(step: int) -> str:
    return f"2026-01-01T10:{step // 60:02d}:{step % 60:02d}Z"


def start_document() -> dict[str, Any]:
    return new_document(
        subject="Printer on fire",
        requester=Person("Bob Requester", "bob@example.com"),
        provisional="TEST-1",
        description="It smokes.",
        tags=["printer"],
        created="2026-01-01T09:00:00Z",
        ticket_id="01HTICKETTICKETTICKETTICKE",
    )


def random_edit(data: st.DataObject, doc: dict[str, Any], step: int) -> None:
    """Change `doc` in place the way an agent (or an import) might."""
    kind = data.draw(
        st.sampled_from(
            [
                "scalar",
                "requester",
                "add_tag",
                "remove_tag",
                "set_custom",
                "remove_custom",
                "toggle_option",
                "add_comment",
                "tombstone_comment",
                "edit_comment",
            ]
        )
    )
    if kind == "scalar":
        name = data.draw(st.sampled_from(sorted(SCALAR_FIELDS)))
        doc[name] = data.draw(SCALAR_FIELDS[name])
    elif kind == "requester":
        if data.draw(st.booleans()):
            doc["requester"]["name"] = data.draw(st.sampled_from([None, "Bo", "Cy"]))
        else:
            doc["requester"]["email"] = data.draw(
                st.sampled_from([None, "bo@example.com", "cy@example.org"])
            )
        if not (doc["requester"]["name"] or doc["requester"]["email"]):
            doc["requester"]["name"] = "Somebody"
    elif kind == "add_tag":
        doc["tags"][data.draw(st.sampled_from(TAGS))] = True
    elif kind == "remove_tag" and doc["tags"]:
        del doc["tags"][data.draw(st.sampled_from(sorted(doc["tags"])))]
    elif kind == "set_custom":
        field_id = data.draw(st.sampled_from(CUSTOM_IDS))
        doc["custom"][field_id] = data.draw(custom_scalars | multi_selects)
    elif kind == "remove_custom" and doc["custom"]:
        del doc["custom"][data.draw(st.sampled_from(sorted(doc["custom"])))]
    elif kind == "toggle_option":
        field_id = data.draw(st.sampled_from(CUSTOM_IDS))
        option = data.draw(st.sampled_from(OPTIONS))
        current = doc["custom"].get(field_id)
        if not isinstance(current, dict):
            doc["custom"][field_id] = {option: True}
        elif option in current:
            del current[option]  # may empty the map; normalize drops it then
        else:
            current[option] = True
    elif kind == "add_comment":
        doc["comments"][f"01HCOMMENT{step:016d}"] = {
            "author": AUTHOR,
            "body": data.draw(st.sampled_from(["Looking.", "Fixed?", "Ça marche"])),
            "public": data.draw(st.booleans()),
            "created": wall(step),
        }
    elif kind == "tombstone_comment" and doc["comments"]:
        comment = data.draw(st.sampled_from(sorted(doc["comments"])))
        doc["comments"][comment]["deleted"] = True
    elif kind == "edit_comment" and doc["comments"]:
        comment = data.draw(st.sampled_from(sorted(doc["comments"])))
        doc["comments"][comment]["body"] = data.draw(st.text(min_size=1, max_size=8))


def linear_history(
    data: st.DataObject, steps: int
) -> tuple[list[Snapshot], list[dict[str, Any]]]:
    """Snapshots made one after another, checked as they are made."""
    doc = normalize(start_document())
    ticket = TicketId(doc["id"])
    snaps = [
        authored(
            ticket,
            [],
            [{"op": "add", "path": "", "value": doc}],
            AUTHOR,
            DEVICE,
            Clock(1_000, 0),
            wall(0),
        )
    ]
    docs = [doc]
    assert History(snaps).state().doc == doc

    for step in range(1, steps + 1):
        new = copy.deepcopy(docs[-1])
        random_edit(data, new, step)
        new = normalize(new)
        validate(new)
        patch = diff(docs[-1], new)
        if not patch:
            continue
        snap = authored(
            ticket,
            [snaps[-1].id],
            patch,
            AUTHOR,
            DEVICE,
            Clock(1_000 + step, 0),
            wall(step),
        )
        rebuilt = normalize(apply_patch(docs[-1], patch))
        folded = History([*snaps, snap]).full_state().doc

        assert rebuilt == new
        assert folded == rebuilt
        assert History([*snaps, snap]).state().doc == folded
        assert canonical_json(folded) == canonical_json(new)
        snaps.append(snap)
        docs.append(new)
    return snaps, docs


@given(st.data())
def test_every_stored_patch_rebuilds_its_child_state_from_its_parent(data):
    linear_history(data, data.draw(st.integers(min_value=1, max_value=15)))


@given(st.data())
def test_the_state_at_an_earlier_snapshot_is_the_document_as_it_was_then(data):
    snaps, docs = linear_history(
        data, data.draw(st.integers(min_value=1, max_value=12))
    )
    history = History(reversed(snaps))  # arrival order must not matter

    for snap, doc in zip(snaps, docs, strict=True):
        assert history.state([snap.id]).doc == doc
    assert history.heads() == [snaps[-1].id]


@given(st.data())
def test_in_a_linear_history_every_earlier_snapshot_is_an_ancestor(data):
    snaps, _ = linear_history(data, data.draw(st.integers(min_value=1, max_value=8)))
    history = History(snaps)

    for i, older in enumerate(snaps):
        for j, newer in enumerate(snaps):
            if i != j:
                assert history.is_ancestor(older.id, newer.id) == (i < j)


def _fork() -> tuple[History, Snapshot, Snapshot, Snapshot]:
    doc = normalize(start_document())
    ticket = TicketId(doc["id"])
    root = authored(
        ticket,
        [],
        [{"op": "add", "path": "", "value": doc}],
        AUTHOR,
        DEVICE,
        Clock(1_000, 0),
        wall(0),
    )
    left = authored(
        ticket,
        [root.id],
        [{"op": "replace", "path": "/status", "value": "open"}],
        AUTHOR,
        DEVICE,
        Clock(2_000, 0),
        wall(1),
    )
    right = authored(
        ticket,
        [root.id],
        [{"op": "add", "path": "/tags/vip", "value": True}],
        AUTHOR,
        DeviceId("01HOTHERDEVICEOTHERDEVICEX"),
        Clock(2_000, 1),
        wall(2),
    )
    return History([right, root, left]), root, left, right


def test_two_children_of_one_snapshot_are_both_heads():
    history, root, left, right = _fork()

    assert history.heads() == sorted([left.id, right.id])
    assert history.is_ancestor(root.id, left.id)
    assert history.is_ancestor(root.id, right.id)
    assert not history.is_ancestor(left.id, right.id)
    assert not history.is_ancestor(right.id, left.id)


def test_the_state_at_both_heads_holds_both_branches_edits():
    history, root, left, right = _fork()

    both = history.state().doc
    only_left = history.state([left.id]).doc

    assert both["status"] == "open"
    assert both["tags"] == {"printer": True, "vip": True}
    assert only_left["status"] == "open"
    assert only_left["tags"] == {"printer": True}
    assert history.state([root.id]).doc == normalize(start_document())


def test_a_snapshot_naming_an_unknown_parent_is_refused():
    history, root, left, _ = _fork()
    orphan = authored(
        root.ticket,
        ["f" * 64],
        [{"op": "replace", "path": "/status", "value": "open"}],
        AUTHOR,
        DEVICE,
        Clock(3_000, 0),
        wall(3),
    )

    with pytest.raises(SnapshotError):
        History([*history.order, orphan])


def test_the_state_at_an_unknown_snapshot_is_refused():
    history, *_ = _fork()

    with pytest.raises(SnapshotError):
        history.state(["0" * 64])


def test_extending_a_history_by_its_merge_equals_building_it_again():
    first = root()
    ann = edit(first, "Ann's subject", ms=2_000)
    bob = edit(first, "Bob's subject", ms=3_000, device="dev-b")
    history = History([first, ann, bob])
    merge = merge_of(first.ticket, [ann, bob])
    late = edit(first, "Carol's, made earlier", ms=1_500, device="dev-c")

    for added in (merge, late):
        extended = history.extended(added)
        rebuilt = History([*history.order, added])
        assert [s.id for s in extended.order] == [s.id for s in rebuilt.order]
        assert extended.heads() == rebuilt.heads()
        assert extended.state() == rebuilt.state()
        assert [extended.ancestors(s.id) for s in extended.order] == [
            rebuilt.ancestors(s.id) for s in rebuilt.order
        ]
    assert history.extended(ann) is history  # already held
    assert len(history) == 3  # the original is left as it was
