"""The ticket document's fields, their allowed values, people and derived subjects."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.errors import ValidationError
from desktop.ticket import (
    PRIORITIES,
    STATUSES,
    TYPES,
    Person,
    check_email,
    derive_subject,
    new_document,
    parse_person,
    set_field,
)


def document():
    return new_document(
        subject="Printer on fire",
        requester=Person("Bob", "bob@example.com"),
        provisional="TEST-1",
    )


@pytest.mark.parametrize(
    ("field", "allowed"),
    [("status", STATUSES), ("priority", PRIORITIES), ("type", TYPES)],
)
def test_a_bad_choice_names_the_field_and_lists_every_allowed_value(field, allowed):
    with pytest.raises(ValidationError) as caught:
        set_field(document(), field, "bogus")

    message = str(caught.value)
    assert caught.value.field == field
    assert message.startswith(f"{field}:")
    assert "bogus" in message
    for value in allowed:
        assert value in message


@pytest.mark.parametrize(
    ("field", "allowed"),
    [("status", STATUSES), ("priority", PRIORITIES), ("type", TYPES)],
)
def test_every_allowed_choice_is_accepted(field, allowed):
    for value in allowed:
        doc = document()
        set_field(doc, field, value)
        assert doc[field] == value


def test_a_new_document_with_a_bad_status_is_refused():
    with pytest.raises(ValidationError, match="^status:"):
        new_document(
            subject="x",
            requester=Person("Bob", None),
            provisional="TEST-1",
            status="resolved",
        )


def test_an_unknown_field_is_refused_listing_the_editable_ones():
    with pytest.raises(ValidationError) as caught:
        set_field(document(), "colour", "red")

    assert caught.value.field == "colour"
    assert "status" in str(caught.value)
    assert "custom.<id>" in str(caught.value)


@pytest.mark.parametrize("field", ["id", "created", "comments", "tags"])
def test_system_fields_cannot_be_set(field):
    with pytest.raises(ValidationError, match=f"^{field}:"):
        set_field(document(), field, "x")


@pytest.mark.parametrize(
    "email",
    [
        "alice",
        "alice@",
        "@example.com",
        "alice@example",
        "alice example@example.com",
        "alice@exa mple.com",
        "alice@@example.com",
        "alice@bob@example.com",
        "<alice@example.com>",
        "alice@example.",
        "alice@.example.com",
        "alice@example..com",
        "",
    ],
)
def test_a_malformed_email_is_refused(email):
    with pytest.raises(ValidationError) as caught:
        check_email("requester.email", email)

    assert caught.value.field == "requester.email"


@pytest.mark.parametrize(
    "email", ["alice@example.com", "a.b+tag@mail.example.co.uk", "x_y@host-1.fi"]
)
def test_a_wellformed_email_is_accepted(email):
    assert check_email("requester.email", f"  {email} ") == email


def test_setting_a_malformed_requester_email_is_refused():
    with pytest.raises(ValidationError, match="^requester.email:"):
        set_field(document(), "requester.email", "not-an-address")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bob Smith <bob@example.com>", Person("Bob Smith", "bob@example.com")),
        ('"Smith, Bob" <bob@example.com>', Person("Smith, Bob", "bob@example.com")),
        ("  Bob   <bob@example.com>  ", Person("Bob", "bob@example.com")),
        ("<bob@example.com>", Person(None, "bob@example.com")),
        ("bob@example.com", Person(None, "bob@example.com")),
        ("Tiến Nguyễn <tien@example.vn>", Person("Tiến Nguyễn", "tien@example.vn")),
    ],
)
def test_parse_person_reads_the_usual_forms(text, expected):
    assert parse_person("requester", text) == expected


def test_a_bare_name_is_a_person_when_email_is_optional():
    assert parse_person("requester", "Bob Smith", email_required=False) == Person(
        "Bob Smith", None
    )


@pytest.mark.parametrize("text", ["Bob Smith", ""])
def test_a_bare_name_is_refused_when_email_is_required(text):
    with pytest.raises(ValidationError, match="^agent:"):
        parse_person("agent", text)


def test_an_empty_person_is_refused_even_when_email_is_optional():
    with pytest.raises(ValidationError):
        parse_person("requester", "   ", email_required=False)


@pytest.mark.parametrize("text", ["Bob <bob>", "Bob <>", "bob@@example.com"])
def test_a_person_with_a_malformed_email_is_refused(text):
    with pytest.raises(ValidationError, match="^requester:"):
        parse_person("requester", text, email_required=False)


def test_person_text_round_trips():
    person = Person("Bob Smith", "bob@example.com")

    assert parse_person("x", str(person)) == person


def test_a_short_first_line_is_the_subject_unchanged():
    assert derive_subject("\n\n  Printer on fire  \nsecond line") == "Printer on fire"


def test_a_long_first_line_is_cut_at_a_word_with_an_ellipsis():
    line = (
        "The printer on the third floor has been making a grinding noise since "
        "Monday and now it refuses to print anything at all"
    )

    subject = derive_subject(line)

    assert subject == (
        "The printer on the third floor has been making a grinding noise since Monday…"
    )
    assert len(subject) <= 80


words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöễ", min_size=1, max_size=12),
    min_size=1,
    max_size=30,
)


@given(words)
def test_a_derived_subject_is_a_whole_word_prefix_of_the_line(parts):
    line = " ".join(parts)

    subject = derive_subject(line + "\nmore")

    if len(line) <= 80:
        assert subject == line
    else:
        assert subject.endswith("…")
        assert len(subject) <= 80
        kept = subject[:-1]
        assert line.startswith(kept)
        # Cut at a word boundary unless the line has no space in its last half.
        if " " in line[40:79]:
            assert line[len(kept)] == " "


def test_a_line_without_spaces_is_cut_hard():
    subject = derive_subject("x" * 200)

    assert subject == "x" * 79 + "…"
