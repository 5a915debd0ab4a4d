"""The hybrid logical clock: it never goes back and always moves past what it saw."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.clock import FAR_FUTURE_MS, MAX_COUNTER, MAX_MS, ZERO, Clock, HybridClock

HOUR_MS = 60 * 60 * 1000


class FakeWall:
    """A wall clock the test sets by hand."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_a_tick_takes_the_wall_time_when_the_wall_clock_moved_on():
    wall = FakeWall(5_000)
    clock = HybridClock(wall=wall)

    assert clock.tick() == Clock(5_000, 0)
    wall.ms = 6_000
    assert clock.tick() == Clock(6_000, 0)


def test_the_clock_never_goes_back_when_the_wall_clock_goes_backwards():
    wall = FakeWall(10_000)
    clock = HybridClock(wall=wall)
    first = clock.tick()

    wall.ms = 3_000
    second = clock.tick()
    third = clock.tick()

    assert first < second < third
    assert second.ms == 10_000


@given(st.lists(st.integers(min_value=0, max_value=10**13), min_size=1, max_size=40))
def test_ticks_strictly_increase_whatever_the_wall_clock_does(walls):
    wall = FakeWall(walls[0])
    clock = HybridClock(wall=wall)
    issued = []
    for ms in walls:
        wall.ms = ms
        issued.append(clock.tick())

    assert all(a < b for a, b in zip(issued, issued[1:], strict=False))
    assert all(c.ms >= ms for c, ms in zip(issued, walls, strict=True))


def test_a_tick_above_a_given_clock_exceeds_it():
    clock = HybridClock(wall=FakeWall(1_000))
    ahead = Clock(50_000, 7)

    ticked = clock.tick(above=ahead)

    assert ticked > ahead
    assert clock.tick() > ticked


def test_a_tick_above_an_older_clock_still_follows_the_wall():
    clock = HybridClock(wall=FakeWall(9_000))

    assert clock.tick(above=Clock(100, 3)) == Clock(9_000, 0)


def test_observing_a_far_ahead_clock_makes_the_next_tick_above_it():
    clock = HybridClock(wall=FakeWall(1_000))
    remote = Clock(1_000 + 5 * HOUR_MS, 12)

    clock.observe(remote)

    assert clock.tick() > remote


def test_observing_an_older_clock_does_not_move_the_clock_back():
    clock = HybridClock(wall=FakeWall(8_000))
    mine = clock.tick()

    clock.observe(Clock(10, 0))

    assert clock.last == mine
    assert clock.tick() > mine


def test_a_clock_more_than_an_hour_ahead_is_flagged_far_future():
    wall = FakeWall(1_000_000)
    clock = HybridClock(wall=wall)

    assert clock.is_far_future(Clock(1_000_000 + HOUR_MS + 1, 0))
    assert clock.is_far_future(Clock(1_000_000 + 3 * HOUR_MS, 0))
    assert not clock.is_far_future(Clock(1_000_000 + HOUR_MS - 1, 99))
    assert not clock.is_far_future(Clock(1_000_000, 0))
    assert not clock.is_far_future(Clock(0, 0))
    assert FAR_FUTURE_MS == HOUR_MS


@pytest.mark.parametrize(
    "value", [[1], [1, 2, 3], [-1, 0], [1, -1], [1.5, 0], [True, 0], "1,0", None]
)
def test_a_malformed_clock_is_refused(value):
    with pytest.raises(ValueError):
        Clock.from_json(value)


def test_a_clock_round_trips_through_json():
    assert Clock.from_json(Clock(123, 4).to_json()) == Clock(123, 4)
    assert Clock(0, 0) == ZERO


clocks = st.builds(
    Clock,
    st.integers(min_value=0, max_value=2**43),
    st.integers(min_value=0, max_value=2**20 - 1),
)


@given(clocks, clocks)
def test_packed_clocks_sort_like_the_clocks(a, b):
    assert (a < b) == (a.packed() < b.packed())


@pytest.mark.parametrize(
    "value", [[2**63, 0], [MAX_MS + 1, 0], [1_700_000_000_000, MAX_COUNTER + 1]]
)
def test_a_clock_past_what_any_store_can_hold_is_refused(value):
    with pytest.raises(ValueError, match="larger than any store holds"):
        Clock.from_json(value)


def test_a_full_counter_carries_into_the_milliseconds():
    clock = HybridClock(Clock(5_000, MAX_COUNTER), wall=FakeWall(1_000))

    issued = clock.tick()

    assert issued == Clock(5_001, 0) and issued > Clock(5_000, MAX_COUNTER)
    assert Clock.from_json(issued.to_json()) == issued
