"""Qt-free helpers: graph lanes for a branch and merge, the search box language."""

from pathlib import Path

from desktop import bundles
from desktop.desk import Desk
from desktop.search_syntax import parse
from desktop.store.store import Store
from desktop.ui.graph import BOTTOM, MIDDLE, TOP, layout
from tests.conftest import AGENT
from tests.desktop.ui.conftest import REQUESTER


def test_a_merge_opens_a_second_lane_that_joins_back(tmp_path: Path):
    with Store(tmp_path / "a") as a, Store(tmp_path / "b") as b:
        Desk(a).set_agent(AGENT)
        Desk(b).set_agent("Bea <bea@example.com>")
        ticket = Desk(a).create(subject="x", requester=REQUESTER)["doc"]["id"]
        bundles.create(a, tmp_path / "1.bundle", None, [])
        bundles.apply(b, tmp_path / "1.bundle")
        Desk(a).edit(ticket, [("group", "one")])
        Desk(b).edit(ticket, [("priority", "high")])
        bundles.create(b, tmp_path / "2.bundle", None, [])
        bundles.apply(a, tmp_path / "2.bundle")
        rows = layout(a.history(ticket))
    merge, *branches, root = rows
    assert merge.snapshot.is_merge and merge.lane == 0
    assert (0, MIDDLE, 1, BOTTOM) in merge.segments  # the second parent's lane
    assert {r.lane for r in branches} == {0, 1}
    assert root.lane == 0 and (1, TOP, 0, MIDDLE) in root.segments  # joins back
    assert max(r.width for r in rows) == 2


def test_search_words_and_filters_are_told_apart():
    parsed = parse("status:open,pending priority:high tag:vpn assignee:me printer jam")
    assert parsed.status == ["open", "pending"]
    assert parsed.priority == ["high"] and parsed.tags == ["vpn"]
    assert parsed.assignee == "me" and parsed.text == "printer jam"
    assert parsed.problems == []


def test_a_filter_being_typed_is_not_an_error_but_a_wrong_one_is_reported():
    assert parse("status:").problems == []
    assert parse("status:op").problems == ["status:op"]
    assert parse("is:conflict").conflicts_only
    assert parse("url:http://x").text == "url:http://x"  # not a filter key
