"""Business hours: a weekly calendar in a time zone, minus holidays.

SLA targets count working time only. A calendar turns a local week ("Mon-Fri
09:00-17:00 in Europe/Helsinki") and a list of holiday dates into UTC
intervals, day by day, so daylight-saving changes land where the zone says.
Times are epoch seconds inside this module: SLA evaluation runs on every
refresh, and integer arithmetic keeps it cheap.
"""

import functools
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Weekday keys, Monday first as `date.weekday()` counts.
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How far `add` looks for working time before deciding there is none.
MAX_DAYS = 3 * 366

Interval = tuple[int, int]


class NoWorkingTime(ValueError):
    """The calendar has no working time within MAX_DAYS of the start."""


#: Local days are looked up by quarter hour: every UTC offset in use is a
#: multiple of 15 minutes, so a bucket never straddles a local midnight.
_BUCKET = 900
#: Past this many entries a calendar's memo is emptied (a long import spans
#: years at most; this bounds memory without an LRU's cost per lookup).
_MEMO_LIMIT = 50_000


class BusinessCalendar:
    """Working intervals per local day; `week[i]` holds (start, end) minutes.

    Days are keyed by their proleptic ordinal and built once, with the total
    working seconds beside the intervals, so adding working time mostly
    steps over whole days with one dictionary lookup each.

    Due times are memoised per slot: every start inside one working interval
    (or one gap between intervals) has the same working time behind it up to
    its offset into the interval, so its due time is the slot's, moved by
    that offset, as long as the move stays inside the interval the slot's
    due time fell in. New tickets arrive all day long, so a walk over the
    days is needed about once per slot instead of once per ticket.
    """

    def __init__(
        self,
        zone: str,
        week: tuple[tuple[tuple[int, int], ...], ...],
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        if len(week) != 7:
            raise ValueError("a week has seven days")
        self.zone = ZoneInfo(zone)
        self.week = week
        self.holidays = holidays
        self._days: dict[int, tuple[int, tuple[Interval, ...]]] = {}
        self._ordinals: dict[int, int] = {}
        self._slots: dict[tuple[int, int, tuple[int, ...]], list[tuple[int, ...]]] = {}

    def day(self, local: date) -> tuple[Interval, ...]:
        """The working intervals of one local date, as UTC epoch seconds."""
        return self._day(local.toordinal())[1]

    def _day(self, ordinal: int) -> tuple[int, tuple[Interval, ...]]:
        found = self._days.get(ordinal)
        if found is None:
            local = date.fromordinal(ordinal)
            spans = () if local in self.holidays else self.week[local.weekday()]
            intervals = tuple(
                (self._at(local, lo), self._at(local, hi)) for lo, hi in spans
            )
            found = (sum(hi - lo for lo, hi in intervals), intervals)
            if len(self._days) > 20_000:
                self._days.clear()
            self._days[ordinal] = found
        return found

    def _at(self, local: date, minutes: int) -> int:
        day = local + timedelta(days=minutes // 1440)
        clock = time(minutes % 1440 // 60, minutes % 60)
        return int(datetime.combine(day, clock, self.zone).timestamp())

    def local_date(self, moment: int) -> date:
        return date.fromordinal(self._ordinal(moment))

    def _ordinal(self, moment: int) -> int:
        bucket = moment // _BUCKET
        found = self._ordinals.get(bucket)
        if found is None:
            found = datetime.fromtimestamp(moment, self.zone).toordinal()
            if len(self._ordinals) > 100_000:
                self._ordinals.clear()
            # Every quarter hour wholly inside this local day gets the answer
            # at once: tickets come in all day, and each miss costs a zone
            # conversion.
            local = date.fromordinal(found)
            first = -(-self._at(local, 0) // _BUCKET)
            last = self._at(local, 1440) // _BUCKET
            self._ordinals.update(dict.fromkeys(range(first, last), found))
            self._ordinals[bucket] = found
        return found

    def add(self, start: int, seconds: int) -> int:
        """The moment `seconds` of working time after `start`."""
        return self.add_each(start, (seconds,))[0]

    def add_each(self, start: int, seconds: tuple[int, ...]) -> list[int]:
        """The moments each of `seconds` (ascending) of working time after
        `start`, from the memo of `start`'s slot when it answers."""
        ordinal = self._ordinals.get(start // _BUCKET) or self._ordinal(start)
        intervals = (self._days.get(ordinal) or self._day(ordinal))[1]
        slot, offset, origin = 0, 0, start
        for begin, end in intervals:
            if start < end:
                if start > begin:
                    offset = start - begin
                origin = begin
                break
            slot += 1
        key = (ordinal, slot, seconds)
        dues = self._slots.get(key)
        if dues is None:
            if len(self._slots) > _MEMO_LIMIT:
                self._slots.clear()
            dues = self._slots[key] = self._slot(origin, seconds)
        if not offset:
            return [due for due, _, _ in dues]
        if all(base + offset <= end for _, base, end in dues):
            return [base + offset for _, base, _ in dues]
        return [due for due, _ in self._walk(start, seconds)]

    def _slot(self, origin: int, seconds: tuple[int, ...]) -> list[tuple[int, ...]]:
        """Per target: the due moment from `origin`, and the moment and the
        interval end a start later in the slot counts its offset from."""
        dues = self._walk(origin, seconds)
        try:
            later = self._walk(origin, seconds, beyond=True)
        except NoWorkingTime:
            later = [(due, due) for due, _ in dues]
        return [(due, *after) for (due, _), after in zip(dues, later, strict=True)]

    def _walk(
        self, start: int, seconds: tuple[int, ...], *, beyond: bool = False
    ) -> list[Interval]:
        """Each due moment with the end of the working interval it falls in,
        found in one walk; a whole working day that ends before the next
        target is stepped over with one lookup.

        With `beyond`, a due moment on the very end of an interval is given
        as the start of the next one instead: where the due time of a start
        a little later in the same slot continues.
        """
        out: list[Interval] = []
        want = len(seconds)
        if not want:
            return out
        days = self._days
        ordinal = self._ordinal(start)
        used = 0
        slack = 1 if beyond else 0
        for _ in range(MAX_DAYS):
            day = days.get(ordinal) or self._day(ordinal)
            total = day[0]
            if total:
                intervals = day[1]
                if (
                    intervals[0][0] >= start
                    and seconds[len(out)] - used > total - slack
                ):
                    used += total
                elif intervals[-1][1] > start:
                    for begin, end in intervals:
                        if end <= start:
                            continue
                        begin = max(begin, start)
                        while seconds[len(out)] - used <= end - begin - slack:
                            out.append((begin + seconds[len(out)] - used, end))
                            if len(out) == want:
                                return out
                        used += end - begin
            ordinal += 1
        raise NoWorkingTime(f"no working time within {MAX_DAYS} days")

    def between(self, start: int, end: int) -> int:
        """Seconds of working time from `start` to `end`."""
        if end <= start:
            return 0
        total = 0
        ordinal, last = self._ordinal(start), self._ordinal(end)
        while ordinal <= last:
            worked, intervals = self._day(ordinal)
            if worked:
                for begin, finish in intervals:
                    lo, hi = max(begin, start), min(finish, end)
                    if hi > lo:
                        total += hi - lo
            ordinal += 1
        return total


def parse_span(text: str) -> tuple[int, int]:
    """`09:00-17:00` as minutes of the day; `24:00` may end a span."""
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"{text!r} is not a span like 09:00-17:00")
    lo, hi = _minutes(start), _minutes(end)
    if hi <= lo:
        raise ValueError(f"{text!r} ends before it starts")
    return lo, hi


def _minutes(text: str) -> int:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"{text.strip()!r} is not a time like 09:00")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(f"{text.strip()!r} is not a time of day")
    return value


@functools.lru_cache(maxsize=256)
def epoch(iso_time: str) -> int:
    """Seconds since the epoch of a document time (`2026-01-31T14:00:00Z`).

    Cached: one change reads its ticket's `created` in several stages.
    """
    moment = datetime.fromisoformat(iso_time)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


_DATES: dict[int, str] = {}
#: "HH:MM:" for each minute of a day and "SSZ" for each second of a minute:
#: two lookups put a time of day together faster than formatting it.
_MINUTES = tuple(f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
_SECONDS = tuple(f"{s:02d}Z" for s in range(60))


def iso_time(moment: int) -> str:
    """The document form of an epoch time; the date part is cached per day,
    because formatting it costs more than all the arithmetic here."""
    day, second = divmod(moment, 86400)
    date_part = _DATES.get(day)
    if date_part is None:
        if len(_DATES) > 10_000:
            _DATES.clear()
        date_part = _DATES[day] = clock.strftime("%Y-%m-%dT", clock.gmtime(moment))
    minute, sec = divmod(second, 60)
    return date_part + _MINUTES[minute] + _SECONDS[sec]
