"""The client side of the sync protocol: one method per request, over httpx.

Every request is safe to repeat: pushes are content-addressed and pulls only
read, so a dropped request or a response lost after the server committed is
simply sent again, a few times with growing pauses. What still fails becomes a
`RemoteError` whose sentence says which: the server is unreachable, the token
is unknown (401) or refused (403), the request was refused, or the server
failed.
"""

import functools
import logging
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
import orjson

from sync.errors import (
    Forbidden,
    Refused,
    RemoteError,
    ServerFailed,
    SnapshotError,
    Unauthenticated,
    Unreachable,
)
from sync.ids import SnapshotId
from sync.protocol import PREFIX, decode_snapshots, push_body
from sync.snapshot import Snapshot

log = logging.getLogger(__name__)

#: Statuses that mean "the server is there but cannot answer now": retried.
_TRANSIENT = frozenset({502, 503, 504})


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA store costs a quarter of a second; do it once per process."""
    return ssl.create_default_context()


def transport_options() -> dict[str, Any]:
    """Options for every transport: one shared TLS context, and no Nagle delay.

    A push sends its headers and body in two writes; with Nagle's algorithm the
    second waits for the server's delayed ACK, adding ~40 ms to every request.
    """
    return {
        "verify": _ssl_context(),
        "socket_options": [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    }


@dataclass(frozen=True, slots=True)
class Pulled:
    snapshots: list[Snapshot]
    cursor: int
    more: bool
    epoch: str


class RemoteClient:
    """Talks to one server with one token; `transport` lets tests inject faults."""

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        attempts: int = 5,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(
            base_url=self.url + PREFIX,
            headers=headers,
            timeout=timeout,
            transport=transport or httpx.HTTPTransport(**transport_options()),
            trust_env=False,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "RemoteClient":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- requests ------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        return self._object("GET", "/meta")

    def whoami(self) -> dict[str, Any]:
        return self._object("GET", "/whoami")

    def push(self, snaps: Sequence[Snapshot], number_floor: int = 0) -> dict[str, Any]:
        return self._object(
            "POST",
            "/snapshots",
            content=push_body(snaps, number_floor),
            headers={"Content-Type": "application/json"},
        )

    def pull(self, since: int, limit: int) -> Pulled:
        data = self._json("GET", "/snapshots", params={"since": since, "limit": limit})
        try:
            snaps = decode_snapshots(data.get("snapshots"))
            return Pulled(
                snaps, int(data["cursor"]), bool(data["more"]), str(data["epoch"])
            )
        except (SnapshotError, KeyError, TypeError, ValueError) as e:
            raise ServerFailed(
                f"the server at {self.url} sent a page that is not valid ({e})"
            ) from e

    def have(self, ids: Sequence[str]) -> set[SnapshotId]:
        if not ids:
            return set()
        data = self._json("POST", "/have", json={"ids": list(ids)})
        return {SnapshotId(s) for s in data.get("held", [])}

    # -- plumbing ------------------------------------------------------------

    def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        data = self._json(method, path, **kwargs)
        if not isinstance(data, dict):
            raise ServerFailed(
                f"the server at {self.url} answered {path} with something that is "
                "not a JSON object; is this an Offdesk server?"
            )
        return data

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as e:
            raise ServerFailed(
                f"the server at {self.url} answered {path} with something that is "
                "not JSON; is this an Offdesk server?"
            ) from e

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send, repeating after network failures and 502/503/504; map the rest."""
        failure: RemoteError | None = None
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(min(self.backoff * 2 ** (attempt - 1), 5.0))
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError as e:
                failure = Unreachable(
                    f"cannot reach the sync server at {self.url} ({_reason(e)}); "
                    "check the address and the network, then sync again"
                )
                log.debug("attempt %d of %s %s: %s", attempt + 1, method, path, e)
                continue
            if response.status_code in _TRANSIENT:
                failure = ServerFailed(
                    f"the sync server at {self.url} is busy or restarting "
                    f"({response.status_code}: {_detail(response)}); sync again later"
                )
                continue
            if response.is_success:
                return response
            error = self._refusal(response)
            error.refused = _refused(response)
            raise error
        assert failure is not None
        raise failure

    def _refusal(self, response: httpx.Response) -> RemoteError:
        status, detail = response.status_code, _detail(response)
        if status == 401:
            return Unauthenticated(
                f"the server at {self.url} refused the token: {detail}; get a token "
                f"from its admin, then run: offdesk remote set {self.url} --token TOKEN"
            )
        if status == 403:
            return Forbidden(f"the server at {self.url} refused: {detail}")
        if status == 404:
            return Refused(
                f"the server at {self.url} does not speak sync protocol {PREFIX} "
                "(404); check the address, or upgrade Offdesk or the server"
            )
        if status < 500:
            return Refused(f"the server at {self.url} refused the request: {detail}")
        return ServerFailed(
            f"the sync server at {self.url} failed ({status}: {detail}); nothing was "
            "lost, sync again later"
        )


def _refused(response: httpx.Response) -> dict[str, str]:
    try:
        refused = orjson.loads(response.content).get("refused")
    except (orjson.JSONDecodeError, AttributeError):
        return {}
    if not isinstance(refused, dict):
        return {}
    return {str(k): str(v) for k, v in refused.items()}


def _detail(response: httpx.Response) -> str:
    try:
        detail = orjson.loads(response.content).get("detail")
    except (orjson.JSONDecodeError, AttributeError):
        detail = None
    if isinstance(detail, str) and detail:
        return detail
    return response.reason_phrase or f"HTTP {response.status_code}"


def _reason(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectError):
        text = str(error) or "connection failed"
        return "connection refused" if "refused" in text.lower() else text
    if isinstance(error, httpx.TimeoutException):
        return "it did not answer in time"
    return str(error) or type(error).__name__
