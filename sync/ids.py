"""Typed identifiers, so a ticket id is never passed where a snapshot id belongs."""

from typing import NewType

TicketId = NewType("TicketId", str)
SnapshotId = NewType("SnapshotId", str)
DeviceId = NewType("DeviceId", str)
