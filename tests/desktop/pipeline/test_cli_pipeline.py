"""`offdesk quarantine | pipeline | rules`, end to end in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

RULES = """\
validation:
  - name: Outages need a type
    when: {text: outage}
    require: [type]
routing:
  - name: Printers to hardware
    when: {text: printer}
    set: {group: hardware}
"""


@pytest.fixture
def offdesk(cli_dir: Path):
    """Run `python -m desktop.cli --data-dir DIR ARGS`; returns the process."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--data-dir", str(cli_dir), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            cwd=REPO,
            timeout=60,
        )

    return run


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """A problem the user can fix: exit 1 and one line on stderr."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("offdesk: ")
    return line


def test_rules_load_show_and_a_mistake_naming_the_rule_and_line(
    offdesk, tmp_path: Path
):
    good = tmp_path / "rules.yaml"
    good.write_text(RULES, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULES.replace("require: [type]", "require: [kind]"), "utf-8")

    assert "loaded" in ok(offdesk("rules", "load", str(good)))
    line = refused(offdesk("rules", "load", str(bad)))
    shown = json.loads(ok(offdesk("rules", "show", "--json")))

    assert 'line 4: validation rule "Outages need a type"' in line
    assert "'kind' is not a field" in line
    assert shown["validation"][0]["require"] == ["type"]  # the bad file changed nothing


def test_an_interactive_change_a_stage_rejects_exits_1_and_stores_nothing(
    offdesk, tmp_path: Path
):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    ok(offdesk("rules", "load", str(rules)))

    line = refused(
        offdesk("new", "--subject", "Mail outage", "--requester", "a@example.com")
    )
    created = ok(
        offdesk("new", "--subject", "Printer smokes", "--requester", "a@example.com")
    )
    shown = json.loads(ok(offdesk("show", created.strip(), "--json")))

    assert "refused by the validate stage" in line and "nothing was stored" in line
    assert [t["subject"] for t in json.loads(ok(offdesk("list", "--json")))] == [
        "Printer smokes"
    ]
    assert shown["group"] == "hardware"
    assert set(shown["sla"]) >= {"first_response_due", "resolution_due", "breached"}
    assert shown["sla"]["breached"] is False


def test_pipeline_list_disable_enable_and_move_take_effect_at_once(offdesk):
    listed = json.loads(ok(offdesk("pipeline", "list", "--json")))
    ok(offdesk("pipeline", "disable", "duplicates"))
    moved = json.loads(
        ok(offdesk("pipeline", "move", "routing", "--before", "normalize", "--json"))
    )
    ok(offdesk("new", "--subject", "Same", "--requester", "a@example.com"))
    second = json.loads(
        ok(
            offdesk(
                "new", "--subject", "Same", "--requester", "a@example.com", "--json"
            )
        )
    )
    unknown = refused(offdesk("pipeline", "enable", "dedupe"))

    assert [s["name"] for s in listed] == [
        "normalize",
        "validate",
        "duplicates",
        "routing",
        "sla",
        "triggers",
    ]
    assert [s["name"] for s in moved][:2] == ["routing", "normalize"]
    assert [s["enabled"] for s in moved if s["name"] == "duplicates"] == [False]
    assert second["tags"] == []  # duplicates is off
    assert "no stage named 'dedupe'" in unknown


def test_import_quarantine_fix_retry_and_drop(offdesk, tmp_path: Path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    ok(offdesk("rules", "load", str(rules)))
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "subject,requester\nMail outage,a@example.com\n"
        "Web outage,b@example.com\nPrinter jam,c@example.com\n",
        encoding="utf-8",
    )

    imported = ok(offdesk("import", str(rows), "--format", "csv"))
    held = json.loads(ok(offdesk("quarantine", "list", "--json")))
    first, second = (item["id"] for item in held)
    shown = json.loads(ok(offdesk("quarantine", "show", str(first), "--json")))
    still = offdesk("quarantine", "retry", str(first))

    rules.write_text(RULES.split("routing:")[0].replace("[type]", "[subject]"), "utf-8")
    ok(offdesk("rules", "load", str(rules)))
    retried = ok(offdesk("quarantine", "retry", str(first)))
    dropped = ok(offdesk("quarantine", "drop", str(second), "--reason", "sent twice"))
    remaining = ok(offdesk("quarantine", "list"))
    history = json.loads(ok(offdesk("quarantine", "list", "--all", "--json")))
    tickets = json.loads(ok(offdesk("list", "--json")))

    assert "imported 1 ticket, skipped 0, quarantined 2" in imported
    assert [i["stage"] for i in held] == ["validate", "validate"]
    assert shown["input"]["doc"]["subject"] == "Mail outage"
    assert "still held: the validate stage says" in refused(still)
    assert f"quarantine item {first} committed to ticket" in retried
    assert f"quarantine item {second} dropped" in dropped
    assert remaining.strip() == "quarantine is empty"
    assert [(i["status"], i["resolution"]) for i in history][1] == (
        "dropped",
        "sent twice",
    )
    assert history[0]["status"] == "committed" and history[0]["attempts"] == 2
    assert sorted(t["subject"] for t in tickets) == ["Mail outage", "Printer jam"]


def test_an_unknown_quarantine_item_is_a_plain_error(offdesk):
    line = refused(offdesk("quarantine", "show", "7"))

    assert line == "offdesk: no quarantine item 7"


def test_loading_a_file_with_only_sla_rules_does_not_say_no_rules_are_in_force(
    offdesk, tmp_path: Path
):
    path = tmp_path / "sla.yaml"
    path.write_text(
        "sla:\n  timezone: Europe/Helsinki\n"
        "  targets: {urgent: {first_response: 1h}}\n",
        encoding="utf-8",
    )

    done = offdesk("rules", "load", str(path))

    assert done.returncode == 0, done.stderr
    assert "none are in force" not in done.stdout
    assert "sla" in done.stdout


def test_a_held_import_row_is_fixed_by_retrying_it_with_the_missing_field(
    offdesk, tmp_path: Path
):
    """The rule is right and the row is wrong: the agent supplies the field."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    ok(offdesk("rules", "load", str(rules)))
    rows = tmp_path / "rows.csv"
    rows.write_text("subject,requester\nTotal outage,a@example.com\n", "utf-8")
    ok(offdesk("import", str(rows), "--format", "csv"))
    [item] = json.loads(ok(offdesk("quarantine", "list", "--json")))

    bad = refused(offdesk("quarantine", "retry", str(item["id"]), "--set", "type=x"))
    assert "type" in bad and "incident" in bad
    assert (
        json.loads(ok(offdesk("quarantine", "list", "--json")))[0]["id"] == item["id"]
    )

    fixed = ok(
        offdesk(
            "quarantine",
            "retry",
            str(item["id"]),
            *("--set", "type=incident", "--set", "assignee=me"),
        )
    )

    assert f"quarantine item {item['id']} committed to ticket" in fixed
    [ticket] = json.loads(ok(offdesk("list", "--json")))
    assert (ticket["subject"], ticket["type"]) == ("Total outage", "incident")
    assert ticket["assignee"] == "ann@example.com"  # "me" is the agent
    assert ok(offdesk("quarantine", "list")).strip() == "quarantine is empty"
