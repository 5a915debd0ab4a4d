"""Canonical JSON: the byte form every content address is computed over."""

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.canonical import canonical_json, content_id, parse_json

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | texts
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=5)
    ),
    max_leaves=12,
)
documents = st.dictionaries(texts, values, max_size=6)


def reversed_keys(value: Any) -> Any:
    """The same value with every object's keys inserted in the opposite order."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


def test_canonical_json_sorts_keys_and_writes_no_spaces():
    value = {"b": 1, "a": [3, 2, {"z": None, "y": True}], "c": {"k": "v", "j": False}}

    assert canonical_json(value) == (
        b'{"a":[3,2,{"y":true,"z":null}],"b":1,"c":{"j":false,"k":"v"}}'
    )


def test_canonical_json_writes_non_ascii_as_utf8_not_escapes():
    value = {"country": "Việt Nam", "city": "Hämeenlinna", "mark": "✓ 😀"}

    encoded = canonical_json(value)

    assert encoded == (
        '{"city":"Hämeenlinna","country":"Việt Nam","mark":"✓ 😀"}'.encode()
    )
    assert b"\\u" not in encoded


@given(documents)
def test_equal_dicts_built_in_different_key_order_give_the_same_bytes(doc):
    other = reversed_keys(doc)

    assert canonical_json(doc) == canonical_json(other)
    assert content_id(doc) == content_id(other)


@given(documents)
def test_canonical_json_is_sorted_compact_utf8_json(doc):
    expected = json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")

    assert canonical_json(doc) == expected
    assert parse_json(canonical_json(doc)) == doc


@given(documents)
def test_content_id_is_the_sha256_of_the_canonical_bytes(doc):
    assert content_id(doc) == hashlib.sha256(canonical_json(doc)).hexdigest()


def test_different_values_have_different_content_ids():
    assert content_id({"a": 1}) != content_id({"a": "1"})
    assert content_id({"a": True}) != content_id({"a": 1})


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", "{'a': 1}", "[1,]"])
def test_parsing_refuses_json_extensions(text):
    with pytest.raises(ValueError):
        parse_json(text)
