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
from collections.abc import Iterable
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


def read_bundle(source: Path | BinaryIO) -> tuple[BundleHeader, list[Snapshot]]:
    """Read and verify a whole bundle, or raise BundleError saying what is wrong."""
    try:
        with gzip.open(source, "rb") as f:
            data = f.read()
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

    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) < 2:
        raise BundleError("the bundle is truncated (no header or no trailer)")
    header = _header(lines[0])
    try:
        trailer = parse_json(lines[-1])
    except orjson.JSONDecodeError:
        trailer = None
    if not isinstance(trailer, dict) or trailer.get("end") is not True:
        raise BundleError("the bundle is truncated (its trailer is missing)")
    body = lines[:-1]
    digest = hashlib.sha256()
    for raw in body:
        digest.update(raw + b"\n")
    if trailer.get("count") != len(body) - 1:
        raise BundleError(
            f"the bundle says it holds {trailer.get('count')} snapshots but has "
            f"{len(body) - 1}; it was cut or edited"
        )
    if trailer.get("sha256") != digest.hexdigest():
        raise BundleError("the bundle's checksum does not match; it was altered")

    snapshots = []
    for number, raw in enumerate(body[1:], start=2):
        try:
            entry = parse_json(raw)
            snapshots.append(from_body(entry["snapshot"], entry["id"]))
        except (orjson.JSONDecodeError, KeyError, TypeError) as e:
            raise BundleError(f"line {number} of the bundle is not a snapshot") from e
        except SnapshotError as e:
            raise BundleError(f"line {number} of the bundle: {e}") from e
    return header, snapshots


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
