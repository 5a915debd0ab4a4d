"""The duplicates stage: flag and link a likely repeat, never drop it."""

from desktop.desk import Desk
from desktop.pipeline.backend import MemoryBackend
from desktop.pipeline.stages.duplicates import (
    FIELD,
    TAG,
    DuplicatesStage,
    similarity,
    subject_words,
)
from desktop.pipeline.store_backend import StoreBackend
from desktop.store.store import Store
from desktop.ticket import Person
from tests.desktop.pipeline.conftest import REQUESTER, creation, document, rules_from

RULES = rules_from("duplicates: {window: 24h, similarity: 0.5}")


def remembered(backend: MemoryBackend, **fields) -> str:
    change = creation(**fields)
    backend.commit(change)
    return change.ticket


def test_a_similar_subject_from_the_same_requester_is_tagged_and_linked():
    backend = MemoryBackend()
    first = remembered(backend, subject="Printer on fire")
    change = creation(subject="RE: printer on fire!", created="2026-01-05T12:00:00Z")

    assert DuplicatesStage().process(change, RULES, backend).ok

    assert change.doc["tags"][TAG] is True
    assert change.doc["custom"][FIELD] == first
    assert [n.event for n in change.notes] == ["flag_duplicate"]


def test_the_same_requester_is_matched_ignoring_the_case_of_the_address():
    backend = MemoryBackend()
    remembered(backend, requester=Person("Bob", "Bob@Example.com"))
    change = creation(requester=Person(None, "bob@example.com"))

    DuplicatesStage().process(change, RULES, backend)

    assert TAG in change.doc["tags"]


def test_another_requester_a_different_subject_or_an_old_ticket_is_no_duplicate():
    backend = MemoryBackend()
    remembered(backend, subject="Printer on fire", created="2026-01-01T10:00:00Z")
    remembered(backend, subject="Invoice missing")
    cases = [
        creation(requester=Person("Eve", "eve@example.com")),
        creation(subject="VPN drops every hour"),
        creation(subject="Printer on fire", created="2026-01-09T10:00:00Z"),
    ]
    for change in cases:
        assert DuplicatesStage().process(change, RULES, backend).ok
        assert TAG not in change.doc["tags"], change.doc["subject"]


def test_the_most_similar_and_then_the_oldest_candidate_is_linked():
    backend = MemoryBackend()
    oldest = remembered(backend, subject="printer jam", created="2026-01-05T08:00:00Z")
    remembered(backend, subject="printer jam", created="2026-01-05T09:00:00Z")
    remembered(backend, subject="printer jam on floor", created="2026-01-05T09:30:00Z")
    change = creation(subject="Printer jam")

    DuplicatesStage().process(change, RULES, backend)

    assert change.doc["custom"][FIELD] == oldest


def test_similarity_is_the_overlap_of_words_ignoring_case_and_reply_prefixes():
    assert similarity(subject_words("Re: Printer"), subject_words("printer")) == 1.0
    assert similarity(subject_words("a b"), subject_words("b c")) == 1 / 3
    assert similarity(subject_words(""), subject_words("x")) == 0.0


def test_a_duplicate_created_through_the_desk_is_stored_tagged_never_dropped(
    desk: Desk, store: Store
):
    first = desk.create(subject="Printer on fire", requester=REQUESTER)
    second = desk.create(subject="printer on FIRE", requester="BOB@example.com")

    assert store.ticket_count() == 2
    assert second["doc"]["tags"] == {TAG: True}
    assert second["doc"]["custom"] == {FIELD: first["doc"]["id"]}
    assert first["doc"]["tags"] == {}


def test_candidates_are_found_through_an_index_not_a_scan(desk: Desk, store: Store):
    desk.create(subject="Printer on fire", requester=REQUESTER)
    statements: list[tuple[str, object]] = []

    def trace(cursor: object, sql: str, bindings: object) -> bool:
        statements.append((sql, bindings))
        return True

    store.db.exec_trace = trace
    found = StoreBackend(store).candidates("bob@example.com", None, 0, 2**33)
    store.db.exec_trace = None

    assert len(found) == 1 and len(statements) == 1
    [(sql, args)] = statements
    plan = str(store.db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())
    assert "USING INDEX ix_tickets_requester_email" in plan
    assert "SCAN" not in plan


def test_a_requester_known_only_by_name_is_matched_by_name(desk: Desk):
    desk.create(subject="Bridge closed", requester="OSM Mapper")
    second = desk.create(subject="bridge closed", requester="osm mapper")

    assert TAG in second["doc"]["tags"]


def test_a_deleted_ticket_is_no_candidate(desk: Desk):
    first = desk.create(subject="Printer on fire", requester=REQUESTER)
    desk.delete(first["doc"]["id"])

    second = desk.create(subject="Printer on fire", requester=REQUESTER)

    assert TAG not in second["doc"]["tags"]


def test_a_document_without_requester_details_is_passed_over():
    change = creation(document(requester=Person(None, None)))

    assert DuplicatesStage().process(change, RULES, MemoryBackend()).ok
    assert change.doc["tags"] == {}
