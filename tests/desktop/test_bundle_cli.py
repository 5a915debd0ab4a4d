"""`offdesk bundle`, `show --json` conflicts, `resolve` and `log --graph`, end to end.

Each test runs `python -m desktop.cli --data-dir DIR ...` in a subprocess.
Tickets and edits a test merely needs are made in-process (and the store
closed again), so only the commands under test pay for a Python start-up.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import bundles
from desktop.desk import Desk
from desktop.render import ticket_json
from desktop.store.store import Store

REPO = Path(__file__).resolve().parents[2]
REQUESTER = "Rita Requester <rita@example.com>"


def offdesk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        cwd=REPO,
        timeout=60,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("offdesk: ")
    return lines[0]


def in_process(data_dir: Path, agent: str | None = None) -> Store:
    store = Store(data_dir)
    if agent:
        Desk(store).set_agent(agent)
    return store


def carry(src: Path, dst: Path, bundle: Path) -> list[dict]:
    """A bundle from one data dir to another, in-process (not under test here)."""
    with in_process(src) as store:
        bundles.create(store, bundle, None, [])
    with in_process(dst) as store:
        return bundles.apply(store, bundle)


def edit(data_dir: Path, ref: str, **fields: str) -> str:
    with in_process(data_dir) as store:
        record = Desk(store).edit(ref, list(fields.items()))
    return str(record["heads"][0])


def shown(data_dir: Path, ref: str) -> dict:
    with in_process(data_dir) as store:
        return ticket_json(Desk(store).record(ref))


def make_pair(root: Path) -> tuple[Path, Path, str]:
    ann, bob = root / "ann", root / "bob"
    in_process(ann, "Ann Agent <ann@example.com>").close()
    in_process(bob, "Bob Agent <bob@example.com>").close()
    with in_process(ann) as store:
        record = Desk(store).create(subject="Printer on fire", requester=REQUESTER)
    return ann, bob, str(record["doc"]["provisional"])


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path, str]:
    return make_pair(tmp_path)


@pytest.fixture(scope="module")
def diverged_template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Ann and Bob retitled one ticket while apart; Ann applied Bob's bundle."""
    root = tmp_path_factory.mktemp("diverged")
    ann, bob, ref = make_pair(root)
    carry(ann, bob, root / "start.bundle")
    anns = edit(ann, ref, subject="Printer smoking")
    bobs = edit(bob, ref, subject="Printer fixed")
    with in_process(bob) as store:
        bundles.create(store, root / "bob.bundle", None, [])
    applied = offdesk(ann, "bundle", "apply", str(root / "bob.bundle"))
    return {"root": root, "ref": ref, "ann": anns, "bob": bobs, "applied": applied}


@pytest.fixture
def diverged(diverged_template: dict, tmp_path: Path) -> dict:
    """A private copy of the diverged pair, so a test may change it."""
    for name in ("ann", "bob"):
        shutil.copytree(diverged_template["root"] / name, tmp_path / name)
    return {
        **diverged_template,
        "ann_dir": tmp_path / "ann",
        "bob_dir": tmp_path / "bob",
    }


# -- bundle create and apply ---------------------------------------------------


def test_bundle_create_and_apply_report_what_they_did(pair, tmp_path):
    ann, bob, ref = pair
    bundle = tmp_path / "to-bob.bundle"
    made = ok(offdesk(ann, "bundle", "create", str(bundle)))
    assert made.startswith("wrote 1 snapshot to ")
    assert "--since 1" in made

    first = ok(offdesk(bob, "bundle", "apply", str(bundle)))
    assert first.split() == [ref, "new"]
    again = ok(offdesk(bob, "bundle", "apply", str(bundle)))
    assert again.split() == [ref, "unchanged"]
    assert shown(bob, ref) == shown(ann, ref)


def test_bundle_create_since_an_earlier_bundle_carries_only_new_snapshots(
    pair, tmp_path
):
    ann, _, ref = pair
    with in_process(ann) as store:
        bundles.create(store, tmp_path / "monday.bundle", None, [])
    edit(ann, ref, status="open")
    since = str(tmp_path / "monday.bundle")
    made = offdesk(
        ann,
        "bundle",
        "create",
        str(tmp_path / "tue.bundle"),
        "--since",
        since,
        "--json",
    )
    assert json.loads(ok(made))["snapshots"] == 1


def test_a_damaged_bundle_exits_1_with_one_line_and_applies_nothing(pair, tmp_path):
    ann, bob, _ = pair
    bundle = tmp_path / "to-bob.bundle"
    with in_process(ann) as store:
        bundles.create(store, bundle, None, [])
    data = bundle.read_bytes()
    bundle.write_bytes(data[: len(data) // 2])

    result = offdesk(bob, "bundle", "apply", str(bundle))
    line = one_error_line(result)
    assert "truncated" in line
    assert line.endswith("nothing was applied")
    assert result.stdout == ""
    with in_process(bob) as store:
        assert store.snapshot_count() == 0


def test_a_file_that_is_not_a_bundle_exits_1_with_one_line(pair, tmp_path):
    _, bob, _ = pair
    notes = tmp_path / "notes.txt"
    notes.write_text("remember the milk\n", encoding="utf-8")
    line = one_error_line(offdesk(bob, "bundle", "apply", str(notes)))
    assert "not a bundle" in line


def test_a_folder_given_as_a_bundle_is_named_as_one(pair, tmp_path):
    _, bob, _ = pair
    line = one_error_line(offdesk(bob, "bundle", "apply", str(tmp_path)))
    assert "is a folder, not a bundle file" in line
    assert "Errno" not in line


# -- conflicts, the graph, resolve -------------------------------------------------


def test_applying_concurrent_edits_prints_conflict_and_show_lists_it(diverged):
    ref = diverged["ref"]
    assert ok(diverged["applied"]).split() == [ref, "conflict"]

    data = json.loads(ok(offdesk(diverged["ann_dir"], "show", ref, "--json")))
    (conflict,) = data["conflicts"]
    assert conflict["field"] == "subject"
    for version in (conflict["kept"], *conflict["others"]):
        assert {"value", "author", "device", "wall_time"} <= set(version)
    values = {conflict["kept"]["value"], *(o["value"] for o in conflict["others"])}
    assert values == {"Printer smoking", "Printer fixed"}
    assert data["subject"] == conflict["kept"]["value"]
    assert data["deleted"] is False


def test_log_graph_draws_both_branches_and_their_merge(diverged):
    text = ok(offdesk(diverged["ann_dir"], "log", diverged["ref"], "--graph"))
    lines = text.splitlines()
    merges = [ln for ln in lines if "  merge  " in ln]
    assert len(merges) == 1
    assert lines[0] == merges[0]  # the newest snapshot
    assert merges[0].startswith("*")
    for branch in (diverged["ann"], diverged["bob"]):
        (row,) = [ln for ln in lines if branch[:12] in ln]
        assert row.startswith(("* ", "| * "))
    assert any(ln.startswith("| *") for ln in lines), text
    connectors = {ln.rstrip() for ln in lines}
    assert "| \\" in connectors, text  # the merge opens a second lane
    assert "| /" in connectors, text  # where the branches forked
    assert lines[-1].endswith("created")


def test_resolve_keep_clears_the_conflict_on_both_replicas(diverged, tmp_path):
    ann, bob, ref = diverged["ann_dir"], diverged["bob_dir"], diverged["ref"]
    kept = shown(ann, ref)["subject"]
    out = ok(offdesk(ann, "resolve", ref, "subject", "--keep"))
    assert out.strip() == f"{ref}: subject resolved"

    with in_process(ann) as store:
        bundles.create(store, tmp_path / "settled.bundle", None, [])
    applied = ok(offdesk(bob, "bundle", "apply", str(tmp_path / "settled.bundle")))
    assert applied.split() == [ref, "fast-forward"]
    for data_dir in (ann, bob):
        data = shown(data_dir, ref)
        assert (data["subject"], data["conflicts"]) == (kept, [])


def test_resolve_with_a_value_clears_the_conflict_on_both_replicas(diverged, tmp_path):
    ann, bob, ref = diverged["ann_dir"], diverged["bob_dir"], diverged["ref"]
    carry(ann, bob, tmp_path / "a.bundle")
    ok(offdesk(bob, "resolve", ref, "subject", "--value", "Printer replaced"))

    carry(bob, ann, tmp_path / "settled.bundle")
    for data_dir in (ann, bob):
        data = shown(data_dir, ref)
        assert (data["subject"], data["conflicts"]) == ("Printer replaced", [])


def test_delete_then_show_json_says_deleted(pair):
    ann, _, ref = pair
    assert "deleted" in ok(offdesk(ann, "delete", ref))
    assert shown(ann, ref)["deleted"] is True
