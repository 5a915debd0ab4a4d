"""The `offdesk` command line, run end to end in a subprocess.

Each subprocess costs a Python start-up, so tickets a test merely needs to exist
are made in-process on the same data dir, and the commands under test run in
the subprocess.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.desk import Desk
from desktop.store.store import Store
from tests.conftest import AGENT, RunCli

REQUESTER = "Bob Requester <bob@example.com>"


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def user_error(result) -> str:
    """A user's mistake: exit 1 and exactly one line on stderr."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("offdesk: ")
    return lines[0]


def subjects(result) -> list[str]:
    return [t["subject"] for t in json.loads(ok(result))]


@pytest.fixture
def one_ticket(cli_dir: Path) -> str:
    """The reference of one ticket in `cli_dir`."""
    with Store(cli_dir) as store:
        created = Desk(store).create(subject="Printer on fire", requester=REQUESTER)
    return created["doc"]["provisional"]


def record(data_dir: Path, ref: str) -> dict:
    with Store(data_dir) as store:
        return Desk(store).record(ref)


# -- exit status -------------------------------------------------------------


def test_offdesk_help_prints_usage_and_exits_0(run_cli: RunCli):
    result = run_cli("--help")

    assert result.returncode == 0
    assert result.stdout.startswith("usage: offdesk")
    for command in ("init", "new", "list", "show", "edit", "comment", "revert"):
        assert command in result.stdout
    assert result.stderr == ""


def test_offdesk_without_a_command_and_no_display_exits_1_with_one_line(
    run_cli: RunCli,
):
    """With no command Offdesk opens its window; with no display to open it on,
    that is the environment's problem: exit 1 and one line saying so, not a
    crash."""
    result = run_cli(
        unset=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"), timeout=30
    )

    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_missing_subject_is_a_usage_error_exiting_2(run_cli: RunCli, cli_dir):
    result = run_cli("new", "--requester", REQUESTER)

    assert result.returncode == 2
    assert "usage: offdesk new" in result.stderr
    assert "--subject" in result.stderr.splitlines()[-1]
    with Store(cli_dir) as store:
        assert store.ticket_count() == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--set", "colour=red"], ["colour", "unknown field"]),
        (["--set", "status=done"], ["status", "'done'", "pending", "on_hold"]),
        (["--set", "requester.email=bob@"], ["requester.email", "bob@"]),
    ],
    ids=["unknown field", "invalid status", "malformed e-mail"],
)
def test_a_bad_edit_exits_1_with_one_line_and_changes_nothing(
    run_cli: RunCli, cli_dir: Path, one_ticket: str, args, words
):
    line = user_error(run_cli("edit", one_ticket, *args))

    for word in words:
        assert word in line
    after = record(cli_dir, one_ticket)
    assert after["doc"]["status"] == "new"
    assert after["doc"]["requester"]["email"] == "bob@example.com"
    assert after["updated"] == after["doc"]["created"]
    with Store(cli_dir) as store:
        assert store.snapshot_count() == 1


def test_a_malformed_requester_email_exits_1_with_one_line(
    run_cli: RunCli, cli_dir: Path
):
    line = user_error(
        run_cli("new", "--subject", "x", "--requester", "Bob <bob@example>")
    )

    assert "requester" in line
    assert "bob@example" in line
    with Store(cli_dir) as store:
        assert store.ticket_count() == 0


def test_a_reference_matching_nothing_exits_1_with_one_line(
    run_cli: RunCli, one_ticket: str
):
    line = user_error(run_cli("show", "ZZZZZZZZ"))

    assert "ZZZZZZZZ" in line


def test_a_reference_matching_several_exits_1_with_one_line(
    run_cli: RunCli, cli_dir: Path
):
    with Store(cli_dir) as store:
        desk = Desk(store)
        ids = [desk.create(subject=s, requester=REQUESTER)["doc"]["id"] for s in "ab"]
    assert ids[0][:4] == ids[1][:4]  # made a moment apart: same time prefix

    line = user_error(run_cli("edit", ids[0][:4], "--set", "status=open"))

    assert ids[0] in line
    assert ids[1] in line


# -- what the commands print -------------------------------------------------

SHOW_KEYS = {
    "id",
    "ref",
    "subject",
    "description",
    "status",
    "priority",
    "type",
    "requester",
    "assignee",
    "group",
    "tags",
    "custom",
    "comments",
    "created",
    "updated",
    "heads",
}


def test_new_prints_the_reference_of_the_ticket_it_made(run_cli: RunCli, cli_dir: Path):
    out = ok(
        run_cli(
            "new",
            "--subject",
            "Printer on fire",
            "--requester",
            REQUESTER,
            "--body",
            "It smokes.\nA lot.",
            "--priority",
            "high",
            "--type",
            "incident",
            "--tag",
            "zebra",
            "--tag",
            "alpha",
        )
    )

    with Store(cli_dir) as store:
        assert out == f"{store.device_prefix}-1\n"
        doc = Desk(store).record(out.strip())["doc"]
    assert doc["subject"] == "Printer on fire"
    assert doc["description"] == "It smokes.\nA lot."
    assert (doc["priority"], doc["type"]) == ("high", "incident")
    assert doc["tags"] == {"alpha": True, "zebra": True}


def test_show_json_has_every_field_of_the_ticket(run_cli: RunCli, cli_dir: Path):
    with Store(cli_dir) as store:
        desk = Desk(store)
        ref = desk.create(
            subject="Printer on fire",
            requester=REQUESTER,
            body="It smokes.",
            priority="high",
            type_="incident",
            tags=["zebra", "alpha"],
        )["doc"]["provisional"]
        desk.edit(ref, [("assignee", "ann"), ("group", "1st line")], ["mid"])
        desk.edit(ref, [("custom.os", "Linux"), ("status", "open")])
        first = desk.comment(ref, "First reply", public=True)
        last = desk.comment(ref, "Then a note", public=False)
        history = desk.history(ref)

    shown = json.loads(ok(run_cli("show", ref, "--json")))

    assert set(shown) >= SHOW_KEYS
    assert shown["id"] == history.order[0].ticket
    assert shown["ref"] == ref
    assert shown["subject"] == "Printer on fire"
    assert shown["description"] == "It smokes."
    assert (shown["status"], shown["priority"]) == ("open", "high")
    assert shown["type"] == "incident"
    assert shown["requester"] == {"name": "Bob Requester", "email": "bob@example.com"}
    assert (shown["assignee"], shown["group"]) == ("ann", "1st line")
    assert shown["tags"] == ["alpha", "mid", "zebra"]
    assert shown["custom"] == {"os": "Linux"}
    comments = shown["comments"]
    assert [c["id"] for c in comments] == [
        *first["doc"]["comments"],
        *(set(last["doc"]["comments"]) - set(first["doc"]["comments"])),
    ]
    assert [(c["body"], c["public"]) for c in comments] == [
        ("First reply", True),
        ("Then a note", False),
    ]
    for comment in comments:
        assert {"id", "author", "body", "public", "created"} <= set(comment)
        assert comment["author"] == AGENT
    assert shown["created"] <= shown["updated"]
    assert shown["heads"] == [history.order[-1].id]


def test_the_data_dir_flag_overrides_the_environment(
    run_cli: RunCli, cli_dir: Path, tmp_path: Path, cli_template: Path
):
    other = tmp_path / "other"
    shutil.copytree(cli_template, other)

    ok(
        run_cli(
            "new",
            "--subject",
            "Elsewhere",
            "--requester",
            REQUESTER,
            "--data-dir",
            str(other),
        )
    )
    listed = subjects(run_cli("--data-dir", str(other), "list", "--json"))

    assert listed == ["Elsewhere"]
    with Store(cli_dir) as store:
        assert store.ticket_count() == 0


def test_init_again_changes_the_agent_but_not_the_device(
    run_cli: RunCli, cli_dir: Path
):
    with Store(cli_dir) as store:
        prefix, device = store.device_prefix, store.device_id

    first = json.loads(ok(run_cli("init", "--agent", "Cy <cy@example.com>", "--json")))
    second = json.loads(ok(run_cli("init", "--agent", "Di <di@example.com>", "--json")))

    assert (first["agent"], second["agent"]) == (
        "Cy <cy@example.com>",
        "Di <di@example.com>",
    )
    assert first["prefix"] == second["prefix"] == prefix
    assert first["device"] == second["device"] == device
    with Store(cli_dir) as store:
        desk = Desk(store)
        assert desk.agent == "Di <di@example.com>"
        assert store.device_prefix == first["prefix"]
        ref = desk.create(subject="x", requester=REQUESTER)["doc"]["provisional"]
    assert ref.startswith(first["prefix"] + "-")


# -- list ----------------------------------------------------------------------


@pytest.fixture
def listed(cli_dir: Path) -> None:
    """Three tickets to filter and sort."""
    with Store(cli_dir) as store:
        desk = Desk(store)
        a = desk.create(
            subject="Alpha printer", requester=REQUESTER, priority="low", tags=["hw"]
        )
        b = desk.create(
            subject="Bravo network",
            requester="Cy <cy@example.com>",
            priority="urgent",
            tags=["net", "hw"],
        )
        desk.create(
            subject="Charlie mail",
            requester="Di <di@example.com>",
            body="The mailbox quota is exceeded",
        )
        desk.edit(b["doc"]["provisional"], [("status", "open"), ("assignee", "ann")])
        desk.edit(a["doc"]["provisional"], [("status", "pending")])


def test_list_json_shows_tickets_without_comments(run_cli: RunCli, listed):
    rows = json.loads(ok(run_cli("list", "--json")))

    assert sorted(r["subject"] for r in rows) == [
        "Alpha printer",
        "Bravo network",
        "Charlie mail",
    ]
    for row in rows:
        assert SHOW_KEYS - {"comments"} <= set(row)
        assert "comments" not in row
    bravo = next(r for r in rows if r["subject"] == "Bravo network")
    assert bravo["tags"] == ["hw", "net"]
    assert (bravo["status"], bravo["assignee"]) == ("open", "ann")


def test_list_filters_by_status_priority_tag_and_assignee(run_cli: RunCli, listed):
    assert sorted(
        subjects(run_cli("list", "--json", "--status", "new", "--status", "pending"))
    ) == ["Alpha printer", "Charlie mail"]
    assert subjects(run_cli("list", "--json", "--priority", "urgent")) == [
        "Bravo network"
    ]
    assert subjects(run_cli("list", "--json", "--tag", "hw", "--tag", "net")) == [
        "Bravo network"
    ]
    assert subjects(run_cli("list", "--json", "--assignee", "ann")) == ["Bravo network"]


def test_list_searches_sorts_and_limits(run_cli: RunCli, listed):
    assert subjects(run_cli("list", "--json", "--search", "quota")) == ["Charlie mail"]
    assert subjects(run_cli("list", "--json", "--sort", "priority")) == [
        "Alpha printer",
        "Charlie mail",
        "Bravo network",
    ]
    assert subjects(run_cli("list", "--json", "--sort=-subject", "--limit", "2")) == [
        "Charlie mail",
        "Bravo network",
    ]


def test_list_search_takes_the_search_box_filters(run_cli: RunCli, listed):
    def found(query: str) -> list[str]:
        return sorted(subjects(run_cli("list", "--json", "--search", query)))

    assert found("tag:hw") == ["Alpha printer", "Bravo network"]
    assert found("tag:hw status:open") == ["Bravo network"]
    assert found("priority:low,urgent network") == ["Bravo network"]
    assert found("assignee:none") == ["Alpha printer", "Charlie mail"]
    assert found("is:conflict") == []
    assert subjects(run_cli("list", "--json", "--search", "sort:subject tag:hw")) == [
        "Alpha printer",
        "Bravo network",
    ]


def test_list_search_with_a_filter_it_does_not_know_exits_1(run_cli: RunCli, listed):
    line = user_error(run_cli("list", "--search", "priority:bogus printer"))

    assert "priority:bogus is not understood" in line


def test_a_descending_sort_can_be_given_as_its_own_argument(run_cli: RunCli, listed):
    """`--help` says "'-' descends", so `--sort -subject` must work as written."""
    assert subjects(run_cli("list", "--json", "--sort", "-subject")) == [
        "Charlie mail",
        "Bravo network",
        "Alpha printer",
    ]


def test_list_with_an_unknown_sort_is_a_usage_error_exiting_2(run_cli: RunCli, listed):
    result = run_cli("list", "--sort", "colour")

    assert result.returncode == 2
    assert "'colour' is not a sort order" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--limit", "99999999999999999999999"),
        ("list", "--limit", "0"),
        ("list", "--limit", "ten"),
        ("quarantine", "show", "99999999999999999999"),
        ("quarantine", "drop", "-1"),
    ],
)
def test_a_number_out_of_range_is_a_usage_error_exiting_2(run_cli: RunCli, args):
    result = run_cli(*args)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "error: argument" in result.stderr


@pytest.mark.parametrize(
    "ref", ["99999999999999999999999", "#99999999999999999999", "²²²²"]
)
def test_a_ticket_number_no_ticket_can_have_matches_nothing(
    run_cli: RunCli, one_ticket: str, ref: str
):
    line = user_error(run_cli("show", ref))

    assert "no ticket matches" in line


# -- history -----------------------------------------------------------------


def test_log_diff_and_revert_work_together(run_cli: RunCli, cli_dir: Path):
    with Store(cli_dir) as store:
        desk = Desk(store)
        ref = desk.create(subject="Printer", requester=REQUESTER)["doc"]["provisional"]
        desk.edit(ref, [("status", "open")], ["vip"])
        desk.edit(ref, [("priority", "high")])

    log = json.loads(ok(run_cli("log", ref, "--json")))
    newest, middle, root = (e["id"] for e in log)
    assert log[0]["parents"] == [middle]
    assert log[1]["parents"] == [root]
    assert log[2]["parents"] == []
    assert log[2]["summary"] == "created"
    assert {"id", "parents", "author", "clock", "wall_time", "summary"} <= set(log[0])
    assert all(e["author"] == AGENT for e in log)

    diff = ok(run_cli("diff", ref, root[:8], middle[:8]))
    assert '~ status: "new" → "open"' in diff.splitlines()
    assert "+ tags.vip: true" in diff.splitlines()
    assert "priority" not in diff

    reverted = json.loads(ok(run_cli("revert", ref, middle[:10], "--json")))
    assert reverted["status"] == "new"
    assert reverted["tags"] == []
    assert reverted["priority"] == "high"
    assert len(reverted["heads"]) == 1
    assert reverted["heads"][0] not in (newest, middle, root)
    with Store(cli_dir) as store:
        history = Desk(store).history(ref)
    assert len(history) == 4
    assert history.is_ancestor(newest, reverted["heads"][0])


def test_a_reader_that_stops_early_ends_the_output_quietly(cli_dir: Path):
    """`offdesk show REF | head` must not end in a broken-pipe traceback."""
    with Store(cli_dir) as store:
        # Longer than a pipe holds, so the writer is still writing when `head` goes.
        body = "The tray clicks and nothing comes out.\n" * 20_000
        created = Desk(store).create(subject="Printer", requester=REQUESTER, body=body)
    ref = created["doc"]["provisional"]
    env = {**os.environ, "OFFDESK_DATA_DIR": str(cli_dir), "PYTHONIOENCODING": "utf-8"}
    command = f"{shlex.quote(sys.executable)} -m desktop.cli show {ref} | head -c 1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert result.stderr == ""
    assert result.returncode == 0
    assert len(result.stdout) == 1


@pytest.mark.parametrize(
    "args",
    [["--set", "status"], ["--set", "=open"], []],
    ids=["no =", "no field", "none"],
)
def test_an_edit_written_wrongly_is_a_usage_error_exiting_2(
    run_cli: RunCli, cli_dir: Path, one_ticket: str, args
):
    result = run_cli("edit", one_ticket, *args)

    assert result.returncode == 2
    assert "usage: offdesk edit" in result.stderr
    with Store(cli_dir) as store:
        assert store.snapshot_count() == 1


def test_ticket_text_cannot_send_escape_sequences_to_the_terminal(run_cli: RunCli):
    # With normalize off nothing tidies the subject; a replica without that
    # stage could send the same. The terminal must still get no raw escape.
    ok(run_cli("pipeline", "disable", "normalize"))
    ref = ok(run_cli("new", "--subject", "Hi \x1b[2Jthere\x07", "--requester", "Eve"))

    for command in (("show", ref.strip()), ("list",)):
        out = ok(run_cli(*command))
        assert "\x1b" not in out and "\x07" not in out
        assert "Hi ␛[2Jthere␇" in out
    assert json.loads(ok(run_cli("show", ref.strip(), "--json")))["subject"] == (
        "Hi \x1b[2Jthere\x07"
    )


def test_options_of_a_multi_select_are_ticked_and_a_single_value_is_kept(
    run_cli: RunCli, one_ticket: str
):
    ok(run_cli("edit", one_ticket, "--add-option", "custom.os=linux"))
    ok(run_cli("edit", one_ticket, "--add-option", "custom.os=mac"))
    ok(run_cli("edit", one_ticket, "--remove-option", "custom.os=linux"))
    ok(run_cli("edit", one_ticket, "--set", "custom.site=Oulu"))

    line = user_error(run_cli("edit", one_ticket, "--add-option", "custom.site=x"))
    shown = json.loads(ok(run_cli("show", one_ticket, "--json")))

    assert "holds one value" in line
    assert shown["custom"] == {"os": {"mac": True}, "site": "Oulu"}


@pytest.mark.parametrize("command", [["list"], ["show", "ABCD-1"], ["export"]])
def test_a_mistyped_data_dir_is_named_instead_of_showing_an_empty_desk(
    run_cli: RunCli, tmp_path: Path, command: list[str]
):
    typo = tmp_path / "ofdesk-data"

    result = run_cli(*command, data_dir=typo)

    assert result.returncode == 1
    assert result.stderr == (
        f"offdesk: there are no tickets at {typo} yet: check --data-dir, or start "
        'there with: offdesk init --agent "Name <email>"\n'
    )
    assert not typo.exists()


def test_init_with_another_agent_says_whose_changes_follow(run_cli: RunCli):
    again = run_cli("init", "--agent", AGENT)
    other = run_cli("init", "--agent", "Bea Agent <bea@example.com>")

    assert "was " not in again.stdout
    assert other.returncode == 0
    assert other.stdout.rstrip().endswith(
        f"; was {AGENT}: changes from now on are Bea Agent <bea@example.com>'s"
    )


def test_with_json_a_failure_is_also_an_object_on_stdout(run_cli: RunCli):
    result = run_cli("show", "NOPE-1", "--json")

    assert result.returncode == 1
    assert result.stderr.startswith("offdesk: no ticket matches")
    assert json.loads(result.stdout) == {"error": result.stderr[9:].rstrip("\n")}
