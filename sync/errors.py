"""The error tree of the replication layer; callers catch `SyncError` for all of it."""


class SyncError(Exception):
    """Base of every error raised by `sync`."""


class PatchError(SyncError):
    """A JSON Patch is malformed or does not apply to the state it names as parent."""


class SnapshotError(SyncError):
    """A snapshot breaks an invariant (id, parents, clock, root); it is not stored."""
