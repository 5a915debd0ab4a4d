"""Importing tickets from CSV and JSON-lines files, all or nothing by default.

Rows are parsed and validated first; only when every row is good (or, with
`skip_bad`, for the good ones) are tickets written, in one transaction, so a
failed import leaves the store exactly as it was. The window imports in
batches instead, so it can show progress and stop on Cancel. JSON lines
written by `offdesk export` carry whole histories and go in through
`replica.receive`. Spreadsheet exports come in many shapes: the separator is
read off the header line and the encoding off a byte-order mark, or named.
"""

import codecs
import csv
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ulid import ULID

from desktop.bulk import collector_held
from desktop.desk import Desk
from desktop.errors import ImportFileError, UserError, ValidationError
from desktop.pipeline.change import Change, Origin
from desktop.pipeline.config import is_reserved
from desktop.replica import receive
from desktop.ticket import (
    Person,
    check_size,
    check_tag,
    derive_subject,
    new_document,
    now_iso,
    parse_person,
    parse_time,
    set_field,
    validate,
)
from sync.canonical import parse_json
from sync.document import normalize
from sync.errors import SyncError
from sync.history import TicketState
from sync.ids import TicketId
from sync.snapshot import Snapshot, authored, from_body

log = logging.getLogger(__name__)

#: Fields a column may fill, beside `custom.<id>`.
TARGETS = (
    "subject",
    "description",
    "status",
    "priority",
    "type",
    "requester",
    "requester.name",
    "requester.email",
    "assignee",
    "group",
    "due",
    "created",
    "tags",
)


@dataclass
class BadRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    bad: list[BadRow] = field(default_factory=list)
    #: Quarantine items of rows that parsed but a pipeline stage stopped.
    quarantined: list[int] = field(default_factory=list)
    #: True when the caller stopped a batched import before its end.
    cancelled: bool = False


#: Field separators a spreadsheet may have chosen for its "CSV"; the header
#: line tells which one a file uses.
DELIMITERS = (",", ";", "\t", "|")


def parse_maps(maps: list[str]) -> dict[str, str]:
    """`COLUMN=FIELD` pairs; a field name that does not exist is refused up front."""
    mapping: dict[str, str] = {}
    for item in maps:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise UserError(f"--map {item!r}: write it as COLUMN=FIELD")
        if target not in TARGETS and not (
            target.startswith("custom.") and len(target) > len("custom.")
        ):
            raise UserError(
                f"--map {item!r}: unknown field {target!r}; use one of "
                + ", ".join(TARGETS)
                + ", custom.<id>"
            )
        mapping[column] = target
    return mapping


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark) or UTF-16 by
    its mark unless `encoding` names another; a wrong guess is an error that
    says what to try, never text quietly garbled."""
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise UserError(
                f"--encoding: {encoding!r} is not a known encoding"
            ) from None
        if encoding == "utf-8":
            encoding = "utf-8-sig"  # Excel's "CSV UTF-8" starts with a mark
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror})") from e
    if encoding is None:
        marked = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        encoding = "utf-16" if marked else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        name = "UTF-8" if encoding == "utf-8-sig" else encoding
        raise UserError(
            f"{path}: not {name} text ({e.reason} at byte {e.start}); name the "
            "file's encoding, e.g. --encoding cp1252 for a Windows spreadsheet"
        ) from e


@collector_held()
def import_file(
    desk: Desk,
    path: Path,
    fmt: str,
    maps: list[str],
    *,
    skip_bad: bool = False,
    encoding: str | None = None,
    batch: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import `path`; with `batch`, write that many rows a transaction, report
    `progress(done, total)` after each and stop between them once `cancelled()`
    says so (what was written stays; bad rows must then be skipped, as an
    all-or-nothing refusal could no longer keep its word). Without it, all or
    nothing."""
    if batch is not None and not skip_bad:
        raise ValueError("a batched import skips bad rows; pass skip_bad=True")
    mapping = parse_maps(maps)
    text = read_text(path, encoding)
    rows = (
        _csv_rows(text, mapping, path) if fmt == "csv" else _jsonl_rows(text, mapping)
    )

    author = desk.agent
    parsed: list[tuple[int, dict[str, Any] | list[Snapshot]]] = []
    report = ImportReport()
    for line, row in rows:
        try:
            if isinstance(row, BadRow):
                raise ValidationError("row", row.reason)
            if "snapshots" in row:
                parsed.append((line, _history(row)))
            else:
                parsed.append((line, _document(row, author)))
        except (UserError, SyncError) as e:
            if not skip_bad:
                raise ImportFileError(
                    f"{path} line {line}: {e}; nothing was imported "
                    "(use --skip-bad to import the good rows)"
                ) from e
            report.bad.append(BadRow(line, str(e)))

    size = batch or max(len(parsed), 1)
    for start in range(0, len(parsed), size):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        with desk.store.write():
            _write_rows(
                desk, author, path, parsed[start : start + size], report, skip_bad
            )
        if progress is not None:
            progress(min(start + size, len(parsed)), len(parsed))
    log.info("imported %d tickets from %s", report.imported, path)
    return report


def _write_rows(
    desk: Desk,
    author: str,
    path: Path,
    rows: list[tuple[int, dict[str, Any] | list[Snapshot]]],
    report: ImportReport,
    skip_bad: bool,
) -> None:
    """Write parsed rows in the caller's transaction: new tickets through the
    pipeline, exported histories through `receive`."""
    docs = [row for _, row in rows if isinstance(row, dict)]
    written, held = _write_documents(desk, author, docs)
    report.imported += written
    report.quarantined += held
    for line, snaps in rows:
        if isinstance(snaps, dict):
            continue
        outcomes = receive(desk.store, snaps)
        refused = {k: v for o in outcomes for k, v in o.rejected.items()}
        if refused and not skip_bad:
            raise ImportFileError(
                f"{path} line {line}: snapshot {next(iter(refused))[:12]} "
                f"refused: {next(iter(refused.values()))}; nothing was imported"
            )
        for sid, reason in refused.items():
            report.bad.append(BadRow(line, f"snapshot {sid[:12]}: {reason}"))
        report.imported += sum(
            o.result == "new" and not is_reserved(o.ticket) for o in outcomes
        )


def _csv_rows(
    text: str, mapping: dict[str, str], path: Path
) -> Iterator[tuple[int, Any]]:
    # newline="" keeps U+2028 and friends inside fields, as the csv module expects.
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as e:
        raise UserError(f"{path} line 1: not CSV ({e})") from e
    columns = [h.strip() for h in header]
    targets = {c: mapping.get(c, c if c in TARGETS else "") for c in columns}
    twice = sorted({c for c in columns if targets[c] and columns.count(c) > 1})
    if twice:
        raise UserError(
            f"{path} line 1: the header names {', '.join(twice)} more than once; "
            "rename the columns so each field comes from one"
        )
    filled = [targets[c] for c in dict.fromkeys(columns) if targets[c]]
    clash = sorted({t for t in filled if filled.count(t) > 1})
    if clash:
        raise UserError(
            f"{path} line 1: more than one column fills {', '.join(clash)}; "
            "--map only one of them"
        )
    missing = set(mapping) - set(columns)
    if missing:
        raise UserError(
            f"--map names columns the file does not have: {', '.join(sorted(missing))}"
            f" (the header has: {', '.join(columns)})"
        )
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield reader.line_num, BadRow(reader.line_num, f"not valid CSV ({e})")
            continue
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            yield (
                line,
                BadRow(
                    line, f"has {len(values)} columns, the header has {len(columns)}"
                ),
            )
            continue
        yield (
            line,
            {targets[c]: v for c, v in zip(columns, values, strict=True) if targets[c]},
        )


def _delimiter(header: str) -> str:
    """The separator the header line uses most, outside quotes (comma on a tie),
    so a semicolon- or tab-separated export reads as the agent expects."""
    outside = "".join(header.split('"')[::2])
    return max(DELIMITERS, key=lambda d: (outside.count(d), d == ","))


def _jsonl_rows(text: str, mapping: dict[str, str]) -> Iterator[tuple[int, Any]]:
    # Only "\n" ends a JSON line: str.splitlines() would also split at U+2028.
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = parse_json(raw)
        except json.JSONDecodeError as e:
            yield line, BadRow(line, f"not JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict):
            yield line, BadRow(line, "a line must hold one JSON object")
            continue
        if "snapshots" not in obj and mapping:
            obj = {mapping.get(k, k): v for k, v in obj.items()}
        yield line, obj


def _document(row: dict[str, Any], author: str) -> dict[str, Any]:
    """Build one validated ticket document from a mapped row."""
    known = set(TARGETS) | {"custom", "comments"}
    unknown = [k for k in row if k not in known and not k.startswith("custom.")]
    if unknown:
        raise ValidationError(unknown[0], "is not a ticket field")
    description = _text(row, "description")
    subject = _text(row, "subject").strip() or derive_subject(description)
    requester = row.get("requester")
    if isinstance(requester, dict):
        name = _opt(requester.get("name"))
        email = _opt(requester.get("email"))
    elif isinstance(requester, str) and requester.strip():
        person = parse_person("requester", requester, email_required=False)
        name, email = person.name, person.email
    else:
        name, email = _opt(row.get("requester.name")), _opt(row.get("requester.email"))
    if email:
        email = parse_person("requester.email", email).email
    created = _opt(row.get("created"))
    doc = new_document(
        subject=subject,
        requester=Person(name, email),
        provisional="",
        description=description,
        status=_opt(row.get("status")) or "new",
        priority=_opt(row.get("priority")) or "normal",
        type_=_opt(row.get("type")),
        tags=_tags(row.get("tags")),
        created=parse_time("created", created) if created else now_iso(),
        check=False,
    )
    for name_ in ("assignee", "group", "due"):
        if _opt(row.get(name_)):
            set_field(doc, name_, str(row[name_]))
    for key, value in row.items():
        if key.startswith("custom.") and value not in ("", None):
            doc["custom"][key.removeprefix("custom.")] = value
    for key, value in (row.get("custom") or {}).items():
        doc["custom"][key] = value
    for comment in row.get("comments") or []:
        _add_comment(doc, comment, author)
    validate(doc)
    check_size(doc)
    return doc


def _write_documents(
    desk: Desk, author: str, docs: list[dict[str, Any]]
) -> tuple[int, list[int]]:
    """Write new tickets in the caller's transaction, one root snapshot each.

    Each row passes the pipeline first; a row a stage stops is quarantined
    (never lost) and the others go in. Returns (written, quarantine items).
    """
    store = desk.store
    numbers = store.take_provisionals(len(docs))
    wall = desk.store.now_iso()
    snaps = []
    held = []
    for doc, number in zip(docs, numbers, strict=True):
        doc["provisional"] = number
        admission = desk.pipeline.admit(
            Change.create(doc, Origin.IMPORT, author, wall, validated=True)
        )
        if admission.held is not None:
            held.append(admission.held)
            continue
        snap = authored(
            TicketId(doc["id"]),
            [],
            [{"op": "add", "path": "", "value": doc}],
            author,
            store.device_id,
            store.clock.tick(),
            wall,
        )
        snaps.append(snap)
        store.refresh(
            snap.ticket, TicketState(normalize(doc), [snap.id], [], wall), new=True
        )
        admission.announce()
    store.add_snapshots(snaps)
    return len(snaps), held


def _history(row: dict[str, Any]) -> list[Snapshot]:
    entries = row["snapshots"]
    if not isinstance(entries, list) or not entries:
        raise ValidationError("snapshots", "must be a non-empty list")
    snaps = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"id", "snapshot"}:
            raise ValidationError("snapshots", "each entry is {id, snapshot}")
        snaps.append(from_body(entry["snapshot"], entry["id"]))
    return snaps


def _add_comment(doc: dict[str, Any], comment: Any, author: str) -> None:
    if not isinstance(comment, dict) or not str(comment.get("body", "")).strip():
        raise ValidationError("comments", "each comment needs a body")
    created = comment.get("created")
    doc["comments"][str(comment.get("id") or ULID())] = {
        "author": str(comment.get("author") or author),
        "body": str(comment["body"]),
        "public": bool(comment.get("public", True)),
        "created": parse_time("comments.created", created) if created else now_iso(),
    }


def _tags(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [check_tag(t) for t in value.replace(",", " ").split()]
    if isinstance(value, list):
        return [check_tag(str(t)) for t in value]
    if isinstance(value, dict):
        return [check_tag(str(t)) for t in value]
    raise ValidationError("tags", "must be text or a list")


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(key, "must be text")
    return value


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
