"""The sync commands of `offdesk`: serve, server (agents and tokens), remote, sync.

How `serve` picks its store, so one command serves a team or a colleague:
- `--database URL` given: the central store at that URL (SQLite or
  PostgreSQL), numbering tickets;
- else a data dir that holds a desktop store (`offdesk.db`, the default data
  dir on a laptop): peer mode, serving that laptop's own tickets, no numbers;
- else: the central store in `DIR/server.db`, created if need be.
`--mode central|peer` overrides the guess. `offdesk server ...` picks the same
way, so it manages the tokens of the store `serve` would serve.
"""

import argparse
import json
import logging
import socket
import sys
from typing import TYPE_CHECKING, Any

from desktop import datadir
from desktop.cli_common import emit, whole_number
from desktop.desk import Desk
from desktop.errors import UserError
from desktop.store.store import DB_NAME

if TYPE_CHECKING:
    from sync.server_store import ServerStore

log = logging.getLogger(__name__)

DEFAULT_PORT = 8737


def add_parsers(
    sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
    common: argparse.ArgumentParser,
) -> None:
    """Add serve, server, remote and sync to the `offdesk` parser."""
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--database",
        metavar="URL",
        help="central store URL, e.g. postgresql://user@host/offdesk "
        "(default: DIR/server.db)",
    )
    where.add_argument(
        "--mode",
        choices=("auto", "central", "peer"),
        default="auto",
        help="peer serves a laptop's own data dir; auto decides by what DIR holds",
    )

    help_ = "serve tickets to other replicas over HTTP (central server or peer)"
    p = sub.add_parser("serve", parents=[common, where], help=help_, description=help_)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument(
        "--port",
        type=whole_number(0, 65535),
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one and prints the URL)",
    )

    help_ = "manage the agents and tokens of the store `serve` serves"
    p = sub.add_parser("server", parents=[common], help=help_, description=help_)
    actions = p.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    a = actions.add_parser(
        "add-agent",
        parents=[common, where],
        help="issue a token for an agent (printed once)",
    )
    a.add_argument("agent", metavar='"NAME <EMAIL>"')
    a.add_argument(
        "--admin", action="store_true", help="may also relay other agents' snapshots"
    )
    a = actions.add_parser(
        "revoke", parents=[common, where], help="revoke every token of an agent"
    )
    a.add_argument("email", metavar="EMAIL")
    actions.add_parser("agents", parents=[common, where], help="list agents")

    help_ = "set the sync server this data dir talks to"
    p = sub.add_parser("remote", parents=[common], help=help_, description=help_)
    actions = p.add_subparsers(dest="remote_command", metavar="ACTION", required=True)
    a = actions.add_parser("set", parents=[common], help="set the server and token")
    a.add_argument("url", metavar="URL")
    a.add_argument("--token", required=True, help="from `offdesk server add-agent`")
    actions.add_parser("show", parents=[common], help="show the server in use")

    help_ = "push and pull snapshots with the server; print what happened"
    p = sub.add_parser("sync", parents=[common], help=help_, description=help_)
    p.add_argument(
        "--batch", type=whole_number(1), default=None, help=argparse.SUPPRESS
    )


# -- commands that open no desktop store (or open it themselves) -------------


def run_server_command(args: argparse.Namespace) -> int:
    """`serve` and `server ...`: these must not open the data dir as a Store first."""
    if args.command == "serve":
        return serve(args)
    store = open_server_store(args)
    try:
        if args.server_command == "add-agent":
            from sync.auth import parse_agent

            try:
                agent = parse_agent(args.agent, admin=args.admin)
            except ValueError as e:
                raise UserError(str(e)) from e
            token = store.add_agent(agent)
            if args.json:
                print(json.dumps({"agent": str(agent), "token": token}))
            else:
                print(token)
                print(
                    f"offdesk: token for {agent} shown once; give it to them for "
                    "`offdesk remote set`",
                    file=sys.stderr,
                )
        elif args.server_command == "revoke":
            done = store.revoke(args.email)
            if not done:
                raise UserError(f"{args.email} has no live token on this server")
            emit(args, {"revoked": done}, f"revoked {done} token(s) of {args.email}")
        else:
            rows = [_record(r) for r in store.agents()]
            text = "\n".join(
                f"{r['email']:<32} {r['name'] or '':<24} "
                f"{'admin' if r['admin'] else 'agent':<6} {r['tokens']} live, "
                f"{r['revoked']} revoked"
                for r in rows
            )
            emit(args, rows, text or "no agents")
    finally:
        store.close()
    return 0


def _record(record: Any) -> dict[str, Any]:
    return {
        "name": record.name,
        "email": record.email,
        "admin": record.admin,
        "tokens": record.tokens,
        "revoked": record.revoked,
    }


def open_server_store(args: argparse.Namespace) -> "ServerStore":
    """The store `serve` would serve for these arguments (see the module doc)."""
    from sync.errors import ServerStoreError

    data_dir = datadir.resolve(getattr(args, "data_dir", None))
    mode = args.mode
    if mode == "auto":
        peer = args.database is None and (data_dir / DB_NAME).exists()
        mode = "peer" if peer else "central"
    if mode == "peer":
        if args.database:
            raise UserError(
                "--database names a central store; drop it, or use --mode central"
            )
        if not (data_dir / DB_NAME).exists():
            raise UserError(
                f"{data_dir} holds no Offdesk data to serve as a peer; run offdesk "
                "there first, or serve a central store with --mode central"
            )
        from desktop.peer import PeerStore

        return PeerStore(data_dir)

    from sync.sql_store import SqlServerStore, default_url

    url = args.database
    if url is None:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UserError(f"cannot create data dir {data_dir}: {e.strerror}") from e
        url = default_url(data_dir)
    try:
        return SqlServerStore(url)
    except ServerStoreError as e:
        raise UserError(str(e)) from e


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server import create_app

    logging.getLogger().setLevel(logging.INFO)
    store = open_server_store(args)
    try:
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only
        # when the listener says so, and without it every keep-alive response
        # waits ~40 ms for a delayed ACK.
        sock = socket.socket(
            socket.AF_INET6 if ":" in args.host else socket.AF_INET,
            socket.SOCK_STREAM,
            socket.IPPROTO_TCP,
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
        sock.listen(128)
    except OSError as e:
        store.close()
        raise UserError(
            f"cannot listen on {args.host}:{args.port}: {e.strerror}"
        ) from e
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    print(url, flush=True)
    log.info("serving the %s store (epoch %s) at %s", store.mode, store.epoch, url)
    # TODO: plain HTTP only; on a network you do not trust, put a TLS proxy in
    # front (the README says so), or tokens and tickets travel in clear text.
    config = uvicorn.Config(
        create_app(store),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        store.close()
        sock.close()
    return 0


# -- commands on the data dir's store -----------------------------------------


def cmd_remote(args: argparse.Namespace, desk: Desk) -> None:
    from desktop import remote

    if args.remote_command == "set":
        remote.set_remote(desk.store, args.url, args.token)
        shown = remote.normalize_url(args.url)
        emit(args, {"url": shown}, f"this data dir now syncs with {shown}")
        return
    configured = remote.current(desk.store)
    data = {"url": configured.url, "token": bool(configured.token)}
    token = "a token is set" if configured.token else "NO TOKEN is set"
    emit(args, data, f"{configured.url} ({token})")


def cmd_sync(args: argparse.Namespace, desk: Desk) -> None:
    from desktop import syncing

    options = {"push_batch": args.batch} if args.batch else {}
    summary = syncing.sync(desk.store, **options)
    emit(args, summary.to_json(), summary.text())
