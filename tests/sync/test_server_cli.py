"""`offdesk server ...`: tokens shown once, stored as hashes, revoked by e-mail."""

import json
from pathlib import Path

from sync.auth import token_hash
from tests.sync.servers import run_cli


def test_add_agent_prints_the_token_once_and_keeps_only_its_hash(
    tmp_path: Path,
) -> None:
    where = ["--data-dir", str(tmp_path / "srv")]
    done = run_cli("server", "add-agent", "Ann Agent <ann@example.com>", *where)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token.startswith("odk_") and len(done.stdout.splitlines()) == 1
    assert "shown once" in done.stderr

    database = (tmp_path / "srv" / "server.db").read_bytes()
    assert token.encode() not in database
    assert token_hash(token).encode() in database
    listed = json.loads(run_cli("server", "agents", "--json", *where).stdout)
    assert listed == [
        {
            "name": "Ann Agent",
            "email": "ann@example.com",
            "admin": False,
            "tokens": 1,
            "revoked": 0,
        }
    ]


def test_revoking_an_agent_without_live_tokens_exits_1(tmp_path: Path) -> None:
    where = ["--data-dir", str(tmp_path / "srv")]
    run_cli("server", "add-agent", "Ann <ann@example.com>", *where)
    assert run_cli("server", "revoke", "ann@example.com", *where).returncode == 0
    again = run_cli("server", "revoke", "ann@example.com", *where)
    assert again.returncode == 1
    assert again.stderr == "offdesk: ann@example.com has no live token on this server\n"


def test_add_agent_refuses_something_that_is_not_an_agent(tmp_path: Path) -> None:
    done = run_cli("server", "add-agent", "nobody", "--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "is not an agent" in done.stderr
