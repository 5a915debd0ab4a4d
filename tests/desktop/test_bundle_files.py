"""Bundle files between replicas: round trips, `--since`, and damaged files refused.

A damaged bundle must be refused whole with a message saying what is wrong and
that nothing was applied; the receiving store must not change at all.
"""

import gzip
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from desktop import bundles
from desktop.errors import UserError
from sync.bundle import BundleHeader, read_bundle, write_bundle
from sync.clock import Clock
from sync.ids import DeviceId, TicketId
from sync.snapshot import authored
from tests.desktop.merge_helpers import (
    FakeTime,
    Replica,
    assert_converged,
    new_ticket,
    open_replica,
    results,
    snapshots_of,
)


@pytest.fixture
def ann(tmp_path: Path) -> Iterator[Replica]:
    replica = open_replica(tmp_path, "Ann", FakeTime())
    yield replica
    replica.store.close()


@pytest.fixture
def bob(tmp_path: Path) -> Iterator[Replica]:
    replica = open_replica(tmp_path, "Bob", FakeTime())
    yield replica
    replica.store.close()


@pytest.fixture
def busy(ann: Replica) -> list[TicketId]:
    """Two tickets on Ann's replica with a few edits each."""
    tickets = [new_ticket(ann, "Printer on fire"), new_ticket(ann, "VPN down")]
    for ticket in tickets:
        ann.desk.edit(ticket, [("status", "open")], add_tags=["hardware"])
        ann.desk.comment(ticket, "On my way", public=True)
    return tickets


def create(replica: Replica, path: Path, since: str | None = None, refs=()) -> Any:
    return bundles.create(replica.store, path, since, list(refs))


def ids_in(path: Path) -> list[str]:
    return [s.id for s in read_bundle(path)[1]]


def store_state(replica: Replica) -> tuple[int, list[tuple[str, str]], list[Any]]:
    rows = list(replica.store.db.execute("SELECT id, state FROM tickets ORDER BY id"))
    settings = list(replica.store.db.execute("SELECT * FROM settings ORDER BY key"))
    return replica.store.snapshot_count(), rows, settings


def rewrite(path: Path, edit: Callable[[list[Any]], None], *, checksum: bool) -> None:
    """Decode the bundle's lines, let `edit` change them, and write it back.

    With `checksum` the trailer's count and SHA-256 are recomputed, as someone
    who tampers with a bundle on purpose would do.
    """
    raw_lines = gzip.decompress(path.read_bytes()).splitlines()
    lines = [orjson.loads(raw) for raw in raw_lines]
    edit(lines)
    body = [orjson.dumps(line) + b"\n" for line in lines[:-1]]
    trailer = lines[-1]
    if checksum:
        digest = hashlib.sha256(b"".join(body)).hexdigest()
        trailer = {"end": True, "count": len(body) - 1, "sha256": digest}
    path.write_bytes(gzip.compress(b"".join(body) + orjson.dumps(trailer) + b"\n"))


# -- round trips ---------------------------------------------------------------


def test_a_bundle_carries_every_ticket_with_its_whole_history(ann, bob, busy, tmp_path):
    made = create(ann, tmp_path / "all.bundle")
    assert made["snapshots"] == ann.store.snapshot_count() == 6
    assert made["cursor"] == ann.store.last_seq()

    outcome = bundles.apply(bob.store, tmp_path / "all.bundle")
    assert results(outcome) == {t: "new" for t in busy}
    assert {o["ref"] for o in outcome} == {ann.view(t)["ref"] for t in busy}
    assert_converged([ann, bob])


def test_a_bundle_lists_parents_before_children(ann, busy, tmp_path):
    create(ann, tmp_path / "all.bundle")
    seen: set[str] = set()
    for snap in read_bundle(tmp_path / "all.bundle")[1]:
        assert set(snap.parents) <= seen
        seen.add(snap.id)


def test_applying_the_same_bundle_twice_reports_unchanged(ann, bob, busy, tmp_path):
    create(ann, tmp_path / "all.bundle")
    bundles.apply(bob.store, tmp_path / "all.bundle")
    before = store_state(bob)

    again = bundles.apply(bob.store, tmp_path / "all.bundle")
    assert [o["result"] for o in again] == ["unchanged", "unchanged"]
    assert all(o["added"] == 0 for o in again)
    assert store_state(bob) == before


def test_a_bundle_since_a_cursor_holds_only_newer_snapshots(ann, bob, busy, tmp_path):
    first = create(ann, tmp_path / "first.bundle")
    bundles.apply(bob.store, tmp_path / "first.bundle")
    ann.desk.edit(busy[0], [("priority", "high")])

    later = create(ann, tmp_path / "later.bundle", since=str(first["cursor"]))
    assert later["snapshots"] == 1
    assert ids_in(tmp_path / "later.bundle") == [ann.view(busy[0])["heads"][0]]
    assert results(bundles.apply(bob.store, tmp_path / "later.bundle")) == {
        busy[0]: "fast-forward"
    }
    assert_converged([ann, bob])


def test_a_bundle_since_an_earlier_bundle_continues_where_it_stopped(
    ann, bob, busy, tmp_path
):
    create(ann, tmp_path / "monday.bundle")
    bundles.apply(bob.store, tmp_path / "monday.bundle")
    ann.desk.comment(busy[1], "Rebooted the router", public=False)
    ann.desk.edit(busy[1], [("status", "solved")])

    made = create(
        ann, tmp_path / "tuesday.bundle", since=str(tmp_path / "monday.bundle")
    )
    assert made["snapshots"] == 2
    assert {s.ticket for s in read_bundle(tmp_path / "tuesday.bundle")[1]} == {busy[1]}
    bundles.apply(bob.store, tmp_path / "tuesday.bundle")
    assert_converged([ann, bob])


def test_a_bundle_since_a_bundle_from_another_device_is_refused(
    ann, bob, busy, tmp_path
):
    create(ann, tmp_path / "anns.bundle")
    with pytest.raises(UserError, match="made on another device"):
        create(bob, tmp_path / "bobs.bundle", since=str(tmp_path / "anns.bundle"))
    assert not (tmp_path / "bobs.bundle").exists()


def test_a_bundle_since_a_damaged_bundle_is_refused(ann, busy, tmp_path):
    (tmp_path / "junk.bundle").write_bytes(b"not a bundle")
    with pytest.raises(UserError, match="--since"):
        create(ann, tmp_path / "next.bundle", since=str(tmp_path / "junk.bundle"))


def test_a_bundle_of_chosen_tickets_holds_only_those(ann, bob, busy, tmp_path):
    ref = ann.view(busy[1])["ref"]
    made = create(ann, tmp_path / "one.bundle", refs=[ref])
    assert made["snapshots"] == 3
    assert results(bundles.apply(bob.store, tmp_path / "one.bundle")) == {
        busy[1]: "new"
    }


def test_a_partial_bundle_refuses_snapshots_whose_parents_are_missing(
    ann, bob, busy, tmp_path
):
    """Bob never got the tickets' first snapshots; nothing may crash or half-apply."""
    partial = create(ann, tmp_path / "partial.bundle", since="2")
    assert partial["snapshots"] == 4
    before = store_state(bob)

    outcome = bundles.apply(bob.store, tmp_path / "partial.bundle")
    assert {o["result"] for o in outcome} == {"invalid"}
    assert all(o["rejected"] for o in outcome)
    assert store_state(bob) == before

    create(ann, tmp_path / "all.bundle")
    bundles.apply(bob.store, tmp_path / "all.bundle")
    assert_converged([ann, bob])


def test_a_partial_bundle_applies_the_part_whose_parents_are_held(
    ann, bob, busy, tmp_path
):
    create(ann, tmp_path / "all.bundle")
    bundles.apply(bob.store, tmp_path / "all.bundle")
    cursor = ann.store.last_seq()
    ann.desk.edit(busy[0], [("status", "pending")])
    ann.desk.edit(busy[0], [("status", "solved")])

    create(ann, tmp_path / "last-only.bundle", since=str(cursor + 1))
    outcome = bundles.apply(bob.store, tmp_path / "last-only.bundle")
    assert results(outcome) == {busy[0]: "invalid"}
    assert bob.view(busy[0])["status"] == "open"

    create(ann, tmp_path / "both.bundle", since=str(cursor))
    assert results(bundles.apply(bob.store, tmp_path / "both.bundle")) == {
        busy[0]: "fast-forward"
    }
    assert bob.view(busy[0])["status"] == "solved"


def test_creating_a_bundle_where_it_cannot_be_written_leaves_no_file(
    ann, busy, tmp_path
):
    target = tmp_path / "missing-dir" / "x.bundle"
    with pytest.raises(UserError, match="cannot write bundle"):
        create(ann, target)
    assert not target.parent.exists()


# -- damaged bundles -------------------------------------------------------------


@pytest.fixture
def good(ann: Replica, busy: list[TicketId], tmp_path: Path) -> Path:
    path = tmp_path / "good.bundle"
    create(ann, path)
    return path


def refused(bob: Replica, path: Path, message: str) -> str:
    before = store_state(bob)
    with pytest.raises(UserError) as caught:
        bundles.apply(bob.store, path)
    text = str(caught.value)
    assert message in text
    assert text.endswith("nothing was applied")
    assert "\n" not in text
    assert store_state(bob) == before
    return text


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_bundle_is_refused(bob, good, keep):
    data = good.read_bytes()
    good.write_bytes(data[: int(len(data) * keep)])
    refused(bob, good, "truncated")


def test_a_bundle_cut_at_a_line_boundary_is_refused(bob, good):
    lines = gzip.decompress(good.read_bytes()).splitlines(keepends=True)
    good.write_bytes(gzip.compress(b"".join(lines[:-2])))
    refused(bob, good, "bundle")


@pytest.mark.parametrize("where", [0.2, 0.5, 0.8])
def test_a_bundle_with_a_flipped_byte_is_refused(bob, good, where):
    data = bytearray(good.read_bytes())
    data[10 + int((len(data) - 10) * where)] ^= 0x01
    good.write_bytes(bytes(data))
    refused(bob, good, "corrupt")


def test_a_bundle_whose_line_was_changed_without_its_checksum_is_refused(bob, good):
    def retitle(lines: list[Any]) -> None:
        lines[1]["snapshot"]["patch"][0]["value"]["subject"] = "Forged"

    rewrite(good, retitle, checksum=False)
    refused(bob, good, "checksum does not match")


def test_a_bundle_with_an_edited_snapshot_and_a_recomputed_checksum_is_refused(
    bob, good
):
    def retitle(lines: list[Any]) -> None:
        lines[1]["snapshot"]["patch"][0]["value"]["subject"] = "Forged"

    rewrite(good, retitle, checksum=True)
    refused(bob, good, "does not match its content")


def test_a_bundle_missing_a_snapshot_with_a_recomputed_checksum_is_refused_per_snapshot(
    ann, bob, busy, good
):
    """Checksums cannot catch a whole line dropped by a forger; parents can."""

    def drop_first_root(lines: list[Any]) -> None:
        del lines[1]

    rewrite(good, drop_first_root, checksum=True)
    outcome = bundles.apply(bob.store, good)
    assert results(outcome) == {busy[0]: "invalid", busy[1]: "new"}


def test_a_bundle_whose_count_disagrees_with_its_lines_is_refused(bob, good):
    def drop_last(lines: list[Any]) -> None:
        del lines[-2]

    rewrite(good, drop_last, checksum=False)
    refused(bob, good, "was cut or edited")


def test_a_bundle_of_a_newer_format_version_is_refused(bob, good):
    def bump(lines: list[Any]) -> None:
        lines[0]["version"] = 2

    rewrite(good, bump, checksum=True)
    text = refused(bob, good, "format version 2")
    assert "Upgrade Offdesk" in text


def test_a_bundle_holding_a_snapshot_of_a_newer_schema_is_refused(bob, good):
    def bump(lines: list[Any]) -> None:
        lines[1]["snapshot"]["schema"] = 2

    rewrite(good, bump, checksum=True)
    refused(bob, good, "newer than this Offdesk")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"id,subject\n1,Printer\n",
        gzip.compress(b'{"hello": "world"}\n{"end": true}\n'),
        gzip.compress(b"plain text\n"),
        b"\x1f\x8b\x08\x00 and then garbage",
    ],
    ids=["empty", "csv", "other-json", "gzipped-text", "bad-gzip"],
)
def test_a_file_that_is_not_a_bundle_is_refused(bob, tmp_path, content):
    path = tmp_path / "not.bundle"
    path.write_bytes(content)
    text = refused(bob, path, "")
    assert any(
        m in text for m in ("not an Offdesk bundle", "not a bundle", "truncated")
    ), text


def test_a_missing_bundle_file_is_refused(bob, tmp_path):
    refused(bob, tmp_path / "nowhere.bundle", "no such bundle file")


def test_a_refused_bundle_applies_nothing_even_where_other_lines_are_good(
    ann, bob, busy, good
):
    def damage_last(lines: list[Any]) -> None:
        lines[-2]["snapshot"]["author"] = "Mallory <m@example.com>"

    rewrite(good, damage_last, checksum=True)
    refused(bob, good, "line 7")
    assert bob.store.ticket_count() == 0
    assert len(snapshots_of(bob.store)) == 0


def test_a_bundle_from_a_laptop_whose_clock_says_2286_is_applied_and_flagged(
    ann, bob, busy, tmp_path
):
    """Far-future clocks are flagged, never refused (DESIGN.md §4), nor a crash.

    Fails today with OverflowError from `Clock.packed()`: milliseconds past 2^43
    (the year 2248) shifted left by 20 bits no longer fit SQLite's INTEGER.
    """
    create(ann, tmp_path / "all.bundle")
    bundles.apply(bob.store, tmp_path / "all.bundle")
    history = ann.store.history(busy[0])
    (head,) = history.heads()
    future = authored(
        busy[0],
        [head],
        [{"op": "replace", "path": "/subject", "value": "Sent from 2286"}],
        "Zed Agent <zed@example.com>",
        DeviceId("01HFUTUREFUTUREFUTUREFUTUR"),
        Clock(10**13, 0),
        "2286-11-20T17:46:40Z",
    )
    path = tmp_path / "future.bundle"
    write_bundle(path, BundleHeader("01HFUTUREFUTUREFUTUREFUTUR", 1, "now"), [future])

    assert results(bundles.apply(bob.store, path)) == {busy[0]: "fast-forward"}
    shown = bob.view(busy[0])
    assert shown["subject"] == "Sent from 2286"
    assert [w["snapshot"] for w in shown["clock_warnings"]] == [future.id]
