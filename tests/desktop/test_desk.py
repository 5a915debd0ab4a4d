"""What an agent does through a Desk: create, edit, comment, revert, find tickets."""

import pytest

from desktop import render
from desktop.desk import Desk
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.store.queries import TicketFilter, find
from desktop.store.store import Store
from desktop.ticket import Person, new_document
from sync.ids import TicketId

REQUESTER = "Bob Requester <bob@example.com>"


def new_ticket(desk: Desk, subject: str = "Printer on fire") -> dict:
    return desk.create(subject=subject, requester=REQUESTER, body="It smokes.")


def head(record: dict) -> str:
    assert len(record["heads"]) == 1
    return record["heads"][0]


def test_create_edit_comment_and_revert_make_a_linear_history(desk: Desk):
    created = new_ticket(desk)
    ref = created["doc"]["provisional"]
    edited = desk.edit(ref, [("status", "open"), ("priority", "high")], ["vip"])
    commented = desk.comment(ref, "Have you tried turning it off?", public=True)
    reverted = desk.revert(ref, head(edited))

    history = desk.history(ref)
    assert len(history) == 4
    ids = [s.id for s in history.order]
    assert ids == [head(created), head(edited), head(commented), head(reverted)]
    for older, newer in zip(ids, ids[1:], strict=False):
        assert history.is_ancestor(older, newer)
    doc = reverted["doc"]
    assert doc["status"] == "new"
    assert doc["priority"] == "normal"
    assert doc["tags"] == {}
    assert [c["body"] for c in doc["comments"].values()] == [
        "Have you tried turning it off?"
    ]
    assert desk.record(ref) == reverted


def test_an_edit_is_stored_and_shown(desk: Desk, store: Store):
    ref = new_ticket(desk)["doc"]["provisional"]

    desk.edit(ref, [("assignee", "ann"), ("custom.os", "linux")], ["vip", "a/b"])

    doc = desk.record(ref)["doc"]
    assert doc["assignee"] == "ann"
    assert doc["custom"] == {"os": "linux"}
    assert doc["tags"] == {"vip": True, "a/b": True}
    assert store.snapshot_count() == 2


def test_revert_keeps_a_field_changed_again_later(desk: Desk):
    ref = new_ticket(desk)["doc"]["provisional"]
    first = desk.edit(ref, [("status", "open"), ("assignee", "ann")])
    desk.edit(ref, [("status", "pending")])

    doc = desk.revert(ref, head(first))["doc"]

    assert doc["status"] == "pending"
    assert doc["assignee"] is None


def test_reverting_a_comment_tombstones_it_and_keeps_its_body(desk: Desk):
    ref = new_ticket(desk)["doc"]["provisional"]
    commented = desk.comment(ref, "Secret internal note", public=False)
    (comment_id,) = commented["doc"]["comments"]

    doc = desk.revert(ref, head(commented))["doc"]

    comment = doc["comments"][comment_id]
    assert comment["deleted"] is True
    assert comment["body"] == "Secret internal note"
    assert comment["public"] is False


def test_a_tombstoned_comment_is_no_longer_found_by_search(desk: Desk, store: Store):
    ref = new_ticket(desk)["doc"]["provisional"]
    commented = desk.comment(ref, "xylophone", public=True)
    assert len(find(store, TicketFilter(search="xylophone"))) == 1

    desk.revert(ref, head(commented))

    assert find(store, TicketFilter(search="xylophone")) == []


def test_reverting_the_snapshot_that_created_a_ticket_is_refused(desk: Desk):
    created = new_ticket(desk)
    ref = created["doc"]["provisional"]

    with pytest.raises(UserError, match="cannot be reverted"):
        desk.revert(ref, head(created))


def test_reverting_a_removed_multiselect_option_restores_it(desk: Desk):
    """The option comes back even if a later edit removed the field's last option."""
    ticket = TicketId(new_ticket(desk)["doc"]["id"])
    desk.change(ticket, lambda d: d["custom"].update(os={"linux": True, "bsd": True}))
    removed_bsd = desk.change(ticket, lambda d: d["custom"]["os"].pop("bsd"))
    desk.change(ticket, lambda d: d["custom"]["os"].pop("linux"))
    assert desk.record(ticket)["doc"]["custom"] == {}

    doc = desk.revert(ticket, head(removed_bsd))["doc"]

    assert doc["custom"] == {"os": {"bsd": True}}


def test_editing_with_nothing_changed_is_refused(desk: Desk, store: Store):
    ref = new_ticket(desk)["doc"]["provisional"]
    desk.edit(ref, [("status", "open")])
    before = store.snapshot_count()

    with pytest.raises(UserError, match="nothing to change"):
        desk.edit(ref, [("status", "open")])
    with pytest.raises(UserError, match="nothing to change"):
        desk.edit(ref, remove_tags=["not-there"])

    assert store.snapshot_count() == before


def test_an_invalid_edit_stores_nothing(desk: Desk, store: Store):
    ref = new_ticket(desk)["doc"]["provisional"]

    with pytest.raises(ValidationError, match="^status:"):
        desk.edit(ref, [("priority", "high"), ("status", "done")])

    assert store.snapshot_count() == 1
    assert desk.record(ref)["doc"]["priority"] == "normal"


def test_an_empty_comment_is_refused(desk: Desk):
    ref = new_ticket(desk)["doc"]["provisional"]

    with pytest.raises(ValidationError, match="^body:"):
        desk.comment(ref, "   ", public=True)


def test_the_record_at_an_earlier_snapshot_shows_the_old_values(desk: Desk):
    created = new_ticket(desk)
    ref = created["doc"]["provisional"]
    desk.edit(ref, [("subject", "Printer fixed")])

    assert desk.record(ref, at=head(created)[:10])["doc"]["subject"] == (
        "Printer on fire"
    )
    assert desk.record(ref)["doc"]["subject"] == "Printer fixed"


def test_diff_between_two_snapshots_lists_the_changes(desk: Desk):
    created = new_ticket(desk)
    ref = created["doc"]["provisional"]
    edited = desk.edit(ref, [("status", "open")], ["vip"])

    before, ops = desk.diff(ref, head(created), head(edited))

    assert ops == [
        {"op": "replace", "path": "/status", "value": "open"},
        {"op": "add", "path": "/tags/vip", "value": True},
    ]
    assert render.ops_text(ops, before).splitlines() == [
        '~ status: "new" → "open"',
        "+ tags.vip: true",
    ]


def test_an_agent_is_needed_to_change_anything(tmp_path):
    with Store(tmp_path / "no-agent") as bare:
        with pytest.raises(UserError, match="offdesk init"):
            Desk(bare).create(subject="x", requester=REQUESTER)
        assert bare.ticket_count() == 0


# -- references ------------------------------------------------------------


def test_a_ticket_is_found_by_its_full_id(desk: Desk, store: Store):
    ticket = new_ticket(desk)["doc"]["id"]

    assert store.resolve(ticket) == ticket
    assert store.resolve(ticket.lower()) == ticket


def test_a_ticket_is_found_by_its_provisional_number_in_any_case(
    desk: Desk, store: Store
):
    first = new_ticket(desk)["doc"]
    second = new_ticket(desk, "Second")["doc"]
    prefix = store.device_prefix

    assert first["provisional"] == f"{prefix}-1"
    assert second["provisional"] == f"{prefix}-2"
    assert store.resolve(f"{prefix}-2") == second["id"]
    assert store.resolve(f"{prefix.lower()}-1") == first["id"]


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def test_a_unique_id_prefix_finds_the_ticket(desk: Desk, store: Store):
    one = new_ticket(desk)["doc"]["id"]
    two = new_ticket(desk, "Second")["doc"]["id"]
    shared = _common_prefix(one, two)
    length = max(4, len(shared) + 1)

    assert store.resolve(one[:length]) == one
    assert store.resolve(two[:length].lower()) == two


def test_an_ambiguous_id_prefix_is_refused_listing_the_matches(
    desk: Desk, store: Store
):
    one = new_ticket(desk)["doc"]["id"]
    two = new_ticket(desk, "Second")["doc"]["id"]
    shared = _common_prefix(one, two)
    assert len(shared) >= 4  # ULIDs made a moment apart share their time prefix

    with pytest.raises(NotFoundError) as caught:
        store.resolve(shared[:4])

    assert one in str(caught.value)
    assert two in str(caught.value)


@pytest.mark.parametrize("ref", ["ZZZZZZ", "#42", "QQQQ-9", "", "01"])
def test_a_reference_matching_nothing_is_refused(desk: Desk, store: Store, ref):
    new_ticket(desk)

    with pytest.raises(NotFoundError):
        store.resolve(ref)


def test_a_snapshot_reference_needs_four_characters(desk: Desk):
    created = new_ticket(desk)
    ref = created["doc"]["provisional"]
    desk.edit(ref, [("status", "open")])

    with pytest.raises(NotFoundError, match="too short"):
        desk.revert(ref, head(created)[:3])


def test_assignee_me_assigns_the_ticket_to_this_agent(desk: Desk, store: Store):
    ref = desk.create(subject="VPN down", requester=REQUESTER)["doc"]["provisional"]

    desk.edit(ref, [("assignee", " Me ")])

    assert desk.record(ref)["doc"]["assignee"] == "ann@example.com"
    from desktop.search_syntax import me_aliases

    found = find(store, TicketFilter(assignee_in=list(me_aliases(desk.agent))))
    assert [r["doc"]["provisional"] for r in found] == [ref]


def test_a_deleted_ticket_is_not_edited_or_answered_until_restored(
    desk: Desk, store: Store
):
    ref = desk.create(subject="VPN down", requester=REQUESTER)["doc"]["provisional"]
    desk.delete(ref)
    held = store.snapshot_count()

    for attempt in (
        lambda: desk.edit(ref, [("status", "open")]),
        lambda: desk.comment(ref, "Any news?", public=True),
    ):
        with pytest.raises(UserError, match=f"ticket {ref} is deleted; restore it"):
            attempt()
    assert store.snapshot_count() == held

    desk.restore(ref)
    desk.comment(ref, "Any news?", public=True)
    assert len(desk.record(ref)["doc"]["comments"]) == 1


@pytest.mark.parametrize("tag", ["a,b", "two words", ""])
def test_a_tag_with_a_comma_or_a_space_is_refused(desk: Desk, tag: str):
    ref = desk.create(subject="VPN down", requester=REQUESTER)["doc"]["provisional"]

    with pytest.raises(ValidationError, match="no spaces or commas"):
        desk.edit(ref, add_tags=[tag])


def test_tags_are_found_whatever_their_case(desk: Desk, store: Store):
    desk.create(subject="VPN down", requester=REQUESTER, tags=["VPN", "Straße"])

    for spelling in ("vpn", "VPN", "Vpn"):
        assert len(find(store, TicketFilter(tags=[spelling]))) == 1, spelling
    assert len(find(store, TicketFilter(tags=["STRASSE"]))) == 1  # casefold


def test_a_ticket_with_a_tag_from_before_the_comma_rule_stays_editable(
    desk: Desk, store: Store
):
    """An older replica let a comma into a tag; edits must still go through."""
    record = desk.create(subject="VPN down", requester=REQUESTER)
    ticket = TicketId(record["doc"]["id"])
    desk.change(ticket, lambda doc: doc["tags"].update({"a,b": True}))

    desk.edit(record["doc"]["provisional"], [("status", "open")])

    assert desk.record(ticket)["doc"]["tags"] == {"a,b": True}


def test_a_text_too_long_to_travel_is_refused_and_nothing_is_stored(
    desk: Desk, store: Store
):
    """A ticket that could not fit in a bundle line or a sync request would
    stall every later sync; it is refused where it is written."""
    from desktop.ticket import TEXT_MAX

    ref = desk.create(subject="Log attached", requester=REQUESTER)["doc"]["provisional"]
    held = store.snapshot_count()

    with pytest.raises(ValidationError, match="description: is longer than"):
        desk.edit(ref, [("description", "x" * (TEXT_MAX + 1))])
    with pytest.raises(ValidationError, match="is longer than 1,000,000 characters"):
        desk.comment(ref, "y" * (TEXT_MAX + 1), public=False)
    assert store.snapshot_count() == held

    desk.comment(ref, "y" * TEXT_MAX, public=False)  # the limit itself is fine


def test_a_ticket_grown_past_the_document_cap_takes_no_more_comments(
    desk: Desk, store: Store
):
    from desktop.ticket import DOCUMENT_MAX_BYTES, TEXT_MAX

    ref = desk.create(subject="Chatty", requester=REQUESTER)["doc"]["provisional"]
    for _ in range(DOCUMENT_MAX_BYTES // TEXT_MAX):
        desk.comment(ref, "z" * TEXT_MAX, public=True)

    with pytest.raises(ValidationError, match="new ticket"):
        desk.comment(ref, "z" * TEXT_MAX, public=True)


def test_a_ticket_of_many_short_comments_is_measured_whole():
    """The cheap bound must count each comment's keys and author, not only
    its text: 80,000 replies of "ok" make over 11 MB of JSON."""
    from desktop.ticket import check_size

    doc = new_document(
        subject="Chatty", requester=Person("Bob", "bob@example.com"), provisional="X-1"
    )
    for n in range(80_000):
        doc["comments"][f"01J{n:023d}"] = {
            "author": "Ann Agent <ann@example.com>",
            "body": "ok",
            "public": True,
            "created": "2026-12-04T10:00:00.000Z",
        }

    with pytest.raises(ValidationError, match="larger than 8 MiB"):
        check_size(doc)


def test_a_ticket_an_older_version_stored_over_the_caps_can_still_be_closed(
    desk: Desk, store: Store
):
    from desktop.replica import receive
    from desktop.ticket import TEXT_MAX
    from sync.clock import Clock
    from sync.snapshot import authored

    doc = new_document(
        subject="Huge log",
        requester=Person("Bob", "bob@example.com"),
        provisional="OLD-1",
        description="x" * (TEXT_MAX + 10),
    )
    root = authored(
        doc["id"],
        [],
        [{"op": "add", "path": "", "value": doc}],
        "Old Agent <old@example.com>",
        "old-device",
        Clock(1_700_000_000_000, 0),
        "2026-01-01T00:00:00.000Z",
    )
    with store.write():
        receive(store, [root])

    desk.edit("OLD-1", [("status", "closed")])
    desk.comment("OLD-1", "Closing: log received", public=False)
    desk.delete("OLD-1")

    assert desk.record(TicketId(doc["id"]))["doc"]["deleted"] is True


def test_a_tag_is_removed_whatever_case_it_is_named_in(desk: Desk):
    ref = desk.create(subject="VPN down", requester=REQUESTER, tags=["VPN"])
    provisional = ref["doc"]["provisional"]

    desk.edit(provisional, remove_tags=["vpn"])

    assert desk.record(provisional)["doc"]["tags"] == {}


def test_changes_built_on_the_stored_row_leave_it_equal_to_the_full_fold(
    desk: Desk, store: Store
):
    """Edits start from the query row, not a fold of the whole history; the
    row they leave must still be exactly what folding every snapshot gives."""
    record = desk.create(subject="Long", requester=REQUESTER, tags=["a"])
    ticket = TicketId(record["doc"]["id"])
    for n in range(30):
        if n % 3 == 0:
            desk.comment(ticket, f"reply {n}", public=n % 2 == 0)
        elif n % 3 == 1:
            desk.edit(ticket, [("priority", ("low", "high")[n % 2])], [f"t{n}"])
        else:
            desk.edit(ticket, [("custom.floor", str(n))], remove_tags=["a"])
        history = store.history(ticket)
        folded = history.full_state()
        row = store.ticket_record(ticket)
        assert (row["doc"], row["heads"]) == (folded.doc, folded.heads), n
        assert row["updated"] == folded.updated
