"""What the sync indicator should say after a sync, from the sync's summary.

Qt-free; the summary is the dict `desktop.syncing` returns (`sent`,
`received`, `merged`, `conflicts`, and when known `skew_ms`, `waiting`), or
`{"error": sentence}` when the sync failed.
"""

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

#: Clock skew worth a warning (DESIGN.md §4: shown, never blocking).
SKEW_WARNING_MS = 60_000


@dataclass
class SyncState:
    configured: bool = False
    syncing: bool = False
    offline: bool = False
    last_synced: datetime | None = None
    waiting: int = 0
    skew_ms: int = 0
    error: str | None = None


#: Words in an error sentence that mean the network, not the server, failed.
_OFFLINE_WORDS = ("unreachable", "offline", "connect", "network", "resolve")


def state_after(before: SyncState, summary: dict[str, Any]) -> SyncState:
    error = summary.get("error")
    if error:
        offline = any(w in str(error).lower() for w in _OFFLINE_WORDS)
        return replace(before, syncing=False, offline=offline, error=str(error))
    return replace(
        before,
        configured=True,
        syncing=False,
        offline=False,
        error=None,
        last_synced=datetime.now(UTC),
        waiting=int(summary.get("waiting", 0) or 0),
        skew_ms=int(summary.get("skew_ms", before.skew_ms) or 0),
    )
