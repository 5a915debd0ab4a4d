"""The team's rules as data: checked, normalised and compiled for the stages.

A rules document has up to six sections, each optional:

    groups:      {hardware: [ann, bob]}            members for round-robin
    routing:     [{name, when, set, add_tags, assign: round-robin,
                   continue, run_on: [create, change]}]
    triggers:    [{name, when (must watch a change), set, add_tags,
                   remove_tags, note}]
    validation:  [{name, when, require: [fields], message}]
    sla:         {timezone, hours, holidays, targets, pause_on}
    duplicates:  {window, similarity}

`check` finds every mistake at once, each with the path to it, so a rules
file is either loaded whole or not at all; `RuleSet.compile` turns a checked
document into the objects stages use. The same document, stored as a
snapshot history, is what every replica compiles.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.errors import ValidationError
from desktop.pipeline import fields
from desktop.pipeline.conditions import (
    ALWAYS,
    Compiled,
    Path,
    Problem,
    compile_condition,
)
from desktop.pipeline.hours import DAYS, BusinessCalendar, parse_span
from desktop.pipeline.sla import SlaPolicy
from desktop.ticket import PRIORITIES, STATUSES, check_tag

SECTIONS = ("groups", "routing", "triggers", "validation", "sla", "duplicates")
RULE_KEYS = {
    "routing": ("name", "when", "set", "add_tags", "assign", "continue", "run_on"),
    "triggers": ("name", "when", "set", "add_tags", "remove_tags", "note"),
    "validation": ("name", "when", "require", "message"),
}
ROUND_ROBIN = "round-robin"
RUN_ON = ("create", "change")

DEFAULT_HOURS = {d: ["09:00-17:00"] for d in DAYS[:5]}
DEFAULT_TARGETS = {
    "urgent": {"first_response": 60, "resolution": 4 * 60},
    "high": {"first_response": 4 * 60, "resolution": 8 * 60},
    "normal": {"first_response": 8 * 60, "resolution": 24 * 60},
    "low": {"first_response": 24 * 60, "resolution": 40 * 60},
}
DEFAULT_WINDOW_MINUTES = 72 * 60
DEFAULT_SIMILARITY = 0.6
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*$")


@dataclass(frozen=True)
class Actions:
    set: dict[str, Any] = field(default_factory=dict)
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class RoutingRule:
    name: str
    when: Compiled
    actions: Actions
    round_robin: bool
    stop: bool
    run_on: frozenset[str]


@dataclass(frozen=True)
class Trigger:
    name: str
    when: Compiled
    actions: Actions


@dataclass(frozen=True)
class Requirement:
    name: str
    when: Compiled
    require: tuple[str, ...]
    message: str | None


@dataclass(frozen=True)
class DuplicatePolicy:
    window_seconds: int = DEFAULT_WINDOW_MINUTES * 60
    similarity: float = DEFAULT_SIMILARITY


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules; `doc` is the checked document they came from."""

    doc: dict[str, Any]
    groups: dict[str, tuple[str, ...]]
    routing: tuple[RoutingRule, ...]
    triggers: tuple[Trigger, ...]
    validation: tuple[Requirement, ...]
    sla: SlaPolicy
    duplicates: DuplicatePolicy

    @classmethod
    def compile(cls, doc: dict[str, Any]) -> "RuleSet":
        """Compile a document `check` accepted; anything else raises ValueError."""
        checked, problems = check(doc)
        if problems:
            path, message = problems[0]
            raise ValueError(f"rules at {'/'.join(map(str, path))}: {message}")
        return _compile(checked)


def default_rules() -> RuleSet:
    return RuleSet.compile({})


def check(data: Any) -> tuple[dict[str, Any], list[Problem]]:
    """The normalised document and every mistake in `data`, with its path."""
    problems: list[Problem] = []
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, [((), "a rules file holds a mapping of sections")]
    out: dict[str, Any] = {}
    for key in data:
        if key not in SECTIONS:
            problems.append(
                ((key,), f"{key!r} is not a section; use: {', '.join(SECTIONS)}")
            )
    if "groups" in data:
        out["groups"] = _check_groups(data["groups"], problems)
    groups = out.get("groups", {})
    for section in ("routing", "triggers", "validation"):
        if section in data:
            out[section] = _check_rules(section, data[section], groups, problems)
    if "sla" in data:
        out["sla"] = _check_sla(data["sla"], problems)
    if "duplicates" in data:
        out["duplicates"] = _check_duplicates(data["duplicates"], problems)
    return out, problems


def rule_name(data: Any, path: Path) -> str | None:
    """The name of the rule a path points into, for error messages."""
    if len(path) < 2 or path[0] not in RULE_KEYS or not isinstance(path[1], int):
        return None
    try:
        rule = data[path[0]][path[1]]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(rule, dict) and isinstance(rule.get("name"), str):
        return str(rule["name"])
    return f"#{path[1] + 1}"


def _check_groups(value: Any, problems: list[Problem]) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        problems.append((("groups",), "groups maps a group name to its members"))
        return {}
    out = {}
    for name, members in value.items():
        path = ("groups", name)
        if not isinstance(name, str) or not name.strip():
            problems.append((path, "a group name is text"))
        elif not isinstance(members, list) or not all(
            isinstance(m, str) and m.strip() for m in members
        ):
            problems.append((path, "a group's members are a list of agent names"))
        else:
            out[name.strip()] = [m.strip() for m in members]
    return out


def _check_rules(
    section: str, value: Any, groups: dict[str, list[str]], problems: list[Problem]
) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        problems.append(((section,), f"{section} is a list of rules"))
        return []
    out = []
    names: set[str] = set()
    for i, rule in enumerate(value):
        path: Path = (section, i)
        if not isinstance(rule, dict):
            problems.append((path, "a rule is a mapping with at least a name"))
            continue
        checked = _check_rule(section, rule, path, groups, problems)
        name = checked.get("name")
        if name in names:
            problems.append((path + ("name",), f"another rule is also named {name!r}"))
        names.add(str(name))
        out.append(checked)
    return out


def _check_rule(
    section: str,
    rule: dict[str, Any],
    path: Path,
    groups: dict[str, list[str]],
    problems: list[Problem],
) -> dict[str, Any]:
    allowed = RULE_KEYS[section]
    for key in rule:
        if key not in allowed:
            problems.append(
                (path + (key,), f"{key!r} is not a rule key; use: {', '.join(allowed)}")
            )
    out: dict[str, Any] = {}
    name = rule.get("name")
    if name is not None and not isinstance(name, str):
        problems.append((path + ("name",), f"a rule's name is text, not {name!r}"))
    elif not isinstance(name, str) or not name.strip():
        problems.append((path + ("name",), "every rule needs a name"))
    else:
        out["name"] = name.strip()
    if "when" in rule:
        compiled = compile_condition(rule["when"], path + ("when",), problems)
        if (
            compiled is not None
            and section == "triggers"
            and not compiled.watches_change
        ):
            problems.append(
                (
                    path + ("when",),
                    "a trigger fires when something changes: add a changes_to, "
                    "changes_from, changed or created condition",
                )
            )
        out["when"] = rule["when"]
    elif section == "triggers":
        problems.append((path, "a trigger needs a when condition"))
    if section == "validation":
        out.update(_check_requirement(rule, path, problems))
        return out
    out.update(_check_actions(rule, path, problems))
    if section == "routing":
        out.update(_check_routing(rule, out, path, groups, problems))
    elif not any(k in rule for k in ("set", "add_tags", "remove_tags", "note")):
        # Checked on what was written: a wrong action was reported already.
        problems.append((path, "a trigger needs an action: set, add_tags or note"))
    return out


def _check_requirement(
    rule: dict[str, Any], path: Path, problems: list[Problem]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    require = rule.get("require")
    if not isinstance(require, list) or not require:
        problems.append((path + ("require",), "require lists the fields needed"))
    else:
        for j, name in enumerate(require):
            if not isinstance(name, str) or not fields.is_readable(name):
                problems.append((path + ("require", j), f"{name!r} is not a field"))
        out["require"] = list(require)
    if "message" in rule:
        if not isinstance(rule["message"], str):
            problems.append((path + ("message",), "message is text"))
        else:
            out["message"] = rule["message"]
    return out


def _check_actions(
    rule: dict[str, Any], path: Path, problems: list[Problem]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "set" in rule:
        sets = rule["set"]
        if not isinstance(sets, dict) or not sets:
            problems.append((path + ("set",), "set maps fields to values"))
        else:
            out["set"] = {}
            for name, value in sets.items():
                where = path + ("set", name)
                if not isinstance(name, str) or not fields.is_settable(name):
                    problems.append(
                        (
                            where,
                            f"{name!r} cannot be set by a rule; use one of: "
                            + ", ".join(fields.SETTABLE)
                            + ", custom.<id>",
                        )
                    )
                    continue
                try:
                    out["set"][name] = fields.check_value(name, value)
                except ValidationError as e:
                    problems.append((where, str(e)))
    for key in ("add_tags", "remove_tags"):
        if key in rule:
            out[key] = _check_tags(rule[key], path + (key,), problems)
    if "note" in rule:
        if not isinstance(rule["note"], str) or not rule["note"].strip():
            problems.append((path + ("note",), "note is the text of an internal note"))
        else:
            out["note"] = rule["note"]
    return out


def _check_routing(
    rule: dict[str, Any],
    out: dict[str, Any],
    path: Path,
    groups: dict[str, list[str]],
    problems: list[Problem],
) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if "assign" in rule:
        if rule["assign"] != ROUND_ROBIN:
            problems.append(
                (path + ("assign",), f"assign is {ROUND_ROBIN!r} (or set: assignee)")
            )
        else:
            group = out.get("set", {}).get("group")
            if group is not None and not groups.get(group):
                problems.append(
                    (
                        path + ("assign",),
                        f"round-robin needs members for group {group!r} under groups",
                    )
                )
            extra["assign"] = ROUND_ROBIN
    for key in ("continue",):
        if key in rule:
            if not isinstance(rule[key], bool):
                problems.append((path + (key,), f"{key} is true or false"))
            else:
                extra[key] = rule[key]
    if "run_on" in rule:
        run_on = rule["run_on"]
        if (
            not isinstance(run_on, list)
            or not run_on
            or any(r not in RUN_ON for r in run_on)
        ):
            problems.append(
                (path + ("run_on",), f"run_on lists some of: {', '.join(RUN_ON)}")
            )
        else:
            extra["run_on"] = sorted(set(run_on))
    if not any(k in out for k in ("set", "add_tags")) and "assign" not in extra:
        problems.append((path, "a routing rule needs set, add_tags or assign"))
    return extra


def _check_tags(value: Any, path: Path, problems: list[Problem]) -> list[str]:
    if not isinstance(value, list) or not value:
        problems.append((path, "a list of tags"))
        return []
    out = []
    for j, tag in enumerate(value):
        try:
            out.append(check_tag(str(tag)))
        except ValidationError as e:
            problems.append((path + (j,), str(e)))
    return out


def _check_sla(value: Any, problems: list[Problem]) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.append((("sla",), "sla is a mapping"))
        return {}
    allowed = ("timezone", "hours", "holidays", "targets", "pause_on")
    for key in value:
        if key not in allowed:
            problems.append(
                (("sla", key), f"{key!r} is not an sla key; use: {', '.join(allowed)}")
            )
    out: dict[str, Any] = {}
    zone = value.get("timezone", "UTC")
    try:
        ZoneInfo(str(zone))
        out["timezone"] = str(zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append((("sla", "timezone"), f"{zone!r} is not a known time zone"))
    if "hours" in value:
        out["hours"] = _check_hours(value["hours"], problems)
    if "holidays" in value:
        out["holidays"] = _check_holidays(value["holidays"], problems)
    if "targets" in value:
        out["targets"] = _check_targets(value["targets"], problems)
        _check_reachable(out["targets"], out.get("hours", DEFAULT_HOURS), problems)
    if "pause_on" in value:
        pause = value["pause_on"]
        if not isinstance(pause, list) or any(s not in STATUSES for s in pause):
            problems.append(
                (("sla", "pause_on"), f"pause_on lists statuses: {', '.join(STATUSES)}")
            )
        else:
            out["pause_on"] = sorted(set(pause))
    return out


def _check_hours(value: Any, problems: list[Problem]) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        problems.append((("sla", "hours"), "hours maps days to spans like 09:00-17:00"))
        return {}
    out: dict[str, list[str]] = {}
    wrong = len(problems)
    for key, spans in value.items():
        path: Path = ("sla", "hours", key)
        days = _days(key)
        if days is None:
            problems.append((path, f"{key!r} is not a day or range like mon-fri"))
            continue
        listed = [] if spans is None else spans if isinstance(spans, list) else [spans]
        try:
            parsed = sorted(parse_span(str(s)) for s in listed)
        except ValueError as e:
            hint = ""
            if any("," in str(s) for s in listed):
                hint = '; list several spans, like ["09:00-12:00", "13:00-17:00"]'
            problems.append((path, f"{e}{hint}"))
            continue
        if any(a[1] > b[0] for a, b in zip(parsed, parsed[1:], strict=False)):
            problems.append((path, "working spans of one day overlap"))
            continue
        for day in days:
            out[day] = [str(s).strip() for s in listed]
    if not any(out.values()) and len(problems) == wrong:
        problems.append((("sla", "hours"), "the week has no working hours"))
    return {d: out[d] for d in DAYS if d in out}


def _days(key: Any) -> list[str] | None:
    text = str(key).strip().lower()
    first, sep, last = text.partition("-")
    if first not in DAYS or (sep and last not in DAYS):
        return None
    if not sep:
        return [first]
    lo, hi = DAYS.index(first), DAYS.index(last)
    return list(DAYS[lo : hi + 1]) if lo <= hi else None


def _check_holidays(value: Any, problems: list[Problem]) -> list[str]:
    if not isinstance(value, list):
        problems.append((("sla", "holidays"), "holidays is a list of dates"))
        return []
    out = []
    for j, day in enumerate(value):
        try:
            out.append(date.fromisoformat(str(day)).isoformat())
        except ValueError:
            problems.append((("sla", "holidays", j), f"{day!r} is not a date"))
    return sorted(set(out))


def _check_targets(value: Any, problems: list[Problem]) -> dict[str, dict[str, int]]:
    if not isinstance(value, dict):
        problems.append((("sla", "targets"), "targets maps priorities to times"))
        return {}
    out: dict[str, dict[str, int]] = {}
    for priority, times in value.items():
        path: Path = ("sla", "targets", priority)
        if priority not in PRIORITIES:
            problems.append((path, f"{priority!r} is not a priority"))
            continue
        if not isinstance(times, dict) or not times:
            problems.append((path, "give first_response and/or resolution"))
            continue
        out[priority] = {}
        for target, duration in times.items():
            if target not in ("first_response", "resolution"):
                problems.append(
                    (path + (target,), f"{target!r} is not first_response/resolution")
                )
                continue
            minutes = duration_minutes(duration, days=False)
            if minutes is None or minutes <= 0:
                problems.append(
                    (path + (target,), f"{duration!r} is not a time like 4h or 30m")
                )
                continue
            out[priority][target] = minutes
    return out


def _check_reachable(
    targets: dict[str, dict[str, int]],
    hours: dict[str, list[str]],
    problems: list[Problem],
) -> None:
    """Refuse a target over a year of this week's working time: the calendar
    looks only MAX_DAYS ahead, so such a ticket would quietly get no SLA."""
    weekly = sum(
        hi - lo for spans in hours.values() for lo, hi in map(parse_span, spans)
    )
    if not weekly:
        return
    for priority, times in targets.items():
        for target, minutes in times.items():
            if minutes > weekly * 52:
                problems.append(
                    (
                        ("sla", "targets", priority, target),
                        f"{minutes // 60}h is more than a year of working time "
                        f"({weekly / 60:g}h a week)",
                    )
                )


def _check_duplicates(value: Any, problems: list[Problem]) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.append((("duplicates",), "duplicates is a mapping"))
        return {}
    out: dict[str, Any] = {}
    for key in value:
        if key not in ("window", "similarity"):
            problems.append((("duplicates", key), f"{key!r} is not window/similarity"))
    if "window" in value:
        minutes = duration_minutes(value["window"], days=True)
        if minutes is None or minutes <= 0:
            problems.append(
                (("duplicates", "window"), f"{value['window']!r} is not like 72h or 3d")
            )
        else:
            out["window"] = minutes
    if "similarity" in value:
        similarity = value["similarity"]
        if isinstance(similarity, bool) or not isinstance(similarity, int | float):
            similarity = -1
        if not 0 < similarity <= 1:
            problems.append(
                (("duplicates", "similarity"), "similarity is above 0 and at most 1")
            )
        else:
            out["similarity"] = float(similarity)
    return out


def duration_minutes(value: Any, *, days: bool) -> int | None:
    """`90` (minutes), `4h`, `1h30m`; with `days`, also `3d` (of 24 hours)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.lower())
    if not match or not any(match.groups()) or (match[1] and not days):
        return None
    d, h, m = (int(g or 0) for g in match.groups())
    return d * 1440 + h * 60 + m


def _compile(doc: dict[str, Any]) -> RuleSet:
    groups = {k: tuple(v) for k, v in doc.get("groups", {}).items()}
    routing = tuple(
        RoutingRule(
            r["name"],
            _when(r),
            _actions(r),
            r.get("assign") == ROUND_ROBIN,
            not r.get("continue", False),
            frozenset(r.get("run_on", ["create"])),
        )
        for r in doc.get("routing", [])
    )
    triggers = tuple(
        Trigger(t["name"], _when(t), _actions(t)) for t in doc.get("triggers", [])
    )
    validation = tuple(
        Requirement(v["name"], _when(v), tuple(v["require"]), v.get("message"))
        for v in doc.get("validation", [])
    )
    return RuleSet(
        doc,
        groups,
        routing,
        triggers,
        validation,
        _policy(doc.get("sla", {})),
        DuplicatePolicy(
            doc.get("duplicates", {}).get("window", DEFAULT_WINDOW_MINUTES) * 60,
            doc.get("duplicates", {}).get("similarity", DEFAULT_SIMILARITY),
        ),
    )


def _when(rule: dict[str, Any]) -> Compiled:
    if "when" not in rule:
        return ALWAYS
    problems: list[Problem] = []
    compiled = compile_condition(rule["when"], (), problems)
    assert compiled is not None, problems  # `check` accepted it
    return compiled


def _actions(rule: dict[str, Any]) -> Actions:
    return Actions(
        dict(rule.get("set", {})),
        tuple(rule.get("add_tags", ())),
        tuple(rule.get("remove_tags", ())),
        rule.get("note"),
    )


def _policy(sla: dict[str, Any]) -> SlaPolicy:
    hours = sla.get("hours", DEFAULT_HOURS)
    week = tuple(
        tuple(sorted(parse_span(s) for s in hours.get(day, []))) for day in DAYS
    )
    holidays = frozenset(date.fromisoformat(d) for d in sla.get("holidays", []))
    calendar = BusinessCalendar(sla.get("timezone", "UTC"), week, holidays)
    targets = sla.get("targets", DEFAULT_TARGETS)
    return SlaPolicy(calendar, targets, frozenset(sla.get("pause_on", ["pending"])))
