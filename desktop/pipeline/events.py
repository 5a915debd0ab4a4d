"""The event bus: what happened, announced after it was committed.

Events are named after what happened (`ticket_did_create`, `ticket_did_change`,
`ticket_did_route`, `ticket_did_quarantine`, `pipeline_did_reconfigure`, ...)
and published only once the store transaction that made them has committed,
so a subscriber never sees a change that a rollback later took back.

A subscriber that raises is logged with its traceback and skipped; the other
subscribers still run and the change stays committed. Subscribers run on the
thread that committed (the store's worker thread); a GUI subscriber must hand
the event to the GUI thread itself (a queued signal).
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

log = logging.getLogger(__name__)

#: Subscribe with this name to receive every event.
ALL = "*"


#: The data of an event that carries none (shared, so it must not change).
NO_DATA: Mapping[str, Any] = MappingProxyType({})


class Event(NamedTuple):
    """What happened (`name`), to which ticket, with details in `data`.

    A named tuple: one is made for every committed change, and a tuple is
    the cheapest immutable record Python builds.
    """

    name: str
    ticket: str | None = None
    data: Mapping[str, Any] = NO_DATA


Handler = Callable[[Event], object]


class EventBus:
    """Synchronous publish/subscribe, isolated per subscriber."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}
        #: Per event name, its own subscribers then those of every event;
        #: made on first publish and dropped whenever a subscription changes.
        self._routes: dict[str, tuple[Handler, ...]] = {}

    def subscribe(self, name: str, handler: Handler) -> Callable[[], None]:
        """Call `handler` for each event called `name` (or every event for ALL).

        Returns a function that unsubscribes it again.
        """
        self._handlers.setdefault(name, []).append(handler)
        self._routes.clear()

        def unsubscribe() -> None:
            handlers = self._handlers.get(name, [])
            if handler in handlers:
                handlers.remove(handler)
                self._routes.clear()

        return unsubscribe

    def publish(self, event: Event) -> int:
        """Deliver `event`; returns how many subscribers failed on it."""
        route = self._routes.get(event.name)
        if route is None:
            route = self._routes[event.name] = (
                *self._handlers.get(event.name, ()),
                *self._handlers.get(ALL, ()),
            )
        failed = 0
        for handler in route:
            try:
                handler(event)
            except Exception:
                failed += 1
                log.exception(
                    "subscriber %r failed on %s; the change stays committed",
                    handler,
                    event.name,
                )
        return failed

    def publish_all(self, events: Iterable[Event]) -> int:
        return sum(self.publish(e) for e in events)
