"""`offdesk remote set` and `offdesk sync` as an agent runs them, exit codes too."""

import json
import os
import stat
from pathlib import Path

from tests.sync.servers import ServerProcess, free_port, run_cli

ANN = "Ann Agent <ann@example.com>"
BOB = "Bob Agent <bob@example.com>"


def laptop(tmp_path: Path, name: str, agent: str) -> dict[str, str]:
    env = {"OFFDESK_DATA_DIR": str(tmp_path / name)}
    assert run_cli("init", "--agent", agent, env=env).returncode == 0
    return env


def test_sync_json_reports_what_moved_and_show_json_matches_on_both_laptops(
    central: ServerProcess, tmp_path: Path
) -> None:
    ann, bob = laptop(tmp_path, "ann", ANN), laptop(tmp_path, "bob", BOB)
    for env, agent in ((ann, ANN), (bob, BOB)):
        done = run_cli(
            "remote", "set", central.url, "--token", central.add_agent(agent), env=env
        )
        assert done.returncode == 0, done.stderr
        assert f"now syncs with {central.url}" in done.stdout
        assert "no OS keyring is available" in done.stderr
    tokens = tmp_path / "ann" / "remote-tokens.json"
    assert stat.S_IMODE(os.stat(tokens).st_mode) == 0o600
    ref = run_cli("new", "--subject", "Printer on fire", "--requester", "R <r@x.io>",
                  env=ann).stdout.strip()  # fmt: skip

    first = run_cli("sync", "--json", env=ann)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert {"sent", "received", "merged", "conflicts", "numbers", "warnings"} <= set(
        summary
    )
    assert summary["sent"] == 1
    assert summary["numbers"] == [
        {"ticket": summary["numbers"][0]["ticket"], "provisional": ref, "number": 1}
    ]
    human = run_cli("sync", env=bob)
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith(f"synced with {central.url}: sent 0, received 2")

    shown = [run_cli("show", "#1", "--json", env=env).stdout for env in (ann, bob)]
    assert shown[0] == shown[1]
    assert json.loads(shown[0])["ref"] == "#1"
    alias = run_cli("show", ref, "--json", env=ann)
    assert json.loads(alias.stdout)["ref"] == "#1"


def test_sync_with_no_server_listening_exits_1_saying_it_cannot_reach_it(
    tmp_path: Path,
) -> None:
    env = laptop(tmp_path, "ann", ANN)
    url = f"http://127.0.0.1:{free_port()}"
    run_cli("remote", "set", url, "--token", "odk_whatever", env=env)
    done = run_cli("sync", env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"offdesk: cannot reach the sync server at {url} (connection refused); "
        "check the address and the network, then sync again"
    ]


def test_sync_with_an_unknown_token_exits_1_saying_the_server_refused_it(
    central: ServerProcess, tmp_path: Path
) -> None:
    env = laptop(tmp_path, "ann", ANN)
    run_cli("remote", "set", central.url, "--token", "odk_made_up", env=env)
    done = run_cli("sync", env=env)
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"offdesk: the server at {central.url} refused the token: the token is not "
        "known to this server;"
    )


def test_sync_with_a_revoked_token_exits_1_saying_it_was_revoked(
    central: ServerProcess, tmp_path: Path
) -> None:
    env = laptop(tmp_path, "ann", ANN)
    run_cli("remote", "set", central.url, "--token", central.add_agent(ANN), env=env)
    revoked = central.cli("server", "revoke", "ann@example.com")
    assert revoked.returncode == 0, revoked.stderr
    done = run_cli("sync", env=env)
    assert done.returncode == 1
    assert "refused: the token was revoked on" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sync_without_a_remote_exits_1_saying_how_to_set_one(tmp_path: Path) -> None:
    done = run_cli("sync", env=laptop(tmp_path, "ann", ANN))
    assert done.returncode == 1
    assert "run: offdesk remote set URL --token TOKEN" in done.stderr
