"""Settings histories edited on two laptops merge like tickets instead of clashing."""

from pathlib import Path

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
