"""The sync server's HTTP face: a FastAPI app over any `ServerStore`.

The same app serves a team's central store and a laptop serving its own data
dir to a colleague (peer mode), so both speak exactly one protocol and check
tokens and snapshots the same way. Every failure a client can cause is a 4xx
with one sentence in `detail` saying what was wrong: 401 for a missing or
unknown token, 403 for a revoked token or a forged author, 413 for a body over
the limit, 422 for anything malformed. A refused push changes nothing.
"""

import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.auth import Agent
from sync.errors import AccessError, BatchRefused, SnapshotError, StoreUnavailable
from sync.protocol import (
    DEFAULT_PAGE,
    MAX_BODY_BYTES,
    MAX_PAGE,
    MAX_PUSH,
    PREFIX,
    PROTOCOL,
    ErrorBody,
    HaveRequest,
    HaveResult,
    Meta,
    PullPage,
    PushRequest,
    PushResult,
    WhoAmI,
    decode_snapshots,
    now_ms,
    page_body,
)
from sync.server_store import ServerStore

log = logging.getLogger(__name__)

#: Largest cursor accepted; keeps every value inside a signed 64-bit column.
MAX_CURSOR = 2**62


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "The request could not be read.",
        401: "No token was sent, or the server does not know it.",
        403: "The token was revoked, or a snapshot claims another author.",
        413: "The request body is larger than the server accepts.",
        422: "The request or a snapshot in it is malformed; nothing was stored.",
        503: "The server's database is busy; retry shortly.",
    }
    return {c: {"model": ErrorBody, "description": described[c]} for c in codes}


def create_app(store: ServerStore, *, max_body: int = MAX_BODY_BYTES) -> FastAPI:
    """The app for one open store; the caller closes the store after serving."""
    app = FastAPI(
        title="Offdesk sync",
        version=str(PROTOCOL),
        description="Two-way exchange of ticket snapshots between Offdesk replicas.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, limit=max_body)
    _handlers(app)
    bearer = HTTPBearer(
        auto_error=False, description="An agent token from `offdesk server add-agent`."
    )

    def current_agent(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> Agent:
        return store.authenticate(credentials.credentials if credentials else None)

    Authorized = Annotated[Agent, Depends(current_agent)]

    @app.get(f"{PREFIX}/meta", response_model=Meta, tags=["sync"])
    def meta() -> Meta:
        """Protocol version, epoch and server time; needs no token."""
        return Meta(
            protocol=PROTOCOL,
            epoch=store.epoch,
            server_time_ms=now_ms(),
            mode=store.mode,
            numbers=store.numbers,
            max_body_bytes=max_body,
            max_push=MAX_PUSH,
            max_page=MAX_PAGE,
        )

    @app.get(
        f"{PREFIX}/whoami",
        response_model=WhoAmI,
        responses=_errors(401, 403, 503),
        tags=["sync"],
    )
    def whoami(agent: Authorized) -> WhoAmI:
        """The token's agent, so a client knows which snapshots it may push."""
        return WhoAmI(agent=str(agent), email=agent.email, admin=agent.admin)

    @app.post(
        f"{PREFIX}/snapshots",
        response_model=PushResult,
        responses=_errors(400, 401, 403, 413, 422, 503),
        tags=["sync"],
    )
    def push(request: PushRequest, agent: Authorized) -> PushResult:
        """Store a batch of snapshots, all or none; pushing it again changes nothing."""
        try:
            snaps = decode_snapshots(
                [{"id": s.id, "snapshot": s.snapshot} for s in request.snapshots]
            )
        except SnapshotError as e:
            raise BatchRefused(f"{e}; nothing was stored", {}, 422) from e
        done = store.push(agent, snaps, number_floor=request.number_floor)
        return PushResult(
            stored=done.stored,
            known=done.known,
            numbers=done.numbers,
            cursor=done.cursor,
        )

    @app.get(
        f"{PREFIX}/snapshots",
        response_model=None,
        response_class=Response,
        responses={
            200: {"model": PullPage, "description": "Snapshots after the cursor."},
            **_errors(401, 403, 422, 503),
        },
        tags=["sync"],
    )
    def pull(
        agent: Authorized,
        since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    ) -> Response:
        """Snapshots stored after `since`, parents first, at most `limit` of them."""
        page = store.pull(since, limit)
        log.info(
            "pull by %s since %d: %d snapshots", agent.email, since, len(page.entries)
        )
        # TODO: pages go uncompressed; a clone over a slow link moves every
        # snapshot as plain JSON (gzip would cut it about fivefold).
        body = page_body(page.entries, page.cursor, page.more, store.epoch)
        return Response(body, media_type="application/json")

    @app.post(
        f"{PREFIX}/have",
        response_model=HaveResult,
        responses=_errors(400, 401, 403, 413, 422, 503),
        tags=["sync"],
    )
    def have(request: HaveRequest, agent: Authorized) -> HaveResult:
        """Which of these snapshot ids the server holds."""
        return HaveResult(held=sorted(store.held(request.ids)))

    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(AccessError)
    def access(_: Request, e: AccessError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else None
        return JSONResponse({"detail": str(e)}, e.status, headers=headers)

    @app.exception_handler(BatchRefused)
    def refused(_: Request, e: BatchRefused) -> JSONResponse:
        log.warning("push refused: %s", e)
        return JSONResponse({"detail": str(e), "refused": e.refused}, e.status)

    @app.exception_handler(StoreUnavailable)
    def busy(_: Request, e: StoreUnavailable) -> JSONResponse:
        log.warning("%s", e)
        return JSONResponse({"detail": str(e)}, 503, headers={"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    def malformed(_: Request, e: RequestValidationError) -> JSONResponse:
        problems = [_problem(err) for err in e.errors()]
        shown = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
        return JSONResponse(
            {"detail": f"the request is malformed: {shown}; nothing was changed"},
            422,
        )

    @app.exception_handler(Exception)
    def failed(_: Request, e: Exception) -> JSONResponse:
        log.exception("request failed")
        return JSONResponse(
            {"detail": "the server failed on this request; its log says why"}, 500
        )


def _problem(error: Any) -> str:
    err = jsonable_encoder(error, exclude={"input", "ctx", "url"})
    where = ".".join(str(p) for p in err.get("loc", ()))
    if err.get("type") == "json_invalid":
        return "the body is not valid JSON"
    return f"{where}: {err.get('msg', 'invalid')}"


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 before anything parses them.

    The declared length is checked first; a chunked body is counted as it
    arrives and buffered (up to the limit) so the app never sees a partial one.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _reply(send, 400, "the Content-Length header is not a number")
                return
            if int(declared) > self.limit:
                await self._too_large(send)
                return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._too_large(send)
                return
            if not message.get("more_body", False):
                break

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _reply(
            send,
            413,
            f"the request body is larger than the server's limit of {self.limit} "
            "bytes; send fewer snapshots per request",
        )


async def _reply(send: Send, status: int, detail: str) -> None:
    response = JSONResponse({"detail": detail}, status)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})
