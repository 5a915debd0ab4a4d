"""Content-addressed snapshots: ids, the shape a received body must have, merges."""

import copy
import hashlib
import json
import re
from typing import Any

import pytest

from sync.canonical import canonical_json
from sync.clock import Clock
from sync.errors import SnapshotError
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.snapshot import SCHEMA, Snapshot, authored, from_body, merge_of

TICKET = TicketId("01HZZZZZZZZZZZZZZZZZZZZZZZ")
DEVICE = DeviceId("01HDEVICEDEVICEDEVICEDEVIC")


def root() -> Snapshot:
    return authored(
        TICKET,
        [],
        [{"op": "add", "path": "", "value": {"subject": "Printer on fire"}}],
        "Ann <ann@example.com>",
        DEVICE,
        Clock(1000, 0),
        "2026-01-01T10:00:00Z",
    )


def child(parent: Snapshot, clock: Clock, subject: str) -> Snapshot:
    return authored(
        TICKET,
        [parent.id],
        [{"op": "replace", "path": "/subject", "value": subject}],
        "Ann <ann@example.com>",
        DEVICE,
        clock,
        "2026-01-01T10:05:00Z",
    )


def good_body() -> dict[str, Any]:
    return copy.deepcopy(child(root(), Clock(2000, 0), "Printer fixed").body())


def test_a_snapshot_id_is_the_sha256_of_its_canonical_body():
    snap = root()
    by_hand = json.dumps(
        {
            "author": "Ann <ann@example.com>",
            "clock": [1000, 0],
            "device": DEVICE,
            "parents": [],
            "patch": [
                {"op": "add", "path": "", "value": {"subject": "Printer on fire"}}
            ],
            "schema": SCHEMA,
            "ticket": TICKET,
            "wall_time": "2026-01-01T10:00:00Z",
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()

    assert snap.to_bytes() == by_hand
    assert snap.id == hashlib.sha256(by_hand).hexdigest()
    assert snap.id == hashlib.sha256(canonical_json(snap.body())).hexdigest()


def test_a_snapshot_rebuilt_from_its_body_has_the_same_id():
    snap = child(root(), Clock(2000, 0), "Printer fixed")

    again = from_body(json.loads(snap.to_bytes()), snap.id)

    assert again == snap
    assert again.id == snap.id


def test_changing_any_content_changes_the_id():
    assert (
        child(root(), Clock(2000, 0), "a").id != child(root(), Clock(2000, 0), "b").id
    )
    assert (
        child(root(), Clock(2000, 0), "a").id != child(root(), Clock(2000, 1), "a").id
    )


def test_from_body_with_a_wrong_claimed_id_raises():
    snap = root()

    with pytest.raises(SnapshotError, match="does not match"):
        from_body(snap.body(), SnapshotId("0" * 64))


def test_a_body_altered_in_transit_no_longer_matches_its_id():
    snap = child(root(), Clock(2000, 0), "Printer fixed")
    body = snap.body()
    body["patch"][0]["value"] = "Printer stolen"

    with pytest.raises(SnapshotError):
        from_body(body, snap.id)


def _without(name: str) -> dict[str, Any]:
    body = good_body()
    del body[name]
    return body


def _with(**changes: Any) -> dict[str, Any]:
    body = good_body()
    body.update(changes)
    return body


MALFORMED = {
    **{
        f"missing {name}": _without(name)
        for name in (
            "ticket",
            "parents",
            "patch",
            "author",
            "device",
            "clock",
            "wall_time",
            "schema",
        )
    },
    "extra field": _with(extra=1),
    "not an object": ["ticket"],
    "empty ticket": _with(ticket=""),
    "unsorted parents": _with(parents=["b" * 64, "a" * 64]),
    "duplicate parents": _with(parents=["a" * 64, "a" * 64]),
    "parents not a list": _with(parents="a" * 64),
    "patch not a list": _with(patch={"op": "add"}),
    "clock of one number": _with(clock=[1000]),
    "clock with a negative counter": _with(clock=[1000, -1]),
    "clock as text": _with(clock="1000.0"),
    "clock with a float": _with(clock=[1000.0, 0]),
    "clock with a boolean": _with(clock=[1000, True]),
    "move op": _with(patch=[{"op": "move", "from": "/a", "path": "/b"}]),
    "copy op": _with(patch=[{"op": "copy", "from": "/a", "path": "/b"}]),
    "op that is not an object": _with(patch=["add /a"]),
    "op with a relative path": _with(patch=[{"op": "remove", "path": "a"}]),
    "remove with a value": _with(patch=[{"op": "remove", "path": "/a", "value": 1}]),
    "add without a value": _with(patch=[{"op": "add", "path": "/a"}]),
    "authored without device": _with(device=None),
    "authored without wall time": _with(wall_time=None),
    "author not text": _with(author=7),
    "merge with one parent": _with(author=None, device=None, wall_time=None, patch=[]),
    "merge with a patch": _with(
        author=None,
        device=None,
        wall_time=None,
        parents=["a" * 64, "b" * 64],
    ),
    "merge with a device": _with(
        author=None, wall_time=None, patch=[], parents=["a" * 64, "b" * 64]
    ),
    "schema zero": _with(schema=0),
    "schema as text": _with(schema="1"),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bodies_are_refused(body):
    with pytest.raises(SnapshotError):
        from_body(body)


def test_a_patch_path_through_an_array_index_is_still_a_valid_string_path():
    body = _with(patch=[{"op": "replace", "path": "/tags/0", "value": "x"}])

    snap = from_body(body)

    assert snap.patch[0]["path"] == "/tags/0"


def test_a_newer_schema_is_refused_naming_both_versions():
    newer = SCHEMA + 41

    with pytest.raises(SnapshotError) as caught:
        from_body(_with(schema=newer))

    message = str(caught.value)
    assert str(newer) in message
    assert re.search(rf"(?<!\d){SCHEMA}(?!\d)", message.replace(str(newer), ""))


def test_a_merge_is_the_same_whatever_the_order_of_its_parents():
    base = root()
    left = child(base, Clock(2000, 0), "left")
    right = child(base, Clock(2000, 5), "right")

    one = merge_of(TICKET, [left, right])
    two = merge_of(TICKET, [right, left])

    assert one.id == two.id
    assert one.parents == tuple(sorted([left.id, right.id]))


def test_a_merge_carries_no_author_device_time_or_patch():
    base = root()
    merge = merge_of(
        TICKET, [child(base, Clock(2000, 0), "a"), child(base, Clock(3000, 0), "b")]
    )

    assert merge.author is None
    assert merge.device is None
    assert merge.wall_time is None
    assert merge.patch == ()
    assert merge.is_merge


def test_a_merge_clock_is_the_successor_of_the_highest_parent_clock():
    base = root()
    merge = merge_of(
        TICKET,
        [
            child(base, Clock(7000, 3), "a"),
            child(base, Clock(5000, 9), "b"),
            child(base, Clock(7000, 1), "c"),
        ],
    )

    assert merge.clock == Clock(7000, 4)


def test_a_merge_made_on_another_replica_is_accepted_with_its_id():
    base = root()
    merge = merge_of(
        TICKET, [child(base, Clock(2000, 0), "a"), child(base, Clock(3000, 0), "b")]
    )

    received = from_body(json.loads(merge.to_bytes()), merge.id)

    assert received.id == merge.id
    assert received.is_merge


def test_merges_of_different_tickets_differ():
    base = root()
    parents = [child(base, Clock(2000, 0), "a"), child(base, Clock(3000, 0), "b")]

    assert merge_of(TICKET, parents).id != merge_of(TicketId("other"), parents).id


def test_a_merge_needs_two_parents():
    with pytest.raises(SnapshotError):
        merge_of(TICKET, [root()])
