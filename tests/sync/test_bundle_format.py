"""The bundle file format: what goes in comes out, and any damage is refused whole.

A bundle either reads back exactly the snapshots written into it or raises
`BundleError`; no change to its bytes may yield different snapshots, and no
input at all may raise anything else.
"""

import gzip
import hashlib
import io
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.bundle import VERSION, BundleError, BundleHeader, read_bundle, write_bundle
from sync.clock import Clock
from sync.ids import DeviceId, TicketId
from sync.snapshot import Snapshot, authored, merge_of

TICKET = TicketId("01HBUNDLEBUNDLEBUNDLEBUNDL")
HEADER = BundleHeader("01HDEVICEDEVICEDEVICEDEVIC", 42, "2026-01-01T00:00:00Z")
FAST = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def history() -> list[Snapshot]:
    base = authored(
        TICKET,
        [],
        [{"op": "add", "path": "", "value": {"subject": "Printer on fire ✓"}}],
        "Ann <ann@example.com>",
        DeviceId("dev-a"),
        Clock(1000, 0),
        "2026-01-01T00:00:00Z",
    )
    left, right = (
        authored(
            TICKET,
            [base.id],
            [{"op": "replace", "path": "/subject", "value": subject}],
            author,
            DeviceId(device),
            Clock(2000, 0),
            "2026-01-01T00:00:01Z",
        )
        for subject, author, device in (
            ("Left", "Ann <ann@example.com>", "dev-a"),
            ("Right", "Bob <bob@example.com>", "dev-b"),
        )
    )
    return [base, left, right, merge_of(TICKET, [left, right])]


SNAPS = history()


def written(snaps: list[Snapshot] = SNAPS, header: BundleHeader = HEADER) -> bytes:
    out = io.BytesIO()
    assert write_bundle(out, header, snaps) == len(snaps)
    return out.getvalue()


GOOD = written()


def test_a_bundle_reads_back_exactly_what_was_written(tmp_path: Path):
    path = tmp_path / "x.bundle"
    path.write_bytes(GOOD)
    header, snaps = read_bundle(path)
    assert header == HEADER
    assert [s.id for s in snaps] == [s.id for s in SNAPS]
    assert [s.raw for s in snaps] == [s.raw for s in SNAPS]


def test_an_empty_bundle_is_valid_and_holds_nothing():
    header, snaps = read_bundle(io.BytesIO(written([])))
    assert (header, snaps) == (HEADER, [])


@FAST
@given(position=st.integers(0, len(GOOD) - 1), mask=st.integers(1, 255))
def test_a_changed_byte_is_refused_or_changes_nothing(position: int, mask: int):
    """Only bytes gzip itself does not check (its header's time stamp) may change."""
    damaged = bytearray(GOOD)
    damaged[position] ^= mask
    try:
        header, snaps = read_bundle(io.BytesIO(bytes(damaged)))
    except BundleError:
        return
    assert header == HEADER
    assert [s.raw for s in snaps] == [s.raw for s in SNAPS]


@FAST
@given(length=st.integers(0, len(GOOD) - 1))
def test_a_bundle_cut_anywhere_is_refused(length: int):
    with pytest.raises(BundleError):
        read_bundle(io.BytesIO(GOOD[:length]))


def plain_lines() -> list[bytes]:
    return gzip.decompress(GOOD).splitlines()


def resealed(lines: list[bytes]) -> bytes:
    """Lines with a trailer recomputed to match them, as a forger would."""
    body = b"".join(line + b"\n" for line in lines)
    trailer = {
        "end": True,
        "count": len(lines) - 1,
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    return gzip.compress(body + orjson.dumps(trailer) + b"\n")


@FAST
@given(
    line=st.integers(1, len(SNAPS)),
    position=st.data(),
    char=st.characters(codec="utf-8"),
)
def test_an_edited_snapshot_is_refused_even_with_a_fresh_checksum(
    line: int, position: st.DataObject, char: str
):
    lines = plain_lines()[:-1]
    text = lines[line].decode()
    at = position.draw(st.integers(0, len(text) - 1))
    edited = (text[:at] + char + text[at + 1 :]).encode()
    if edited == lines[line]:
        return
    lines[line] = edited
    try:
        _, snaps = read_bundle(io.BytesIO(resealed(lines)))
    except BundleError:
        return
    # Only a change JSON does not see (like spacing) may pass, and then the
    # snapshots must be the very same ones.
    assert [s.raw for s in snaps] == [s.raw for s in SNAPS]


def test_a_newer_format_version_is_refused_with_both_versions_named():
    lines = plain_lines()[:-1]
    head = orjson.loads(lines[0])
    head["version"] = VERSION + 1
    lines[0] = orjson.dumps(head)
    with pytest.raises(BundleError, match=f"version {VERSION + 1}.*up to {VERSION}"):
        read_bundle(io.BytesIO(resealed(lines)))


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_bundle_errors(data: bytes):
    for candidate in (data, gzip.compress(data)):
        with pytest.raises(BundleError):
            read_bundle(io.BytesIO(candidate))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**70) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "snapshot", "ticket", "parents", "clock", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@FAST
@given(st.lists(json_values, min_size=1, max_size=3))
def test_well_sealed_garbage_lines_raise_only_bundle_errors(entries: list[object]):
    """Lines that pass the checksum but are not snapshots are still refused cleanly."""
    lines = [plain_lines()[0]]
    for entry in entries:
        try:
            lines.append(orjson.dumps(entry))
        except orjson.JSONEncodeError:
            return  # an int beyond 64 bits cannot even be written
    with pytest.raises(BundleError):
        read_bundle(io.BytesIO(resealed(lines)))


@pytest.mark.parametrize(
    "clock",
    [[2**62, 0], [0, 2**62], [10**13, 0]],
    ids=["huge-ms", "huge-counter", "year-2286"],
)
def test_a_snapshot_with_an_extreme_clock_reads_back_unchanged(clock: list[int]):
    """Reading is no place to judge clocks; the receiver flags them (DESIGN.md §4)."""
    lines = plain_lines()[:-1]
    entry = orjson.loads(lines[1])
    entry["snapshot"]["clock"] = clock
    snap = Snapshot(
        TICKET,
        (),
        tuple(entry["snapshot"]["patch"]),
        entry["snapshot"]["author"],
        entry["snapshot"]["device"],
        Clock(*clock),
        entry["snapshot"]["wall_time"],
    )
    entry["id"] = snap.id
    lines[1] = orjson.dumps(entry)
    _, snaps = read_bundle(io.BytesIO(resealed(lines[:2])))
    assert snaps[0].clock == Clock(*clock)


def test_a_line_longer_than_any_snapshot_is_refused_without_reading_it_whole():
    """A gzip bomb: a few kilobytes that unpack to one line of 40 MiB."""
    lines = plain_lines()
    bomb = gzip.compress(lines[0] + b"\n" + b"x" * (40 * 2**20) + b"\n", 9)
    assert len(bomb) < 100_000

    with pytest.raises(BundleError, match="line 2 of the bundle is over 16 MiB"):
        read_bundle(io.BytesIO(bomb))


def test_garbage_after_the_header_is_judged_by_the_checksum_first():
    lines = plain_lines()
    garbage = [lines[0], b"not json", *lines[1:]]

    with pytest.raises(BundleError, match="holds 4 snapshots but has 5"):
        read_bundle(io.BytesIO(gzip.compress(b"\n".join(garbage) + b"\n")))
