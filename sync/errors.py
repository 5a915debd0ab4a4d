"""The error tree of the replication layer; callers catch `SyncError` for all of it."""


class SyncError(Exception):
    """Base of every error raised by `sync`."""


class PatchError(SyncError):
    """A JSON Patch is malformed or does not apply to the state it names as parent."""


class SnapshotError(SyncError):
    """A snapshot breaks an invariant (id, parents, clock, root); it is not stored."""


class AccessError(SyncError):
    """A request carries no usable token (401) or a refused one (403)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class BatchRefused(SyncError):
    """A server refused a pushed batch whole; `refused` maps snapshot ids to reasons.

    `status` is 403 when a snapshot claims an author the token may not write
    as, else 422. Nothing of a refused batch is stored.
    """

    def __init__(self, message: str, refused: dict[str, str], status: int) -> None:
        super().__init__(message)
        self.refused = refused
        self.status = status


class RemoteError(SyncError):
    """Talking to a sync server failed; the message says why and what to do.

    `refused` maps snapshot ids to the server's reasons when it refused a push.
    """

    refused: dict[str, str] = {}  # noqa: RUF012 - replaced per instance, never mutated


class Unreachable(RemoteError):
    """The server could not be reached (refused, timed out, name unknown)."""


class Unauthenticated(RemoteError):
    """The server does not know the token, or none was sent (HTTP 401)."""


class Forbidden(RemoteError):
    """The server knows the token but refuses it or the request (HTTP 403)."""


class Refused(RemoteError):
    """The server refused the request as malformed or too large (other 4xx)."""


class ServerFailed(RemoteError):
    """The server failed (5xx) or answered something that is not the protocol."""


class StoreUnavailable(SyncError):
    """A server's database is busy or unreachable; the request may be retried."""


class ServerStoreError(SyncError):
    """A server's database cannot be used (newer schema, bad URL); it will not start."""
