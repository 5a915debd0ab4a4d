"""SLA due times, derived from a ticket's merged history on every replica.

Nothing here is authored into the ticket: the due times are a function of the
document (created, priority, comments, status) and of the wall times at which
the history changed the status, folded in the one order all replicas share.
So a status change that arrives late from another laptop moves the due time
exactly as if it had arrived first, and two replicas holding the same
snapshots show the same due times.

The clock runs in business hours from the ticket's creation; it stops while
the status is one of the pause statuses (pending: waiting on the customer)
and once the ticket is solved or closed. `first_response` is met by the first
public comment not written by the requester; `resolution` by solving it.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.pipeline.hours import BusinessCalendar, epoch, iso_time

if TYPE_CHECKING:
    from sync.history import History

log = logging.getLogger(__name__)

DONE = frozenset({"solved", "closed"})
TARGETS = ("first_response", "resolution")


@dataclass(frozen=True)
class SlaPolicy:
    """Targets in minutes of working time per priority, on one calendar."""

    calendar: BusinessCalendar
    targets: dict[str, dict[str, int]]
    pause: frozenset[str]


def status_timeline(
    doc: dict[str, Any], history: "History | None", heads: Iterable[str] | None = None
) -> list[tuple[int, str]]:
    """(epoch seconds, status) at each status write, in the shared fold order.

    The root counts from the document's `created`; later writes from their
    snapshot's wall time, never earlier than the write before (a laptop with a
    slow clock cannot move a status change into the past).
    """
    if history is None:
        return [(epoch(doc["created"]), doc["status"])]
    included = None
    if heads is not None and sorted(heads) != history.heads():
        included = {h for head in heads for h in [head, *history.ancestors(head)]}
    timeline: list[tuple[int, str]] = []
    last = 0
    for snap in history.order:
        if snap.is_merge or (included is not None and snap.id not in included):
            continue
        for op in snap.patch:
            if op["op"] not in ("add", "replace"):
                continue
            if op["path"] == "/status":
                status, when = op["value"], snap.wall_time
            elif op["path"] == "" and isinstance(op["value"], dict):
                status = op["value"].get("status")
                when = op["value"].get("created") or snap.wall_time
            else:
                continue
            moment = _moment(when, last)
            last = moment
            timeline.append((moment, str(status)))
    if not timeline:
        timeline.append((epoch(doc["created"]), doc["status"]))
    return timeline


def _moment(when: Any, floor: int) -> int:
    try:
        return max(epoch(str(when)), floor)
    except ValueError:
        log.debug("unreadable wall time %r in a history; using the one before", when)
        return floor


def evaluate(
    policy: SlaPolicy, doc: dict[str, Any], timeline: list[tuple[int, str]]
) -> dict[str, Any] | None:
    """The ticket's SLA as far as history decides it (no "now" involved).

    `breached` here is only what history already proves (a target met late,
    or passed before the clock stopped); whether a running target has passed
    by now is for the reader to add (`render` does).
    """
    targets = policy.targets.get(doc.get("priority") or "")
    if not targets or doc.get("deleted"):
        return None
    first_at = first_response_at(doc) if doc["comments"] else None
    status = timeline[-1][1]
    resolved_at = _resolved_at(timeline) if status in DONE else None
    paused = status in policy.pause
    respond, resolve = targets.get("first_response"), targets.get("resolution")
    respond_due: tuple[int | None, bool] | None = None
    resolve_due: tuple[int | None, bool] | None = None
    if len(timeline) == 1 and not paused and status not in DONE:
        # The clock has run since creation (most tickets): one walk for both.
        start = timeline[0][0]
        if respond is not None and resolve is not None:
            short, long_ = sorted((respond * 60, resolve * 60))
            first, second = policy.calendar.add_each(start, [short, long_])
            pair = (first, second) if respond <= resolve else (second, first)
            respond_due, resolve_due = (pair[0], False), (pair[1], False)
        elif respond is not None:
            respond_due = (policy.calendar.add(start, respond * 60), False)
        elif resolve is not None:
            resolve_due = (policy.calendar.add(start, resolve * 60), False)
    else:
        if respond is not None:
            respond_due = _due(policy, timeline, respond * 60)
        if resolve is not None:
            resolve_due = _due(policy, timeline, resolve * 60)
    return {
        "priority": doc["priority"],
        "first_response_due": _shown(respond_due),
        "first_response_at": iso_time(first_at) if first_at is not None else None,
        "resolution_due": _shown(resolve_due),
        "resolved_at": iso_time(resolved_at) if resolved_at is not None else None,
        "paused": paused,
        "breached": _late(respond_due, first_at) or _late(resolve_due, resolved_at),
    }


def _shown(due: tuple[int | None, bool] | None) -> str | None:
    return iso_time(due[0]) if due is not None and due[0] is not None else None


def _late(due: tuple[int | None, bool] | None, met: int | None) -> bool:
    """History proves the target missed: met after the due time, or not met
    and a later status change recorded after it."""
    if due is None or due[0] is None:
        return False
    return met > due[0] if met is not None else due[1]


def _due(
    policy: SlaPolicy, timeline: list[tuple[int, str]], target: int
) -> tuple[int | None, bool]:
    """When `target` seconds of running time are used up, and whether a later
    status change already proves that moment passed.

    Returns (None, False) while the clock is paused short of the target; for a
    ticket solved short of it, the moment it would have been due.
    """
    calendar = policy.calendar
    remaining = target
    for i, (start, status) in enumerate(timeline):
        if status in policy.pause or status in DONE:
            continue
        end = timeline[i + 1][0] if i + 1 < len(timeline) else None
        due = calendar.add(start, remaining)
        if end is None or due <= end:
            return due, end is not None
        remaining -= calendar.between(start, end)
    if timeline[-1][1] in DONE:
        return calendar.add(timeline[-1][0], remaining), False
    return None, False


def first_response_at(doc: dict[str, Any]) -> int | None:
    """When the first public reply not written by the requester was made."""
    email = (doc["requester"].get("email") or "").lower()
    name = doc["requester"].get("name") or ""
    times = []
    for comment in doc["comments"].values():
        if not comment.get("public"):
            continue
        author = str(comment.get("author") or "")
        if (email and email in author.lower()) or (not email and author == name):
            continue
        try:
            times.append(epoch(comment["created"]))
        except (KeyError, ValueError):
            continue
    return min(times) if times else None


def _resolved_at(timeline: list[tuple[int, str]]) -> int | None:
    """The moment of the last move into solved or closed."""
    for i in range(len(timeline) - 1, -1, -1):
        if timeline[i][1] not in DONE:
            return timeline[i + 1][0] if i + 1 < len(timeline) else None
    return timeline[0][0]


def shown(sla: dict[str, Any] | None, now: int) -> dict[str, Any] | None:
    """The SLA as `show --json` gives it: `breached` also counts a running
    target whose due time has passed by `now`."""
    if sla is None:
        return None
    breached = bool(sla.get("breached"))
    if not breached and not sla.get("paused") and sla.get("resolved_at") is None:
        for target in TARGETS:
            due = sla.get(f"{target}_due")
            met = sla.get("first_response_at") if target == "first_response" else None
            if due is not None and met is None and epoch(due) < now:
                breached = True
    return {
        "first_response_due": sla.get("first_response_due"),
        "resolution_due": sla.get("resolution_due"),
        "breached": breached,
        "paused": bool(sla.get("paused")),
        "first_response_at": sla.get("first_response_at"),
        "resolved_at": sla.get("resolved_at"),
    }
