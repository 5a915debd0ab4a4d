"""JSON Patch restricted to stable paths: add, replace, remove and test on members."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.canonical import canonical_json
from sync.errors import PatchError
from sync.patch import apply_patch, check_op, decode_pointer, diff, encode_pointer

keys = st.text(alphabet="ab/~01 é", max_size=4)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-1000, max_value=1000)
    | st.text(alphabet="xyz~/", max_size=3)
)
trees = st.recursive(
    scalars, lambda inner: st.dictionaries(keys, inner, max_size=4), max_leaves=12
)
docs = st.dictionaries(keys, trees, max_size=5)


def base_doc():
    return {"subject": "Printer", "tags": {"vip": True}, "requester": {"name": "Bo"}}


def test_add_creates_a_member():
    assert apply_patch(base_doc(), [{"op": "add", "path": "/tags/x", "value": True}])[
        "tags"
    ] == {"vip": True, "x": True}


def test_add_to_an_existing_member_replaces_it():
    result = apply_patch(
        base_doc(), [{"op": "add", "path": "/subject", "value": "Fax"}]
    )

    assert result["subject"] == "Fax"


def test_add_at_the_root_replaces_the_whole_document():
    assert apply_patch(base_doc(), [{"op": "add", "path": "", "value": {"a": 1}}]) == {
        "a": 1
    }


def test_add_under_a_missing_parent_fails():
    with pytest.raises(PatchError):
        apply_patch(base_doc(), [{"op": "add", "path": "/custom/os", "value": "x"}])


def test_replace_changes_an_existing_member():
    result = apply_patch(
        base_doc(), [{"op": "replace", "path": "/requester/name", "value": "Al"}]
    )

    assert result["requester"] == {"name": "Al"}


def test_replace_of_a_missing_member_fails():
    with pytest.raises(PatchError):
        apply_patch(base_doc(), [{"op": "replace", "path": "/status", "value": "open"}])


def test_remove_deletes_a_member():
    result = apply_patch(base_doc(), [{"op": "remove", "path": "/tags/vip"}])

    assert result["tags"] == {}


def test_remove_of_a_missing_member_fails():
    with pytest.raises(PatchError):
        apply_patch(base_doc(), [{"op": "remove", "path": "/tags/nope"}])


def test_the_whole_document_cannot_be_removed():
    with pytest.raises(PatchError):
        apply_patch(base_doc(), [{"op": "remove", "path": ""}])


def test_a_passing_test_op_changes_nothing():
    ops = [
        {"op": "test", "path": "/subject", "value": "Printer"},
        {"op": "test", "path": "/tags", "value": {"vip": True}},
        {"op": "test", "path": "", "value": base_doc()},
    ]

    assert apply_patch(base_doc(), ops) == base_doc()


@pytest.mark.parametrize(
    "op",
    [
        {"op": "test", "path": "/subject", "value": "Fax"},
        {"op": "test", "path": "/missing", "value": None},
        {"op": "test", "path": "/tags", "value": {}},
        {"op": "test", "path": "", "value": {}},
    ],
)
def test_a_failing_test_op_fails(op):
    with pytest.raises(PatchError):
        apply_patch(base_doc(), [op])


def test_a_test_op_tells_a_boolean_from_a_number():
    """RFC 6902 compares JSON values: true and 1 are different types."""
    doc = {"flag": True, "count": 1}

    with pytest.raises(PatchError):
        apply_patch(doc, [{"op": "test", "path": "/flag", "value": 1}])
    with pytest.raises(PatchError):
        apply_patch(doc, [{"op": "test", "path": "/count", "value": True}])


def test_a_failing_op_applies_none_of_the_patch():
    doc = base_doc()
    before = copy.deepcopy(doc)

    with pytest.raises(PatchError):
        apply_patch(
            doc,
            [
                {"op": "replace", "path": "/subject", "value": "Fax"},
                {"op": "test", "path": "/subject", "value": "Printer"},
            ],
        )

    assert doc == before


@pytest.mark.parametrize(
    "op",
    [
        {"op": "move", "from": "/subject", "path": "/title"},
        {"op": "copy", "from": "/subject", "path": "/title"},
        {"op": "merge", "path": "/subject", "value": "x"},
        {"path": "/subject", "value": "x"},
        {"op": "add", "path": "subject", "value": "x"},
        {"op": "add", "path": 3, "value": "x"},
        {"op": "add", "path": "/subject"},
        {"op": "remove", "path": "/subject", "value": "x"},
        {"op": "replace", "path": "/subject", "value": "x", "from": "/a"},
        "add /subject",
    ],
)
def test_malformed_or_forbidden_ops_are_refused(op):
    with pytest.raises(PatchError):
        check_op(op)
    with pytest.raises(PatchError):
        apply_patch(base_doc(), [op])


def test_a_path_through_an_array_is_refused():
    doc = {"list": [{"a": 1}]}

    with pytest.raises(PatchError):
        apply_patch(doc, [{"op": "replace", "path": "/list/0/a", "value": 2}])


@given(docs, docs)
def test_apply_patch_never_mutates_its_input(a, b):
    frozen = copy.deepcopy(a)
    ops = diff(a, b)
    frozen_ops = copy.deepcopy(ops)

    result = apply_patch(a, ops)
    _scribble(result)

    assert a == frozen
    assert ops == frozen_ops


def _scribble(value):
    """Change every map in `value` in place, to expose any sharing."""
    if isinstance(value, dict):
        for sub in list(value.values()):
            _scribble(sub)
        value["scribbled"] = True


def test_an_added_value_is_not_shared_with_the_patch():
    value = {"os": "linux"}
    ops = [{"op": "add", "path": "/custom", "value": value}]

    result = apply_patch({}, ops)
    result["custom"]["os"] = "bsd"

    assert value == {"os": "linux"}


def test_pointer_escaping_of_tilde_and_slash():
    assert encode_pointer(("a/b", "c~d", "~1")) == "/a~1b/c~0d/~01"
    assert decode_pointer("/a~1b/c~0d/~01") == ("a/b", "c~d", "~1")
    assert decode_pointer("") == ()
    assert decode_pointer("/") == ("",)


def test_a_pointer_must_start_with_a_slash():
    with pytest.raises(PatchError):
        decode_pointer("tags/x")


@given(st.lists(st.text(alphabet="ab~/01", max_size=5), max_size=5))
def test_pointer_encoding_round_trips(parts):
    assert decode_pointer(encode_pointer(tuple(parts))) == tuple(parts)


@given(docs, docs)
def test_a_diff_applied_to_its_old_document_gives_the_new_one(a, b):
    ops = diff(a, b)

    result = apply_patch(a, ops)

    assert result == b
    assert canonical_json(result) == canonical_json(b)  # types too: true is not 1
    assert all(op["op"] in ("add", "replace", "remove") for op in ops)


@given(docs)
def test_a_document_diffed_with_itself_gives_no_ops(a):
    assert diff(a, copy.deepcopy(a)) == []


def test_diff_tells_a_boolean_from_a_number():
    assert diff({"a": 1}, {"a": True}) == [
        {"op": "replace", "path": "/a", "value": True}
    ]
