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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop.pipeline.hours import BusinessCalendar, epoch, iso_time

if TYPE_CHECKING:
    from sync.history import History

log = logging.getLogger(__name__)

DONE = frozenset({"solved", "closed"})
TARGETS = ("first_response", "resolution")


@dataclass(frozen=True)
class SlaPolicy:
    """Targets in minutes of working time per priority, on one calendar.

    `plans` holds, per priority, the targets in seconds ascending and where
    first response and resolution sit among them, worked out once when the
    rules compile rather than on every refresh.
    """

    calendar: BusinessCalendar
    targets: dict[str, dict[str, int]]
    pause: frozenset[str]
    plans: dict[str, "Plan"] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "plans", {p: _plan(t) for p, t in self.targets.items() if t}
        )


class Plan(NamedTuple):
    """One priority's targets: seconds ascending, and the index of each."""

    seconds: tuple[int, ...]
    respond: int | None
    resolve: int | None


def _plan(targets: dict[str, int]) -> Plan:
    respond, resolve = targets.get("first_response"), targets.get("resolution")
    if respond is not None and resolve is not None:
        if respond <= resolve:
            return Plan((respond * 60, resolve * 60), 0, 1)
        return Plan((resolve * 60, respond * 60), 1, 0)
    if respond is not None:
        return Plan((respond * 60,), 0, None)
    if resolve is not None:
        return Plan((resolve * 60,), None, 0)
    return Plan((), None, None)


def status_timeline(
    doc: dict[str, Any], history: "History | None", heads: Iterable[str] | None = None
) -> list[tuple[int, str]]:
    """(epoch seconds, status) at each status write, in the shared fold order.

    The root counts from the document's `created`, whenever that was (an old
    export's tickets may predate 1970), exactly as without a history; later
    writes from their snapshot's wall time, never earlier than the write
    before (a laptop with a slow clock cannot move a status change into the
    past).
    """
    if history is None:
        return [(epoch(doc["created"]), doc["status"])]
    included = None
    if heads is not None and sorted(heads) != history.heads():
        included = {h for head in heads for h in [head, *history.ancestors(head)]}
    timeline: list[tuple[int, str]] = []
    last: int | None = None
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


def _moment(when: Any, floor: int | None) -> int:
    """`when` in epoch seconds, no earlier than `floor` (None for the first
    write); an unreadable time takes the floor, or the epoch's start."""
    try:
        moment = epoch(str(when))
    except ValueError:
        log.debug("unreadable wall time %r in a history; using the one before", when)
        return 0 if floor is None else floor
    return moment if floor is None else max(moment, floor)


def evaluate(
    policy: SlaPolicy, doc: dict[str, Any], timeline: list[tuple[int, str]]
) -> dict[str, Any] | None:
    """The ticket's SLA as far as history decides it (no "now" involved).

    `breached` here is only what history already proves (a target met late,
    or passed before the clock stopped); whether a running target has passed
    by now is for the reader to add (`render` does).
    """
    plan = policy.plans.get(doc.get("priority") or "")
    if plan is None or doc.get("deleted"):
        return None
    first_at = first_response_at(doc) if doc["comments"] else None
    status = timeline[-1][1]
    resolved_at = _resolved_at(timeline) if status in DONE else None
    paused = status in policy.pause
    respond = resolve = None
    respond_proven = resolve_proven = False
    if len(timeline) == 1 and not paused and status not in DONE:
        # The clock has run since creation (most tickets): one walk for both.
        dues = policy.calendar.add_each(timeline[0][0], plan.seconds)
        if plan.respond is not None:
            respond = dues[plan.respond]
        if plan.resolve is not None:
            resolve = dues[plan.resolve]
    else:
        if plan.respond is not None:
            respond, respond_proven = _due(policy, timeline, plan.seconds[plan.respond])
        if plan.resolve is not None:
            resolve, resolve_proven = _due(policy, timeline, plan.seconds[plan.resolve])
    return {
        "priority": doc["priority"],
        "first_response_due": None if respond is None else iso_time(respond),
        "first_response_at": None if first_at is None else iso_time(first_at),
        "resolution_due": None if resolve is None else iso_time(resolve),
        "resolved_at": None if resolved_at is None else iso_time(resolved_at),
        "paused": paused,
        "breached": _late(respond, respond_proven, first_at)
        or _late(resolve, resolve_proven, resolved_at),
    }


def _late(due: int | None, proven: bool, met: int | None) -> bool:
    """History proves the target missed: met after the due time, or not met
    and a later status change recorded after it (`proven`)."""
    if due is None:
        return False
    return met > due if met is not None else proven


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
