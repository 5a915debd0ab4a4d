"""Conditions in rules files, compiled into functions of (before, after, created).

A condition is a small JSON/YAML mapping:

    {field: priority, is: urgent}        {field: subject, contains: printer}
    {field: requester.domain, in: [a.com, b.com]}
    {field: subject, matches: "^re:"}    {field: assignee, empty: true}
    {field: status, changes_to: solved}  {field: tags, changes_to: vip}
    {field: group, changes_from: tier1}  {field: priority, changed: true}
    {text: refund}     (subject or description contains it)
    {tag: vip}         {created: true}
    {all: [...]}       {any: [...]}      {not: {...}}

Text comparisons ignore case. On a set field (tags) `contains`/`is` test
membership and `changes_to`/`changes_from` mean added/removed. Compiling checks
everything once and reports each mistake with its path, so a rule that loaded
cannot fail to evaluate later, with one exception: a `matches` pattern that
backtracks for longer than `MATCH_SECONDS` on some text raises RuleMisfired.
Patterns run on the `regex` engine, which can be stopped that way (Python's
`re` cannot), so a rule like `(a|aa)+$` holds one change instead of hanging
every laptop it reaches.
"""

from collections.abc import Callable
from typing import Any

import regex

from desktop.pipeline import fields
from desktop.pipeline.errors import RuleMisfired

Doc = dict[str, Any]
Predicate = Callable[[Doc | None, Doc, bool], bool]
Path = tuple[str | int, ...]
Problem = tuple[Path, str]

#: How long one `matches` pattern may search one value.
MATCH_SECONDS = 0.1

#: Operators that look at what the change did, not only at the result.
CHANGE_OPS = ("changes_to", "changes_from", "changed")
VALUE_OPS = (
    "is",
    "is_not",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "matches",
    "empty",
    *CHANGE_OPS,
)
SHAPES = ("all", "any", "not", "text", "tag", "created", "field")


class Compiled:
    """A compiled condition and whether it depends on what changed."""

    __slots__ = ("test", "watches_change")

    def __init__(self, test: Predicate, watches_change: bool) -> None:
        self.test = test
        self.watches_change = watches_change


def always(before: Doc | None, after: Doc, created: bool) -> bool:
    return True


ALWAYS = Compiled(always, False)


def compile_condition(
    cond: Any, path: Path, problems: list[Problem]
) -> Compiled | None:
    """Compile `cond`, appending (path, message) for each mistake found."""
    if not isinstance(cond, dict) or not cond:
        problems.append((path, "a condition is a mapping such as {field: F, is: V}"))
        return None
    shapes = [k for k in cond if k in SHAPES]
    if len(shapes) != 1:
        problems.append((path, "a condition has exactly one of: " + ", ".join(SHAPES)))
        return None
    shape = shapes[0]
    if shape == "field":
        return _compile_field(cond, path, problems)
    extra = [k for k in cond if k != shape]
    if extra:
        problems.append((path + (extra[0],), f"{extra[0]!r} does not go with {shape}"))
        return None
    value = cond[shape]
    if shape in ("all", "any"):
        return _compile_group(shape, value, path + (shape,), problems)
    if shape == "not":
        inner = compile_condition(value, path + ("not",), problems)
        if inner is None:
            return None
        test = inner.test
        return Compiled(lambda b, a, c: not test(b, a, c), inner.watches_change)
    if shape == "created":
        if not isinstance(value, bool):
            problems.append((path + ("created",), "created is true or false"))
            return None
        return Compiled(lambda b, a, c: c is value, True)
    if not isinstance(value, str) or not value.strip():
        problems.append((path + (shape,), f"{shape} needs some text"))
        return None
    needle = value.strip().casefold()
    if shape == "text":
        return Compiled(
            lambda b, a, c: (
                needle in a["subject"].casefold()
                or needle in a["description"].casefold()
            ),
            False,
        )
    return Compiled(lambda b, a, c: _has_member(a["tags"], needle), False)


def _compile_group(
    shape: str, value: Any, path: Path, problems: list[Problem]
) -> Compiled | None:
    if not isinstance(value, list) or not value:
        problems.append((path, f"{shape} takes a non-empty list of conditions"))
        return None
    parts = [compile_condition(c, path + (i,), problems) for i, c in enumerate(value)]
    if any(p is None for p in parts):
        return None
    tests = tuple(p.test for p in parts if p is not None)
    watches = any(p.watches_change for p in parts if p is not None)
    if shape == "all":
        return Compiled(lambda b, a, c: all(t(b, a, c) for t in tests), watches)
    return Compiled(lambda b, a, c: any(t(b, a, c) for t in tests), watches)


def _compile_field(cond: dict[str, Any], path: Path, problems: list[Problem]) -> Any:
    name = cond["field"]
    if not isinstance(name, str) or not fields.is_readable(name):
        problems.append(
            (
                path + ("field",),
                f"{name!r} is not a field; use one of: "
                + ", ".join(fields.READABLE)
                + ", custom.<id>",
            )
        )
        return None
    ops = [k for k in cond if k != "field"]
    unknown = [k for k in ops if k not in VALUE_OPS]
    if unknown:
        problems.append(
            (
                path + (unknown[0],),
                f"{unknown[0]!r} is not an operator; use one of: "
                + ", ".join(VALUE_OPS),
            )
        )
        return None
    if len(ops) != 1:
        problems.append((path, f"give one operator for field {name!r}"))
        return None
    op = ops[0]
    value = cond[op]
    test = _field_test(name, op, value, path + (op,), problems)
    if test is None:
        return None
    return Compiled(test, op in CHANGE_OPS)


def _field_test(
    name: str, op: str, value: Any, path: Path, problems: list[Problem]
) -> Predicate | None:
    get = fields.getter(name)
    is_set = name in fields.SET_FIELDS
    if op in ("empty", "changed"):
        if not isinstance(value, bool):
            problems.append((path, f"{op} is true or false"))
            return None
        if op == "empty":
            return lambda b, a, c: _empty(get(a)) is value
        return lambda b, a, c: (_value(get, b) != get(a)) is value
    if op == "matches":
        try:
            pattern = regex.compile(str(value), regex.IGNORECASE | regex.VERSION0)
        except regex.error as e:
            problems.append((path, f"{value!r} is not a regular expression ({e})"))
            return None
        return lambda b, a, c: _matches(pattern, get(a))
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            problems.append((path, f"{op} takes a non-empty list of values"))
            return None
        if not _possible(name, value, path, problems):
            return None
        wanted = frozenset(_fold(v) for v in value)
        if op == "in":
            return lambda b, a, c: _fold(get(a)) in wanted
        return lambda b, a, c: _fold(get(a)) not in wanted
    if isinstance(value, dict | list):
        problems.append((path, f"{op} takes one value"))
        return None
    target = _fold(value)
    if op in ("contains", "not_contains"):
        if target is None or target == "":
            problems.append((path, f"{op} needs some text"))
            return None
        found = _member_test(get, target) if is_set else _text_test(get, str(target))
        if op == "contains":
            return found
        return lambda b, a, c: not found(b, a, c)
    if is_set:
        return _set_test(get, op, target)
    if not _possible(name, [value], path, problems):
        return None
    if op == "is":
        return lambda b, a, c: _fold(get(a)) == target
    if op == "is_not":
        return lambda b, a, c: _fold(get(a)) != target
    if op == "changes_to":
        return lambda b, a, c: _fold(get(a)) == target and _was(get, b) != target
    return lambda b, a, c: _was(get, b) == target and _fold(get(a)) != target


def _possible(
    name: str, values: list[Any], path: Path, problems: list[Problem]
) -> bool:
    """Whether a field of fixed choices can hold each value compared with it: a
    rule waiting for `priority: mega` would load and quietly never fire."""
    allowed = fields.CHOICES.get(name)
    if allowed is None:
        return True
    # An unset type is null; empty is the way to ask for it, but null is fine.
    wrong = [v for v in values if v is not None and _fold(v) not in allowed]
    if wrong:
        problems.append(
            (path, f"{name} is never {wrong[0]!r}; use one of: {', '.join(allowed)}")
        )
        return False
    return True


def _set_test(get: Any, op: str, target: Any) -> Predicate:
    member = _member_test(get, target)
    if op == "is":
        return member
    if op == "is_not":
        return lambda b, a, c: not member(b, a, c)
    if op == "changes_to":
        return lambda b, a, c: member(b, a, c) and (b is None or not member(b, b, c))
    return lambda b, a, c: b is not None and member(b, b, c) and not member(b, a, c)


def _member_test(get: Any, target: Any) -> Predicate:
    return lambda b, a, c: _has_member(get(a), target)


def _text_test(get: Any, needle: str) -> Predicate:
    def test(b: Doc | None, a: Doc, c: bool) -> bool:
        value = get(a)
        return isinstance(value, str) and needle in value.casefold()

    return test


def _has_member(members: Any, target: Any) -> bool:
    if not isinstance(members, dict):
        return False
    return target in members or any(_fold(m) == target for m in members)


def _fold(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _value(get: Any, doc: Doc | None) -> Any:
    return None if doc is None else get(doc)


def _was(get: Any, doc: Doc | None) -> Any:
    return None if doc is None else _fold(get(doc))


def _matches(pattern: regex.Pattern[str], value: Any) -> bool:
    if value is None:
        return False
    try:
        return pattern.search(str(value), timeout=MATCH_SECONDS) is not None
    except TimeoutError as e:
        raise RuleMisfired(
            f"the pattern {pattern.pattern!r} searched for over {MATCH_SECONDS:g} s "
            "without an answer; simplify it and retry"
        ) from e
