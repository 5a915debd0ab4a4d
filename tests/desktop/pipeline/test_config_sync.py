"""Settings histories edited on two laptops merge like tickets instead of clashing."""

from pathlib import Path

import pytest

from desktop import bundles
from desktop.desk import Desk
from desktop.pipeline.config import read_doc, write_doc
from desktop.store.store import Store
from sync.ids import TicketId
from sync.snapshot import genesis

RULES = TicketId("config:rules")


def _laptop(path: Path, agent: str) -> Store:
    store = Store(path)
    Desk(store).set_agent(agent)
    return store


def _swap(ann: Store, bob: Store, folder: Path) -> None:
    """Each laptop applies a bundle of everything the other holds."""
    bundles.create(ann, folder / "a.bundle", None, [])
    bundles.create(bob, folder / "b.bundle", None, [])
    bundles.apply(bob, folder / "a.bundle")
    bundles.apply(ann, folder / "b.bundle")


def _settle_keeping_what_is_in_force(folder: Path, bob: Store) -> None:
    """Ann writes the rules in force again, unchanged, and carries them to
    Bob: keeping a version changes no value, yet must settle the conflict."""
    ann = Store(folder / "ann")
    in_force = read_doc(ann, RULES)
    with ann.write():
        assert write_doc(ann, RULES, in_force, "Ann <ann@example.com>")
    bundles.create(ann, folder / "settled.bundle", None, [])
    bundles.apply(bob, folder / "settled.bundle")
    for store in (ann, bob):
        assert store.history(RULES).state().conflicts == []
        assert read_doc(store, RULES) == in_force
        store.close()


def test_two_laptops_editing_rules_offline_share_one_first_snapshot(tmp_path):
    ann = _laptop(tmp_path / "ann", "Ann <ann@example.com>")
    bob = _laptop(tmp_path / "bob", "Bob <bob@example.com>")
    with ann.write():
        write_doc(ann, RULES, {"team": {"name": "Ann's"}}, "Ann <ann@example.com>")
    with bob.write():
        write_doc(bob, RULES, {"extra": {"on": True}}, "Bob <bob@example.com>")

    bundles.create(ann, tmp_path / "a.bundle", None, [])
    bundles.create(bob, tmp_path / "b.bundle", None, [])
    to_bob = bundles.apply(bob, tmp_path / "a.bundle")
    to_ann = bundles.apply(ann, tmp_path / "b.bundle")

    rules = [o for o in to_bob + to_ann if o["ticket"] == RULES]
    assert rules and all(not o["rejected"] for o in rules)
    assert read_doc(ann, RULES) == read_doc(bob, RULES)
    assert read_doc(ann, RULES)["extra"] == {"on": True}
    assert genesis(RULES).id in ann.history(RULES).by_id
    ann.close()
    bob.close()


def test_rules_two_admins_changed_at_once_are_shown_and_writing_them_settles_it(
    tmp_path, capsys
):
    """Both laptops wrote `routing`: one version is in force, the other is
    shown with its author, and writing the rules again clears it everywhere."""
    from desktop import cli

    ann = _laptop(tmp_path / "ann", "Ann <ann@example.com>")
    bob = _laptop(tmp_path / "bob", "Bob <bob@example.com>")
    with ann.write():
        write_doc(ann, RULES, {"routing": ["ann's"]}, "Ann <ann@example.com>")
    with bob.write():
        write_doc(bob, RULES, {"routing": ["bob's"]}, "Bob <bob@example.com>")
    _swap(ann, bob, tmp_path)
    ann.close()
    bob.close()

    assert cli.main(["rules", "show", "--data-dir", str(tmp_path / "ann")]) == 0
    warning = capsys.readouterr().err
    assert "config:rules routing was changed on two laptops at once" in warning
    assert "Ann <ann@example.com>" in warning and "Bob <bob@example.com>" in warning
    assert "load the rules you want in force" in warning

    _settle_keeping_what_is_in_force(tmp_path, Store(tmp_path / "bob"))
    capsys.readouterr()
    assert cli.main(["rules", "show", "--data-dir", str(tmp_path / "bob")]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("first", "ann_doc", "bob_doc"),
    [
        # Bob removed the section Ann edited inside: the removal is in force.
        (
            {"sla": {"timezone": "UTC", "hours": {}}},
            {"sla": {"timezone": "Europe/Helsinki", "hours": {}}},
            {"groups": {"desk": ["bob"]}},
        ),
        # A key with a dot in it, edited on both laptops.
        (
            {"groups": {"it.eu": ["ann"]}},
            {"groups": {"it.eu": ["ann", "cy"]}},
            {"groups": {"it.eu": ["bob"]}},
        ),
    ],
)
def test_any_settings_conflict_is_shown_and_settled_by_the_next_write(
    tmp_path, capsys, first, ann_doc, bob_doc
):
    from desktop import cli

    ann = _laptop(tmp_path / "ann", "Ann <ann@example.com>")
    with ann.write():
        write_doc(ann, RULES, first, "Ann <ann@example.com>")
    bundles.create(ann, tmp_path / "first.bundle", None, [])
    bob = _laptop(tmp_path / "bob", "Bob <bob@example.com>")
    bundles.apply(bob, tmp_path / "first.bundle")
    with ann.write():
        write_doc(ann, RULES, ann_doc, "Ann <ann@example.com>")
    with bob.write():
        write_doc(bob, RULES, bob_doc, "Bob <bob@example.com>")
    _swap(ann, bob, tmp_path)
    assert ann.history(RULES).state().conflicts
    ann.close()

    assert cli.main(["rules", "show", "--data-dir", str(tmp_path / "ann")]) == 0
    assert "changed on two laptops at once" in capsys.readouterr().err

    _settle_keeping_what_is_in_force(tmp_path, bob)


def test_a_ticket_edited_in_the_bundle_that_brings_new_sla_targets_is_timed_by_them(
    tmp_path,
):
    ann = _laptop(tmp_path / "ann", "Ann <ann@example.com>")
    bob = _laptop(tmp_path / "bob", "Bob <bob@example.com>")
    ticket = Desk(ann).create(subject="VPN down", requester="Cy <cy@example.com>")
    ref = ticket["doc"]["provisional"]
    _swap(ann, bob, tmp_path)
    cursor = ann.last_seq()
    due_before = bob.ticket_record(ticket["doc"]["id"])["sla"]["resolution_due"]

    # The rules change first, then the ticket: one bundle carries both, so
    # the ticket's rows are rewritten after the rules have changed.
    with ann.write():
        write_doc(
            ann,
            RULES,
            {"sla": {"targets": {"normal": {"resolution": 60 * 24 * 30}}}},
            "Ann <ann@example.com>",
        )
    Desk(ann).edit(ref, [("subject", "VPN down for everyone")])
    bundles.create(ann, tmp_path / "new.bundle", str(cursor), [])
    bundles.apply(bob, tmp_path / "new.bundle")

    for store in (ann, bob):
        sla = store.ticket_record(ticket["doc"]["id"])["sla"]
        assert sla["resolution_due"] > due_before
    assert (
        bob.ticket_record(ticket["doc"]["id"])["sla"]
        == ann.ticket_record(ticket["doc"]["id"])["sla"]
    )
    ann.close()
    bob.close()
