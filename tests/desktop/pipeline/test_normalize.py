"""The normalize stage: tidy what a change proposes, nothing else."""

from desktop.pipeline.backend import MemoryBackend
from desktop.pipeline.change import Change, Origin
from desktop.pipeline.rules import default_rules
from desktop.pipeline.stages.normalize import NormalizeStage
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import creation, document

RULES = default_rules()


def run(change: Change) -> Change:
    assert NormalizeStage().process(change, RULES, MemoryBackend()).ok
    return change


def test_text_is_trimmed_and_inner_runs_of_spaces_collapse_in_the_subject():
    change = run(creation(subject="  Printer \t on   fire  ", description="  x \n"))

    assert change.doc["subject"] == "Printer on fire"
    assert change.doc["description"] == "x"
    assert change.last_editor == "normalize"
    assert not change.unchecked  # tidying cannot make a valid ticket invalid


def test_a_requester_tidied_down_to_nothing_is_left_for_validation_to_refuse():
    doc = document()
    doc["requester"] = {"name": "   ", "email": None}

    change = run(creation(doc))

    assert doc["requester"] == {"name": None, "email": None}
    assert change.unchecked


def test_an_email_address_is_lower_cased():
    doc = document()
    doc["requester"] = {"name": " Bob  B ", "email": " Bob@Example.COM "}

    run(creation(doc))

    assert doc["requester"] == {"name": "Bob B", "email": "bob@example.com"}


def test_tags_differing_only_in_case_are_kept_once_in_their_first_spelling():
    doc = document()
    doc["tags"] = {"Urgent": True, "printer": True, "URGENT": True, "urgent": True}

    run(creation(doc))

    assert doc["tags"] == {"Urgent": True, "printer": True}


def test_a_tag_the_ticket_had_wins_over_a_new_spelling_of_it():
    before = document()
    before["tags"] = {"VIP": True}
    after = document()
    after["tags"] = {"vip": True, "VIP": True}

    run(Change.edit(before, after, Origin.INTERACTIVE, AGENT, "2026-01-05T11:00:00Z"))

    assert after["tags"] == {"VIP": True}


def test_values_the_change_did_not_touch_are_left_as_they_were():
    before = document()
    before["requester"]["email"] = "Bob@Example.com"
    before["tags"] = {"a": True, "A": True}
    after = document()
    after["requester"]["email"] = "Bob@Example.com"
    after["tags"] = {"a": True, "A": True}
    after["status"] = "open"

    change = run(
        Change.edit(before, after, Origin.INTERACTIVE, AGENT, "2026-01-05T11:00:00Z")
    )

    assert after["requester"]["email"] == "Bob@Example.com"
    assert after["tags"] == {"a": True, "A": True}
    assert not change.unchecked


def test_a_new_comment_is_trimmed_but_old_ones_are_not():
    before = document()
    before["comments"] = {"old": {"body": " old ", "public": True}}
    after = document()
    after["comments"] = {
        "old": {"body": " old ", "public": True},
        "new": {"body": " new \n", "public": True},
    }

    run(Change.edit(before, after, Origin.INTERACTIVE, AGENT, "2026-01-05T11:00:00Z"))

    assert after["comments"]["old"]["body"] == " old "
    assert after["comments"]["new"]["body"] == "new"


def test_control_characters_are_dropped_from_every_text_a_change_proposes():
    doc = document(
        subject="Bell\x07 and \x1b[31mred\x1b[0m",
        description="line one\r\nline two\x00\x0c\n\tindented\x9b",
    )
    doc["requester"] = {"name": "Eve\x1b]0;pwned\x07", "email": None}
    doc["custom"] = {"asset": "A-1\x7f"}
    doc["comments"] = {
        "01C": {"author": AGENT, "body": "ok\x1b[2J", "public": True, "created": "x"}
    }

    change = run(creation(doc))

    assert doc["subject"] == "Bell and [31mred[0m"
    assert doc["description"] == "line one\nline two\n\tindented"
    assert doc["requester"]["name"] == "Eve]0;pwned"
    assert doc["custom"]["asset"] == "A-1"
    assert doc["comments"]["01C"]["body"] == "ok[2J"
    assert change.last_editor == "normalize"


def test_accents_typed_as_combining_marks_are_composed_in_text_and_tags():
    """macOS writes "é" as "e" plus U+0301; both spellings must be one tag,
    one subject and one requester."""
    doc = document()
    doc["subject"] = "Cafe\u0301 printer"
    doc["description"] = "Re\u0301sume\u0301 attached"
    doc["requester"] = {"name": "Zoe\u0308", "email": None}
    doc["tags"] = {"cafe\u0301": True, "Café": True, "printer": True}

    run(creation(doc))

    assert doc["subject"] == "Café printer"
    assert doc["description"] == "Résumé attached"
    assert doc["requester"]["name"] == "Zoë"
    assert doc["tags"] == {"café": True, "printer": True}
