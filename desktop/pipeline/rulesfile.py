"""Reading a rules file (YAML or JSON) so every mistake names its rule and line.

YAML's composer keeps a mark (line, column) on every node, so the file is
composed into nodes first and the values are built from them while the line of
each path is recorded. JSON is parsed strictly by `json` first (its own errors
name the line), then composed the same way for the lines: JSON is YAML.
"""

import json
import logging
import math
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path as FilePath
from typing import Any

import yaml

from desktop.errors import UserError
from desktop.pipeline.conditions import Path, Problem
from desktop.pipeline.errors import RulesError
from desktop.pipeline.rules import check, rule_name

log = logging.getLogger(__name__)

Lines = dict[Path, int]

#: A rules file larger than this is refused unread: a team's rules are a few
#: kilobytes, and PyYAML takes about five seconds a megabyte.
MAX_BYTES = 16 * 2**20

#: At most this many values are built from one file. Far above any team's
#: rules (50,000 routing rules are about 400,000), and it stops a file whose
#: aliases refer to aliases nine deep (a billion values) in about a second.
MAX_VALUES = 2_000_000


_TOO_DEEP = "nested too deeply (more than a rules file ever needs)"


class _TooManyValues(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def load_rules(path: FilePath, fmt: str | None = None) -> dict[str, Any]:
    """The checked rules document in `path`, or RulesError listing every mistake."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read it ({e})") from e
    if len(data) > MAX_BYTES:
        raise UserError(
            f"{path}: too big for a rules file (over {MAX_BYTES // 2**20} MB)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UserError(
            f"{path}: line {line}: not UTF-8 (byte 0x{data[e.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    fmt = fmt or ("json" if path.suffix.lower() == ".json" else "yaml")
    return parse_rules(text, str(path), fmt)


def parse_rules(text: str, source: str, fmt: str = "yaml") -> dict[str, Any]:
    parsed: Any = None
    if fmt == "json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as e:
            raise RulesError(
                source, [f"line {e.lineno}: not JSON ({e.msg}, column {e.colno})"]
            ) from e
        except RecursionError:
            raise RulesError(source, [_TOO_DEEP]) from None
        # JSON allows tabs between tokens where YAML does not; inside strings
        # JSON forbids raw tabs, so swapping them for spaces changes no value.
        text = text.replace("\t", " ")
    data, lines, mistakes = _compose(text, source)
    if mistakes:
        raise RulesError(source, [f"line {n}: {message}" for n, message in mistakes])
    if fmt == "json":
        # The composed values are YAML's reading, which differs for numbers
        # such as 5e-1 (text to YAML 1.1): the lines come from it, the values
        # from JSON. Both have the same keys and items, so the paths agree.
        data = parsed
    odd = list(_not_finite(data, ()))
    if odd:
        raise RulesError(source, [_describe(data, lines, p) for p in odd])
    checked, found = check(data)
    if found:
        raise RulesError(source, [_describe(data, lines, p) for p in found])
    log.debug("read %d sections of rules from %s", len(checked), source)
    return checked


def _not_finite(value: Any, path: Path) -> Iterator[Problem]:
    """NaN, infinities (YAML's .nan, .inf; JSON's NaN) and integers beyond 64
    bits: no rule means one, and the stored rules (canonical JSON) cannot
    hold them."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path, f"{value} is not a finite number"
    elif isinstance(value, int) and not -(2**63) <= value < 2**63:
        yield path, f"{value} is too large a number"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _not_finite(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _not_finite(item, path + (i,))


def _describe(data: Any, lines: Lines, problem: Problem) -> str:
    path, message = problem
    line = _line_of(lines, path)
    where = f"line {line}" if line else "somewhere (no line known)"
    name = rule_name(data, path)
    if name is not None:
        kind = {"routing": "routing rule", "triggers": "trigger"}.get(
            str(path[0]), "validation rule"
        )
        return f'{where}: {kind} "{name}": {message}'
    return f"{where}: {message}"


def _line_of(lines: Lines, path: Path) -> int | None:
    """The line of `path`, or of the nearest enclosing part the file has."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _compose(text: str, source: str) -> tuple[Any, Lines, list[tuple[int, str]]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        lines: Lines = {}
        mistakes: list[tuple[int, str]] = []
        data = _build(loader, node, (), lines, mistakes, 0, [MAX_VALUES])
        return data, lines, mistakes
    except _TooManyValues as e:
        raise RulesError(
            source,
            [
                f"line {e.line}: too many values (over {MAX_VALUES:,}); "
                "are aliases (*name) expanding into each other?"
            ],
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        raise RulesError(source, [f"line {line}: not YAML ({e.problem})"]) from e
    except yaml.YAMLError as e:
        raise RulesError(source, [f"not YAML ({e})"]) from e
    except RecursionError:
        # The composer recurses per level of brackets; the depth check in
        # `_build` comes too late for thousands of them.
        raise RulesError(source, [_TOO_DEEP]) from None
    finally:
        loader.dispose()


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: Path,
    lines: Lines,
    mistakes: list[tuple[int, str]],
    depth: int,
    budget: list[int],
) -> Any:
    """The value of `node`, recording the line of `path` and of all below it.

    `budget` holds how many more values may be built: an alias builds its
    anchor's whole value again, so aliases of aliases multiply.
    """
    line = node.start_mark.line + 1
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooManyValues(line)
    lines[path] = line
    if depth > 50:
        mistakes.append((line, "nested too deeply (an alias loop?)"))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node)
            if not isinstance(key, str):
                mistakes.append(
                    (key_node.start_mark.line + 1, f"key {key!r} must be text")
                )
                continue
            if key in out:
                mistakes.append(
                    (key_node.start_mark.line + 1, f"{key!r} is given twice")
                )
            out[key] = _build(
                loader, value_node, path + (key,), lines, mistakes, depth + 1, budget
            )
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, path + (i,), lines, mistakes, depth + 1, budget)
            for i, item in enumerate(node.value)
        ]
    value = _scalar(loader, node)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A scalar's value; one YAML cannot build (`2026-02-30` looks like a date
    but is none) stays the text it was, for the rule checks to name."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError):
        return node.value
