"""Bundle files: snapshots carried between replicas with no network (a USB stick).

A bundle is a gzip stream of JSON lines: a header naming the format version,
then one snapshot per line (parents before children), then a trailer with the
count and the SHA-256 of every line before it. Reading checks all of it before
handing back a single snapshot, so a truncated, corrupted or edited bundle is
refused whole; each snapshot is also checked against its content address.
"""

import gzip
import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from sync.canonical import parse_json
from sync.errors import SnapshotError, SyncError
from sync.snapshot import Snapshot, from_body

FORMAT = "offdesk-bundle"
VERSION = 1


class BundleError(SyncError):
    """A bundle file cannot be trusted or read; nothing from it may be applied."""


@dataclass(frozen=True, slots=True)
class BundleHeader:
    device: str
    cursor: int
    created: str
    version: int = VERSION


def write_bundle(
    target: Path | BinaryIO, header: BundleHeader, snapshots: Iterable[Snapshot]
) -> int:
    """Write the bundle and return how many snapshots it holds."""
    digest = hashlib.sha256()
    count = 0
    with gzip.open(target, "wb", compresslevel=6) as out:

        def line(obj: Any) -> None:
            data = orjson.dumps(obj) + b"\n"
            digest.update(data)
            out.write(data)

        line(
            {
                "format": FORMAT,
                "version": header.version,
                "device": header.device,
                "cursor": header.cursor,
                "created": header.created,
            }
        )
        for snap in snapshots:
            data = b'{"id":"' + snap.id.encode() + b'","snapshot":' + snap.raw + b"}\n"
            digest.update(data)
            out.write(data)
            count += 1
        out.write(
            orjson.dumps({"end": True, "count": count, "sha256": digest.hexdigest()})
            + b"\n"
        )
    return count


#: The longest line a bundle may hold: a snapshot larger than a server would
#: take in one request (16 MiB) is no snapshot, and a line read whole before
#: that check could be a gigabyte unpacked from a megabyte of gzip.
MAX_LINE = 16 * 2**20


def read_bundle(source: Path | BinaryIO) -> tuple[BundleHeader, list[Snapshot]]:
    """Read and verify a whole bundle, or raise BundleError saying what is wrong.

    Lines are read one at a time, at most MAX_LINE long, and parsed as they
    come; after the first bad one the rest is only hashed, so a damaged or
    hostile file costs no more memory than its good snapshots. The checksum and
    count are still judged before any line's own fault is reported.
    """
    try:
        with gzip.open(source, "rb") as f:
            return _read(f)
    except FileNotFoundError:
        raise BundleError("no such bundle file") from None
    except IsADirectoryError:
        raise BundleError("that is a folder, not a bundle file") from None
    except PermissionError:
        raise BundleError("the bundle file cannot be read (no permission)") from None
    except EOFError:
        raise BundleError("the bundle is truncated (it ends early)") from None
    except (gzip.BadGzipFile, zlib.error):
        raise BundleError("the file is corrupt or not a bundle") from None
    except OSError as e:
        raise BundleError(f"reading it failed ({e.strerror or e})") from None


def _read(f: BinaryIO) -> tuple[BundleHeader, list[Snapshot]]:
    lines = _lines(f)
    first = next(lines, None)
    if first is None:
        raise BundleError("the bundle is truncated (no header or no trailer)")
    header = _header(first)
    digest = hashlib.sha256(first + b"\n")
    snapshots: list[Snapshot] = []
    fault: BundleError | None = None
    count = 0
    previous: bytes | None = None
    for raw in lines:
        if previous is not None:
            digest.update(previous + b"\n")
            count += 1
            if fault is None:
                try:
                    snapshots.append(_snapshot(previous, count + 1))
                except BundleError as e:
                    fault, snapshots = e, []
        previous = raw
    if previous is None:
        raise BundleError("the bundle is truncated (no header or no trailer)")
    try:
        trailer = parse_json(previous)
    except orjson.JSONDecodeError:
        trailer = None
    if not isinstance(trailer, dict) or trailer.get("end") is not True:
        raise BundleError("the bundle is truncated (its trailer is missing)")
    if trailer.get("count") != count:
        raise BundleError(
            f"the bundle says it holds {trailer.get('count')} snapshots but has "
            f"{count}; it was cut or edited"
        )
    if trailer.get("sha256") != digest.hexdigest():
        raise BundleError("the bundle's checksum does not match; it was altered")
    if fault is not None:
        raise fault
    return header, snapshots


def _lines(f: BinaryIO) -> Iterator[bytes]:
    """The file's lines without their newlines, each at most MAX_LINE long."""
    number = 0
    while True:
        raw = f.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        elif len(raw) > MAX_LINE:
            raise BundleError(
                f"line {number} of the bundle is over {MAX_LINE // 2**20} MiB; "
                "no snapshot is that large"
            )
        yield raw


def _snapshot(raw: bytes, number: int) -> Snapshot:
    try:
        entry = parse_json(raw)
        return from_body(entry["snapshot"], entry["id"])
    except (orjson.JSONDecodeError, KeyError, TypeError) as e:
        raise BundleError(f"line {number} of the bundle is not a snapshot") from e
    except SnapshotError as e:
        raise BundleError(f"line {number} of the bundle: {e}") from e


def _header(raw: bytes) -> BundleHeader:
    try:
        head = parse_json(raw)
    except orjson.JSONDecodeError:
        head = None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BundleError("this is not an Offdesk bundle")
    version = head.get("version")
    if type(version) is not int or version < 1:
        raise BundleError(f"the bundle has an unreadable version {version!r}")
    if version > VERSION:
        raise BundleError(
            f"the bundle is format version {version}; this Offdesk reads up to "
            f"{VERSION}. Upgrade Offdesk to apply it"
        )
    try:
        return BundleHeader(
            str(head["device"]), int(head["cursor"]), str(head["created"]), version
        )
    except (KeyError, TypeError, ValueError):
        raise BundleError("the bundle's header is incomplete") from None
