"""Rules files: YAML or JSON, checked whole, every mistake naming its rule and line."""

import time
from pathlib import Path

import pytest

from desktop.errors import UserError
from desktop.pipeline import rulesfile
from desktop.pipeline.errors import RulesError
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.rulesfile import load_rules, parse_rules

GOOD = """\
groups:
  hardware: [ann, bob]
routing:
  - name: Printers
    when: {field: subject, contains: printer}
    set: {group: hardware}
    assign: round-robin
triggers:
  - name: Escalate
    when: {field: priority, changes_to: urgent}
    add_tags: [escalated]
sla:
  timezone: Europe/Helsinki
  hours:
    mon-thu: "08:00-16:00"
    fri: ["08:00-12:00", "13:00-15:00"]
  holidays: [2026-12-24, 2026-12-25]
  targets:
    urgent: {first_response: 30m, resolution: 1h30m}
duplicates: {window: 3d, similarity: 0.8}
"""


def problems(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "rules." + fmt, fmt)
    return caught.value.problems


def test_a_good_file_loads_into_a_normalised_document():
    doc = parse_rules(GOOD, "rules.yaml")

    assert doc["sla"]["targets"] == {"urgent": {"first_response": 30, "resolution": 90}}
    assert doc["sla"]["holidays"] == ["2026-12-24", "2026-12-25"]
    assert doc["sla"]["hours"]["fri"] == ["08:00-12:00", "13:00-15:00"]
    assert doc["duplicates"] == {"window": 3 * 24 * 60, "similarity": 0.8}
    assert RuleSet.compile(doc).routing[0].round_robin


def test_a_mistake_in_a_rule_names_the_rule_and_its_line():
    text = GOOD.replace("field: subject, contains", "field: sbject, contains")

    [problem] = problems(text)

    assert problem.startswith('line 5: routing rule "Printers": ')
    assert "'sbject' is not a field" in problem


def test_every_mistake_is_reported_at_once_and_nothing_is_loaded():
    text = """\
routing:
  - name: First
    set: {priority: critical}
  - set: {group: x}
triggers:
  - name: Never fires
    when: {field: status, is: open}
    add_tags: [x]
"""
    found = problems(text)

    assert found == [
        "line 3: routing rule \"First\": priority: 'critical' is not allowed; "
        "use one of: low, normal, high, urgent",
        'line 4: routing rule "#2": every rule needs a name',
        'line 7: trigger "Never fires": a trigger fires when something changes: '
        "add a changes_to, changes_from, changed or created condition",
    ]


def test_a_json_rules_file_names_lines_too():
    text = """{
  "triggers": [
    {"name": "T",
     "when": {"field": "status", "changes_to": "solved"},
     "add_tags": ["two words"]}
  ]
}
"""
    [problem] = problems(text, "json")

    assert problem.startswith('line 5: trigger "T": tags: ')


def test_broken_syntax_names_the_line():
    [yaml_problem] = problems("routing:\n  - name: x\n   set: [\n")
    [json_problem] = problems('{"routing": [}', "json")

    assert yaml_problem.startswith("line ")
    assert json_problem.startswith("line 1: not JSON")


def test_a_key_given_twice_or_a_key_yaml_reads_as_true_is_refused():
    found = problems("routing:\n  - name: a\n    name: b\n    on: [create]\n")

    assert found == [
        "line 3: 'name' is given twice",
        "line 4: key True must be text",
    ]


def test_sla_mistakes_name_the_line():
    found = problems(
        "sla:\n  timezone: Mars/Olympus\n  hours: {mon: '17:00-09:00'}\n"
        "  targets: {urgent: {first_response: soon}}\n"
    )

    assert found[0].startswith("line 2: ") and "time zone" in found[0]
    assert found[1].startswith("line 3: ") and "ends before it starts" in found[1]
    assert any(p.startswith("line 4: ") and "soon" in p for p in found)


def test_a_holiday_yaml_reads_as_a_date_but_no_calendar_has_is_named_with_its_line():
    found = problems(
        "sla:\n  timezone: UTC\n  holidays:\n    - 2026-12-24\n"
        "    - 2026-02-30\n    - 2026-13-45\n"
    )

    assert found == [
        "line 5: '2026-02-30' is not a date",
        "line 6: '2026-13-45' is not a date",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'sla: {timezone: UTC, hours: {mon-fri: "09:00-12:00, 13:00-17:00"}}',
            [
                "line 1: '12:00, 13:00-17:00' is not a time like 09:00; list several "
                'spans, like ["09:00-12:00", "13:00-17:00"]'
            ],
        ),
        (
            'sla: {timezone: UTC, hours: {mon-fri: "25:00-26:00"}}',
            ["line 1: '25:00' is not a time of day"],
        ),
        (
            "triggers:\n  - name: T\n    when: {field: priority, changes_to: urgent}"
            "\n    note: 5\n",
            ['line 4: trigger "T": note is the text of an internal note'],
        ),
        (
            "routing:\n  - name: 123\n    when: {text: x}\n    set: {priority: high}\n",
            ['line 2: routing rule "#1": a rule\'s name is text, not 123'],
        ),
    ],
)
def test_one_mistake_gives_one_problem_that_says_what_to_write(text, expected):
    assert problems(text) == expected


def test_an_unknown_section_is_refused():
    [problem] = problems("routng: []\n")

    assert problem == (
        "line 1: 'routng' is not a section; use: groups, routing, triggers, "
        "validation, sla, duplicates"
    )


def test_round_robin_into_a_group_without_members_is_refused():
    [problem] = problems(
        "routing:\n  - name: R\n    set: {group: ghosts}\n    assign: round-robin\n"
    )

    assert problem.startswith('line 4: routing rule "R": ')


def test_the_error_message_is_one_line_naming_the_file(tmp_path: Path):
    path = tmp_path / "team.yaml"
    path.write_text("routing: [{set: {group: x}}]\n", encoding="utf-8")

    with pytest.raises(RulesError) as caught:
        load_rules(path)

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path} has a problem, nothing was loaded: line 1")


def test_an_empty_file_means_no_rules(tmp_path: Path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")

    assert load_rules(path) == {}


def test_aliases_that_expand_a_billion_times_are_refused_quickly_with_a_line():
    # Nine levels of nine aliases: 9**9 values if built out, hours of work.
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    text = "\n".join(lines) + "\n"

    started = time.monotonic()
    found = problems(text)

    assert time.monotonic() - started < 10
    assert len(found) == 1
    assert found[0].startswith("line ")
    assert "too many values" in found[0]


def test_a_json_number_in_exponent_notation_is_the_number_json_says():
    # YAML 1.1 reads 5e-1 and 1E3 as text; JSON reads them as numbers.
    text = """{
  "duplicates": {"similarity": 5e-1},
  "routing": [
    {"name": "Thousand", "when": {"field": "custom.n", "is": 1E3},
     "set": {"priority": "high"}}
  ]
}
"""
    doc = parse_rules(text, "rules.json", "json")

    assert doc["duplicates"]["similarity"] == 0.5
    assert doc["routing"][0]["when"]["is"] == 1000.0


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (
            "routing:\n  - name: N\n    when: {field: custom.n, is: .nan}\n"
            "    set: {priority: high}\n",
            "yaml",
        ),
        (
            "routing:\n  - name: N\n    when: {field: custom.n, is: -.inf}\n"
            "    set: {priority: high}\n",
            "yaml",
        ),
        (
            '{"routing": [\n  {"name": "N", "when": {"field": "custom.n", "is": NaN},\n'
            '   "set": {"priority": "high"}}]}',
            "json",
        ),
    ],
)
def test_a_number_that_is_not_finite_is_refused_naming_the_rule_and_line(text, fmt):
    # It cannot be stored (canonical JSON has no NaN): refused at load, not
    # later with a message that names neither the rule nor the line.
    [problem] = problems(text, fmt)

    assert problem.startswith(
        ('line 2: routing rule "N": ', 'line 3: routing rule "N": ')
    )
    assert "not a finite number" in problem


def test_a_number_too_large_to_store_is_refused_naming_its_line():
    text = "sla:\n  targets:\n    urgent: {first_response: 99999999999999999999999}\n"

    [problem] = problems(text)

    assert problem.startswith("line 3: ")
    assert "too large a number" in problem


def test_a_target_longer_than_a_year_of_working_time_is_refused_at_load():
    # 9000h is over four years of 40-hour weeks: the calendar gives up looking
    # that far, so the ticket would silently have no SLA at all.
    text = (
        "sla:\n  hours: {mon-fri: '09:00-17:00'}\n"
        "  targets:\n    low: {resolution: 9000h}\n"
    )

    [problem] = problems(text)

    assert problem.startswith("line 4: ")
    assert "more than a year of working time" in problem


def test_a_target_of_a_few_weeks_of_working_time_loads():
    text = "sla:\n  targets:\n    low: {resolution: 400h}\n"

    assert parse_rules(text, "rules.yaml")["sla"]["targets"]["low"] == {
        "resolution": 400 * 60
    }


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_brackets_nested_a_hundred_thousand_deep_are_a_plain_error(fmt):
    text = "[" * 100_000 + "]" * 100_000

    [problem] = problems(text, fmt)

    assert "nested too deeply" in problem


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("routing:\n  - name: Café\n".encode("latin-1"))

    with pytest.raises(UserError) as caught:
        load_rules(path)

    assert "line 2" in str(caught.value)
    assert "UTF-8" in str(caught.value)


def test_a_file_too_big_for_rules_is_refused_before_it_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(rulesfile, "MAX_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("routing: []\n" + "#" * 2000 + "\n", encoding="utf-8")

    with pytest.raises(UserError) as caught:
        load_rules(path)

    assert "too big" in str(caught.value)
