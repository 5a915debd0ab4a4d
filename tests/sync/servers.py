"""Fixtures for sync tests: real servers on loopback, a throw-away PostgreSQL, replicas.

Loaded as a pytest plugin by `tests/conftest.py`. Servers are real `offdesk
serve` processes on 127.0.0.1 port 0; PostgreSQL is a temporary cluster made
with Debian's binaries on a free loopback port and removed afterwards. Nothing
here touches any other address.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop.desk import Desk
from desktop.remote import Remote
from desktop.render import ticket_json
from desktop.store.store import Store
from desktop.syncing import SyncSummary, sync
from sync.client import RemoteClient, transport_options

REPO = Path(__file__).resolve().parents[2]

# Tokens set by tests must never land in a developer's real keyring; with no
# backend they go to the 0600 file fallback, as on CI.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`offdesk serve` in a subprocess; restartable on the same port."""

    def __init__(self, data_dir: Path, *, database: str | None = None) -> None:
        self.data_dir = data_dir
        self.database = database
        self.port = 0
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.log = data_dir.parent / f"{data_dir.name}-serve.log"

    def start(self) -> str:
        args = [
            sys.executable,
            "-m",
            "desktop.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        if self.database:
            args += ["--database", self.database]
        with open(self.log, "a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                cwd=REPO,
                env={**os.environ, "OFFDESK_DATA_DIR": str(self.data_dir)},
            )
        line = _readline(self.proc, timeout=30)
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"offdesk serve did not start: {self.log.read_text()}")
        self.url = line.strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        _wait_ready(self.url)
        return self.url

    def stop(self, *, kill: bool = False) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        extra = ["--database", self.database] if self.database else []
        return run_cli(*args, "--data-dir", str(self.data_dir), *extra)

    def add_agent(self, agent: str, *, admin: bool = False) -> str:
        """Issue a token the way `offdesk server add-agent` does, in this process."""
        from sync.auth import parse_agent
        from sync.sql_store import SqlServerStore, default_url

        store = SqlServerStore(self.database or default_url(self.data_dir))
        try:
            return store.add_agent(parse_agent(agent, admin=admin))
        finally:
            store.close()


@contextmanager
def app_server(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread on a free loopback port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the in-thread server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _readline(proc: "subprocess.Popen[str]", timeout: float) -> str:
    box: list[str] = []
    reader = threading.Thread(
        target=lambda: box.append(proc.stdout.readline() if proc.stdout else ""),
        daemon=True,
    )
    reader.start()
    reader.join(timeout)
    return box[0] if box else ""


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(url + "/v1/meta", timeout=2, trust_env=False).is_success:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} never answered")
        time.sleep(0.05)


def run_cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=120,
    )


@dataclass
class Replica:
    """One laptop: a store with an agent, and the server it syncs with."""

    store: Store
    remote: Remote

    @property
    def desk(self) -> Desk:
        return Desk(self.store)

    def sync(self, **options: Any) -> SyncSummary:
        return sync(self.store, self.remote, **options)

    def shown(self) -> dict[str, dict[str, Any]]:
        """Every ticket as `offdesk show --json` prints it, by ticket id."""
        ids = [r[0] for r in self.store.db.execute("SELECT id FROM tickets")]
        return {t: ticket_json(self.store.ticket_record(t)) for t in sorted(ids)}

    def snapshot_ids(self) -> set[str]:
        return {r[0] for r in self.store.db.execute("SELECT id FROM snapshots")}


def converge(replicas: list[Replica], rounds: int = 6) -> int:
    """Sync every replica in turn until a whole round moves nothing; returns rounds."""
    for done in range(1, rounds + 1):
        moved = 0
        for replica in replicas:
            summary = replica.sync()
            moved += summary.sent + summary.received + summary.merged
        if not moved:
            return done
    raise AssertionError(f"replicas still exchanging snapshots after {rounds} rounds")


@pytest.fixture
def central(tmp_path: Path) -> Iterator[ServerProcess]:
    """A central server on SQLite in a temp data dir, on a free loopback port."""
    server = ServerProcess(tmp_path / "server")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_replica(tmp_path: Path) -> Iterator[Callable[..., Replica]]:
    opened: list[Store] = []

    def make(
        name: str, agent: str, url: str, token: str, **store_options: Any
    ) -> Replica:
        store = Store(tmp_path / name, **store_options)
        opened.append(store)
        Desk(store).set_agent(agent)
        return Replica(store, Remote(url, token))

    yield make
    for store in opened:
        store.close()


class Faults(httpx.HTTPTransport):
    """A transport that loses chosen requests or responses, like a bad network.

    `plan(count, request)` returns None, "request" (lost before the server saw
    it), "response" (lost after the server answered, so after it committed),
    or a callable run before the request is sent.
    """

    def __init__(self, plan: Callable[[int, httpx.Request], Any]) -> None:
        super().__init__(**transport_options())
        self.plan = plan
        self.count = 0
        self.dropped: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        action = self.plan(self.count, request)
        if callable(action):
            action()
        if action == "request":
            self.dropped.append(f"request {request.method} {request.url.path}")
            raise httpx.ConnectError("request lost by the test", request=request)
        response = super().handle_request(request)
        if action == "response":
            response.read()
            response.close()
            self.dropped.append(f"response {request.method} {request.url.path}")
            raise httpx.ReadError("response lost by the test", request=request)
        return response


def faulty_client(url: str, token: str, plan: Callable[..., Any]) -> RemoteClient:
    return RemoteClient(url, token, transport=Faults(plan), backoff=0.05)


# -- PostgreSQL ---------------------------------------------------------------


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a loopback port; its base URL."""
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip(
            "PostgreSQL binaries are not installed (apt-get install postgresql)"
        )
    base = Path(tempfile.mkdtemp(prefix="offdesk-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = "postgres"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        shutil.chown(base, user)
        prefix = ["runuser", "-u", user, "--"]
    data = base / "data"
    port = free_port()

    def pg(*args: str) -> None:
        subprocess.run(
            [*prefix, *args], check=True, capture_output=True, cwd=base, timeout=120
        )

    pg(str(bindir / "initdb"), "-D", str(data), "-U", "offdesk", "-A", "trust",
       "-E", "UTF8", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {base} -h 127.0.0.1 -F -c max_connections=200"
    pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o",
       options, "-w", "-t", "60", "start")  # fmt: skip
    try:
        yield f"postgresql+psycopg://offdesk@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],  # fmt: skip
            capture_output=True,
            cwd=base,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database in the throw-away cluster."""
    import psycopg

    name = "t" + uuid.uuid4().hex[:16]
    admin = postgres_server.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{postgres_server}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
