"""Bulk work with Python's cyclic garbage collector held off.

A bundle applied, a sync or an import keeps hundreds of thousands of small
objects alive while it runs (snapshots, patches, folded states). Each full
collection walks them all with the GIL held: a quarter of a 10,000-ticket
merge went to collections that found nothing, and in the window a collection
froze the list for 50 ms and more. Almost all of the garbage such a job makes
is freed by reference counting; the few cycles it leaves are collected once
the collector runs again after the last bulk job ends.
"""

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_held() -> Iterator[None]:
    """Hold the cyclic collector off until this and every overlapping bulk
    job (on any thread) has ended; nesting is fine."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
