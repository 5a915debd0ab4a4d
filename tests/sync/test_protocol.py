"""The HTTP protocol, in process: status codes and sentences for every refusal."""

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sync.auth import Agent
from sync.protocol import PROTOCOL, push_body
from sync.server import create_app
from sync.snapshot import Snapshot
from sync.sql_store import SqlServerStore, default_url
from tests.sync.servers import app_server
from tests.sync.snapshots import BOB, edit, root

ANN = Agent("Ann Agent", "ann@example.com")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, SqlServerStore, str]]:
    store = SqlServerStore(default_url(tmp_path))
    token = store.add_agent(ANN)
    with (
        app_server(create_app(store, max_body=64 * 1024)) as url,
        httpx.Client(base_url=url, trust_env=False) as client,
    ):
        yield client, store, token
    store.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def push(client: httpx.Client, token: str, snaps: list[Snapshot]) -> Any:
    return client.post("/v1/snapshots", content=push_body(snaps), headers=bearer(token))


def stored(store: SqlServerStore) -> int:
    return store.counts()["snapshots"]


def test_meta_needs_no_token_and_gives_protocol_epoch_and_server_time(
    server: Any,
) -> None:
    client, store, _ = server
    meta = client.get("/v1/meta").json()
    assert meta["protocol"] == PROTOCOL
    assert meta["epoch"] == store.epoch
    assert meta["mode"] == "central" and meta["numbers"] is True
    assert meta["server_time_ms"] > 1_700_000_000_000


def test_a_push_stores_the_batch_and_numbers_new_tickets(server: Any) -> None:
    client, store, token = server
    first = root()
    response = push(client, token, [first, edit(first, "x")])
    assert response.status_code == 200
    assert response.json()["stored"] == 2
    assert response.json()["numbers"] == {first.ticket: 1}
    assert stored(store) == 3


def test_a_request_without_a_token_gets_401_saying_none_was_sent(server: Any) -> None:
    client, store, _ = server
    response = client.post("/v1/snapshots", content=push_body([root()]))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "no token was sent" in response.json()["detail"]
    assert stored(store) == 0


def test_an_unknown_token_gets_401_saying_the_server_does_not_know_it(
    server: Any,
) -> None:
    client, _, _ = server
    response = client.get("/v1/whoami", headers=bearer("odk_guessed"))
    assert response.status_code == 401
    assert response.json()["detail"] == "the token is not known to this server"


def test_a_revoked_token_gets_403_saying_it_was_revoked(server: Any) -> None:
    client, store, token = server
    store.revoke(ANN.email)
    response = push(client, token, [root()])
    assert response.status_code == 403
    assert "the token was revoked on" in response.json()["detail"]
    assert stored(store) == 0


def test_a_forged_author_gets_403_naming_both_and_nothing_is_stored(
    server: Any,
) -> None:
    client, store, token = server
    mine = root()
    response = push(client, token, [mine, root(author=BOB)])
    assert response.status_code == 403
    body = response.json()
    assert "authored by 'Bob Agent <bob@example.com>'" in body["detail"]
    assert "nothing was stored" in body["detail"]
    assert len(body["refused"]) == 1
    assert stored(store) == 0


def test_a_body_over_the_limit_gets_413_and_nothing_is_stored(server: Any) -> None:
    client, store, token = server
    many = [root(ms=1_000 + i) for i in range(200)]
    response = push(client, token, many)
    assert response.status_code == 413
    assert "larger than the server's limit of 65536 bytes" in response.json()["detail"]
    assert stored(store) == 0


def test_a_chunked_body_over_the_limit_gets_413_too(server: Any) -> None:
    client, store, token = server
    data = push_body([root(ms=1_000 + i) for i in range(200)])

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), 4096):
            yield data[start : start + 4096]

    response = client.post("/v1/snapshots", content=chunks(), headers=bearer(token))
    assert response.status_code == 413
    assert stored(store) == 0


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"{not json", "the body is not valid JSON"),
        (b'{"snapshots": 5}', "body.snapshots"),
        (b'{"snapshots": [{"id": "abc", "snapshot": {}}]}', "body.snapshots.0.id"),
        (b'{"snapshots": [], "extra": 1}', "body.extra"),
    ],
)
def test_a_malformed_body_gets_422_saying_what_is_wrong(
    server: Any, body: bytes, said: str
) -> None:
    client, store, token = server
    response = client.post("/v1/snapshots", content=body, headers=bearer(token))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("the request is malformed: ")
    assert said in detail
    assert stored(store) == 0


def test_a_snapshot_that_does_not_match_its_id_gets_422(server: Any) -> None:
    client, store, token = server
    snap = root()
    altered = orjson.loads(push_body([snap]))
    altered["snapshots"][0]["snapshot"]["wall_time"] = "2030-01-01T00:00:00Z"
    response = client.post(
        "/v1/snapshots", content=orjson.dumps(altered), headers=bearer(token)
    )
    assert response.status_code == 422
    assert "does not match its content" in response.json()["detail"]
    assert stored(store) == 0


def test_a_clock_beyond_any_store_gets_422_and_numbering_goes_on(server: Any) -> None:
    client, store, token = server
    body = orjson.loads(push_body([root()]))
    body["snapshots"][0]["snapshot"]["clock"] = [2**63, 0]
    raw = orjson.dumps(body["snapshots"][0]["snapshot"], option=orjson.OPT_SORT_KEYS)
    body["snapshots"][0]["id"] = hashlib.sha256(raw).hexdigest()

    response = client.post(
        "/v1/snapshots", content=orjson.dumps(body), headers=bearer(token)
    )

    assert response.status_code == 422
    assert "larger than any store holds" in response.json()["detail"]
    assert stored(store) == 0
    after = client.post(
        "/v1/snapshots", content=push_body([root()]), headers=bearer(token)
    )
    assert after.status_code == 200 and after.json()["numbers"]


@pytest.mark.parametrize("floor", ['"5"', "true", str(2**53)])
def test_a_number_floor_must_be_a_whole_number_in_range(
    server: Any, floor: str
) -> None:
    client, store, token = server
    body = b'{"snapshots": [], "number_floor": %s}' % floor.encode()

    response = client.post("/v1/snapshots", content=body, headers=bearer(token))

    assert response.status_code == 422
    assert "body.number_floor" in response.json()["detail"]


def test_a_cursor_out_of_range_gets_422(server: Any) -> None:
    client, _, token = server
    response = client.get("/v1/snapshots?since=-1", headers=bearer(token))
    assert response.status_code == 422
    assert "query.since" in response.json()["detail"]


def test_pull_pages_through_everything_in_order(server: Any) -> None:
    client, store, token = server
    push(client, token, [root(ms=1_000 + i) for i in range(5)])
    ids: list[str] = []
    cursor, more = 0, True
    while more:
        page = client.get(
            f"/v1/snapshots?since={cursor}&limit=3", headers=bearer(token)
        ).json()
        ids += [s["id"] for s in page["snapshots"]]
        cursor, more = page["cursor"], page["more"]
        assert page["epoch"] == store.epoch
    assert len(ids) == len(set(ids)) == 10


def test_have_lists_the_ids_the_server_holds(server: Any) -> None:
    client, _, token = server
    kept = root()
    push(client, token, [kept])
    response = client.post(
        "/v1/have", json={"ids": [kept.id, "0" * 64]}, headers=bearer(token)
    )
    assert response.json() == {"held": [kept.id]}


def test_the_openapi_document_lives_under_v1(server: Any) -> None:
    client, _, _ = server
    paths = client.get("/v1/openapi.json").json()["paths"]
    assert set(paths) == {"/v1/meta", "/v1/whoami", "/v1/snapshots", "/v1/have"}


def test_the_sync_package_imports_neither_desktop_nor_qt() -> None:
    """DESIGN.md §8: a server runs `sync` without the desktop app or Qt."""
    import ast

    package = Path(__file__).resolve().parents[2] / "sync"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("desktop", "PySide6"), f"{module.name}: {name}"
