"""A hybrid logical clock: edits order sensibly even when laptop clocks are wrong.

A clock value is wall milliseconds plus a counter. A device's clock never goes
back (the store persists it) and is advanced past every clock it receives, so a
child snapshot is always above its parents even when its author's wall clock is
behind. Wall time is only shown, never trusted for ordering.
"""

import time
from collections.abc import Callable
from typing import NamedTuple

#: A clock this far ahead of the receiving device's wall time is flagged.
FAR_FUTURE_MS = 60 * 60 * 1000
#: The largest parts of a clock a snapshot may carry. A far-future clock is
#: flagged, never refused (DESIGN.md §4), but one beyond what SQLite's 64-bit
#: integers hold (a hand-made push) would break every store it reached, and
#: the clocks of all replicas that observed it.
MAX_MS = 1 << 62
MAX_COUNTER = 1 << 62
#: Where `packed` stops telling clocks apart (the year 2248, a 20-bit counter).
_PACKED_MS = (1 << 43) - 1
_PACKED_COUNTER = (1 << 20) - 1


class Clock(NamedTuple):
    ms: int
    counter: int

    def to_json(self) -> list[int]:
        return [self.ms, self.counter]

    @classmethod
    def from_json(cls, value: object) -> "Clock":
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError(f"a clock is [milliseconds, counter], got {value!r}")
        ms, counter = value
        if type(ms) is not int or type(counter) is not int or ms < 0 or counter < 0:
            raise ValueError(f"a clock is [milliseconds, counter], got {value!r}")
        if ms > MAX_MS or counter > MAX_COUNTER:
            raise ValueError(f"the clock {value!r} is larger than any store holds")
        return cls(ms, counter)

    def packed(self) -> int:
        """One sortable integer that fits SQLite's 64-bit INTEGER.

        Clocks past the year 2248 (a badly wrong laptop) are clamped: the column
        only helps queries; ordering always uses the full clock.
        """
        ms = min(self.ms, _PACKED_MS)
        return (ms << 20) | min(self.counter, _PACKED_COUNTER)

    def successor(self) -> "Clock":
        """The next clock value; a full counter carries into the milliseconds,
        so a device stuck behind a fast clock never issues one others refuse."""
        if self.counter >= MAX_COUNTER:
            return Clock(self.ms + 1, 0)
        return Clock(self.ms, self.counter + 1)


ZERO = Clock(0, 0)


def system_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """Issues clock values for one device; `wall` is injectable for tests and skew."""

    def __init__(self, last: Clock = ZERO, wall: Callable[[], int] = system_ms) -> None:
        self.last = last
        self._wall = wall

    def wall_ms(self) -> int:
        return self._wall()

    def tick(self, above: Clock = ZERO) -> Clock:
        """A new value above everything issued or observed so far, and above `above`."""
        floor = max(self.last, above)
        now = self._wall()
        self.last = Clock(now, 0) if now > floor.ms else floor.successor()
        return self.last

    def observe(self, remote: Clock) -> None:
        """Move past a received clock so the next local edit orders after it."""
        if remote > self.last:
            self.last = remote

    def is_far_future(self, clock: Clock) -> bool:
        return clock.ms > self._wall() + FAR_FUTURE_MS
