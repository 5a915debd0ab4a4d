"""Values the store derives on every refresh: SLA due times, for now.

Stages that author edits run on local changes only; derived values are the
other half of the pipeline. They are recomputed from the merged history
whenever the store rewrites a ticket's record, whoever caused it (a local
change, an import, a snapshot received from another replica), so every replica
holding the same snapshots and the same configuration shows the same values.
Only where nothing they are computed from changed (`kept_sla`) is the value
already held kept as it is.

A derivation never stops a write: if it fails, the record gets no value for
it and the failure is logged.
"""

import logging
from collections.abc import Iterable
from itertools import groupby
from typing import TYPE_CHECKING, Any

from desktop.pipeline import config, sla
from desktop.pipeline.events import Event
from sync.canonical import canonical_json, parse_json
from sync.history import History, TicketState
from sync.snapshot import Snapshot, from_body

if TYPE_CHECKING:
    from desktop.store.store import Store

log = logging.getLogger(__name__)

#: The settings key remembering which SLA configuration the records hold.
DERIVED_WITH = "derived_sla"


def derive(
    store: "Store",
    state: TicketState,
    history: History | None,
) -> dict[str, Any]:
    """The derived part of a ticket's record, from the given history and state."""
    current = config.current(store)
    if "sla" in current.pipeline.disabled:
        return {"sla": None}
    # TODO: only the built-in SLA is derived here; a plug-in stage's `derive`
    # runs in `Pipeline.derive` but not on refresh. And due times live only in
    # the JSON record, so lists cannot yet sort or filter by due or breach.
    doc = state.doc
    try:
        timeline = sla.status_timeline(doc, history, state.heads)
        return {"sla": sla.evaluate(current.rules.sla, doc, timeline)}
    except Exception:
        log.exception("deriving the SLA of %s failed", doc.get("id"))
        return {"sla": None}


#: What the SLA reads of a document besides the history of its status.
SLA_FIELDS = ("priority", "deleted", "comments", "requester", "created", "status")


def kept_sla(
    before: dict[str, Any], doc: dict[str, Any], added: Iterable[Snapshot]
) -> dict[str, Any] | None:
    """The derived part of record `before`, if it still holds for `doc`.

    It does when the added snapshots write no status (so the status history
    the SLA is timed by is the same) and the document fields it reads are
    unchanged: most received edits retitle, tag or assign. Returns None where
    it must be derived again.
    """
    old = before["doc"]
    if "sla" not in before or any(old.get(f) != doc.get(f) for f in SLA_FIELDS):
        return None
    for snap in added:
        for op in snap.patch:
            if op["path"] in ("", "/status") and op["op"] != "test":
                return None
    return {"sla": before["sla"]}


def config_did_change(store: "Store", ticket: str) -> None:
    """React to a config snapshot stored; call inside `store.write()`.

    When what SLA due times depend on changed, every ticket's record is
    derived again in the same transaction, so no list shows stale due times.
    """
    config.forget(store)
    current = config.current(store)
    if store.setting(DERIVED_WITH, config.default_state().sla_fingerprint) != (
        current.sla_fingerprint
    ):
        count = rederive_all(store)
        store.set_in_transaction(DERIVED_WITH, current.sla_fingerprint)
        log.info("SLA configuration changed; re-derived %d tickets", count)
    store.emit(Event("config_did_change", ticket, {"version": current.version}))


def rederive_all(store: "Store") -> int:
    """Rewrite the derived part of every ticket record; returns how many changed."""
    # TODO: this reads every snapshot once (seconds for 100k tickets); a team
    # with a big store would notice `rules load` taking that long.
    records = {
        ticket: state
        for ticket, state in store.db.execute("SELECT id, state FROM tickets")
    }
    changed = 0
    rows = store.iter_snapshot_rows()
    for ticket, group in groupby(rows, key=lambda r: r[0]):
        if ticket not in records:
            continue
        history = History(from_body(parse_json(body), sid) for _, sid, body in group)
        record = parse_json(records[ticket])
        state = TicketState(record["doc"], record["heads"])
        fresh = {**record, **derive(store, state, history)}
        if fresh != record:
            store.db.execute(
                "UPDATE tickets SET state = ? WHERE id = ?",
                (canonical_json(fresh).decode(), ticket),
            )
            changed += 1
    return changed
