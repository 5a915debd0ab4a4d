"""`offdesk bundle`: writing this replica's snapshots to a file and applying others'.

A bundle records the cursor (this store's last snapshot sequence number) it
was made at, so the next bundle can carry only what is newer. Applying is all
or nothing for a damaged file and idempotent for a good one.
"""

import logging
from pathlib import Path
from typing import Any

from desktop.bulk import collector_held
from desktop.errors import UserError
from desktop.replica import receive
from desktop.store.store import Store
from sync.bundle import BundleError, BundleHeader, read_bundle, write_bundle

log = logging.getLogger(__name__)


def create(
    store: Store, path: Path, since: str | None, refs: list[str]
) -> dict[str, Any]:
    cursor = _cursor(store, since)
    tickets = [store.resolve(r) for r in refs] or None
    header = BundleHeader(str(store.device_id), store.last_seq(), store.now_iso())
    partial = path.with_name(path.name + ".partial")
    try:
        count = write_bundle(partial, header, store.snapshots_since(cursor, tickets))
        partial.replace(path)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write bundle {path}: {e.strerror}") from e
    log.info("bundle %s: %d snapshots since cursor %d", path, count, cursor)
    return {"file": str(path), "snapshots": count, "cursor": header.cursor}


def apply(store: Store, path: Path) -> list[dict[str, Any]]:
    """Verify the whole bundle, then receive it in one transaction."""
    with collector_held():
        try:
            _, snapshots = read_bundle(path)
        except BundleError as e:
            raise UserError(f"{path}: {e}; nothing was applied") from e
        with store.write():
            outcomes = receive(store, snapshots)
    refs = store.refs([o.ticket for o in outcomes])
    results = []
    for outcome in outcomes:
        shown = outcome.to_json()
        shown["ref"] = refs.get(outcome.ticket, outcome.ticket)
        results.append(shown)
    log.info("applied bundle %s: %d tickets", path, len(results))
    return results


def _cursor(store: Store, since: str | None) -> int:
    if since is None:
        return 0
    if since.isdigit():
        cursor = int(since)
        if cursor > store.last_seq():
            # A cursor this store never reached came from another device's
            # bundle; taken as is, the bundle would silently carry nothing.
            raise UserError(
                f"--since {since}: this data dir has only reached cursor "
                f"{store.last_seq()}, so that cursor is from another device; give "
                "a cursor or bundle made here"
            )
        return cursor
    try:
        header, _ = read_bundle(Path(since))
    except BundleError as e:
        raise UserError(f"--since {since}: {e}") from e
    if header.device != store.device_id:
        raise UserError(
            f"--since {since}: that bundle was made on another device, so its "
            "cursor means nothing here"
        )
    return header.cursor
