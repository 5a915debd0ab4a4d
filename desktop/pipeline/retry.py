"""Running a quarantined change again, once its rule or data is fixed.

A held creation is tried as it was proposed (same ticket id, same provisional
number). A held edit is replayed as what it meant to change, from the
heads it was made against: the difference between that state and the
document it proposed is applied path by path and written as a branch, which
is merged with whatever came since. Edits of other fields made in the
meantime are kept, and an edit of the same field is shown as a conflict, as
it would be had the two agents worked on two laptops. Either way the change
passes the current pipeline;
if it is stopped again, the item stays in quarantine with the new reason.
"""

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.errors import NotFoundError, UserError
from desktop.pipeline import quarantine
from desktop.pipeline.change import Kind, Origin
from desktop.pipeline.errors import ChangeQuarantined, ChangeRefused
from desktop.search_syntax import assignee_value
from desktop.ticket import set_field
from sync.ids import SnapshotId, TicketId
from sync.patch import Op, decode_pointer, diff

if TYPE_CHECKING:
    from desktop.desk import Desk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryResult:
    """What a retry did: committed (with the ticket's record) or still held."""

    item: int
    committed: bool
    record: dict[str, Any] | None = None
    stage: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"item": self.item, "committed": self.committed}
        if self.record is not None:
            doc = self.record["doc"]
            out["ticket"] = {"id": doc["id"], "provisional": doc["provisional"]}
        else:
            out.update(stage=self.stage, reason=self.reason)
        return out

    def text(self) -> str:
        if self.record is not None:
            text = (
                f"quarantine item {self.item} committed to ticket "
                f"{self.record['doc']['provisional']}"
            )
            clashes = [c["field"] for c in self.record.get("conflicts") or ()]
            if clashes:
                text += (
                    "; it was edited meanwhile, resolve the conflict on "
                    + ", ".join(clashes)
                )
            return text
        return (
            f"quarantine item {self.item} is still held: the {self.stage} stage "
            f"says {self.reason}"
        )


def retry(
    desk: "Desk", item_id: int, sets: list[tuple[str, str]] | None = None
) -> RetryResult:
    """Pass a held change through the pipeline again; the item is updated or
    marked committed in the same transaction as the ticket.

    `sets` fix the held data first, field by field as `offdesk edit --set`
    does (an imported row without the type a rule requires, say).
    """
    item = quarantine.get(desk.store, item_id)
    if item.status != quarantine.HELD:
        raise UserError(
            f"quarantine item {item_id} is already {item.status} "
            f"({item.resolution}); nothing to retry"
        )
    data = item.input
    if sets:
        doc = copy.deepcopy(data["doc"])
        for field, value in sets:
            if field == "assignee":
                value = assignee_value(value, desk.agent)
            set_field(doc, field, value)
        data = {**data, "doc": doc}
    try:
        if data["kind"] == Kind.CREATE:
            record = _retry_create(desk, item_id, data)
        else:
            record = _retry_change(desk, item_id, data)
    except ChangeQuarantined as held:
        return RetryResult(item_id, False, None, held.stage, held.reason)
    except ChangeRefused as refused:
        # Retries are unattended; this only happens if a stage misreports.
        return RetryResult(item_id, False, None, refused.stage, refused.reason)
    log.info("quarantine item %d committed", item_id)
    return RetryResult(item_id, True, record)


def _retry_create(desk: "Desk", item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    doc = dict(data["doc"])
    try:
        desk.store.ticket_record(TicketId(doc["id"]))
    except NotFoundError:
        pass
    else:
        raise UserError(
            f"ticket {doc['id']} already exists, so quarantine item {item_id} "
            "cannot create it again; drop the item"
        )
    return desk.admit_new(
        doc, Origin.RETRY, author=str(data["author"]), retrying=item_id
    )


def _retry_change(desk: "Desk", item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    ticket = TicketId(data["ticket"])
    desk.store.ticket_record(ticket)  # NotFoundError if it is gone
    ops = diff(data["before"], data["doc"])
    return desk.change(
        ticket,
        _replay(ops),
        forced=list(data.get("forced") or ()),
        origin=Origin.RETRY,
        author=str(data["author"]),
        retrying=item_id,
        base=[SnapshotId(h) for h in data.get("heads") or ()],
    )


def _replay(ops: list[Op]) -> Callable[[dict[str, Any]], None]:
    """Apply ops leniently: create missing parents, skip removing what is gone."""

    def mutate(doc: dict[str, Any]) -> None:
        for op in ops:
            path = decode_pointer(op["path"])
            if not path:
                continue
            node = doc
            for part in path[:-1]:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
            if op["op"] == "remove":
                node.pop(path[-1], None)
            else:
                node[path[-1]] = op["value"]

    return mutate
