"""The status-bar word on sync: offline, syncing, synced N minutes ago, waiting."""

import logging
from datetime import UTC, datetime

from PySide6.QtWidgets import QLabel, QWidget

from desktop.ui.sync_state import SKEW_WARNING_MS, SyncState

log = logging.getLogger(__name__)


class SyncIndicator(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self.state = SyncState()
        self.refresh()

    def set_state(self, state: SyncState) -> None:
        self.state = state
        self.refresh()

    def refresh(self, now: datetime | None = None) -> None:
        """Re-render; called by a timer too, so "N minutes ago" stays true."""
        s = self.state
        now = now or datetime.now(UTC)
        parts: list[str] = []
        if not s.configured:
            parts.append(self.tr("Local only (no server set)"))
        elif s.syncing:
            parts.append(self.tr("Syncing…"))
        elif s.offline:
            parts.append(self.tr("Offline"))
        elif s.error:
            parts.append(self.tr("Sync failed"))
        elif s.last_synced is None:
            parts.append(self.tr("Never synced"))
        else:
            minutes = int((now - s.last_synced).total_seconds() // 60)
            if minutes < 1:
                parts.append(self.tr("Synced just now"))
            else:
                parts.append(self.tr("Synced %n minute(s) ago", "", minutes))
        if s.waiting:
            parts.append(self.tr("%n local change(s) waiting", "", s.waiting))
        if abs(s.skew_ms) >= SKEW_WARNING_MS:
            parts.append(
                self.tr("⚠ clock off by %n second(s)", "", abs(s.skew_ms) // 1000)
            )
        self.setText(" · ".join(parts))
        self.setToolTip(s.error or "")
