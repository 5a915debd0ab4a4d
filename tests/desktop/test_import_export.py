"""Importing CSV and JSON lines, and exporting whole histories that import back.

The CSV sample under tests/data/osm_notes is real OpenStreetMap notes data (see
its README): multilingual text, and line 2 of each file is a stray
`CREATE FUNCTION` that the importer must report.
"""

import csv
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from desktop import render
from desktop.desk import Desk
from desktop.errors import ImportFileError, UserError
from desktop.importer import import_file
from desktop.store.queries import TicketFilter, find
from desktop.store.store import Store
from sync.ids import TicketId
from tests.conftest import AGENT, DATA, RunCli

NOTES = DATA / "osm_notes"
VIET_NAM = NOTES / "49915_viet_nam.csv"
FINLAND = NOTES / "54224_suomi__finland.csv"
OSM_MAPS = [
    "--map",
    "opening_comment=description",
    "--map",
    "opened_by_username=requester.name",
    "--map",
    "opened_at=created",
]


def note_rows(path: Path) -> list[dict[str, str]]:
    """The well-formed notes of a sample file, read independently of Offdesk."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return [dict(zip(header, r, strict=True)) for r in reader if len(r) == 13]


def all_shown(data_dir: Path) -> dict[str, dict]:
    """What `show --json` prints for every ticket, by ticket id."""
    with Store(data_dir) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM tickets")]
        return {i: render.ticket_json(store.ticket_record(TicketId(i))) for i in ids}


def counts(data_dir: Path) -> tuple[int, int]:
    with Store(data_dir) as store:
        return store.ticket_count(), store.snapshot_count()


def test_the_sample_has_good_rows_and_one_stray_line_each():
    for path, good in ((VIET_NAM, 200), (FINLAND, 100)):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[1] == "CREATE FUNCTION"
        assert len(note_rows(path)) == good
        assert all(row["opening_comment"].strip() for row in note_rows(path))


def test_a_csv_with_a_bad_line_imports_nothing_by_default(
    run_cli: RunCli, cli_dir: Path
):
    result = run_cli("import", str(VIET_NAM), "--format", "csv", *OSM_MAPS)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "line 2" in lines[0]
    assert "nothing was imported" in lines[0]
    assert counts(cli_dir) == (0, 0)


def test_skip_bad_imports_every_good_row_and_lists_the_bad_line(
    run_cli: RunCli, cli_dir: Path
):
    result = run_cli(
        "import", str(FINLAND), "--format", "csv", *OSM_MAPS, "--skip-bad", "--json"
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["imported"] == len(note_rows(FINLAND)) == 100
    assert [bad["line"] for bad in report["skipped"]] == [2]
    assert result.stderr.splitlines() == [
        f"offdesk: skipped line 2: {report['skipped'][0]['reason']}"
    ]
    assert counts(cli_dir) == (100, 100)


def test_imported_notes_keep_their_text_requester_and_date(desk: Desk, store: Store):
    maps = OSM_MAPS[1::2]
    report = import_file(desk, VIET_NAM, "csv", maps, skip_bad=True)

    rows = note_rows(VIET_NAM)
    assert report.imported == len(rows) == 200
    docs = [r["doc"] for r in find(store, TicketFilter(limit=None))]
    by_text = {(d["description"], d["requester"]["name"], d["created"]) for d in docs}
    # The normalize stage composes accents (NFC); the text reads the same.
    expected = {
        (
            unicodedata.normalize("NFC", r["opening_comment"]),
            unicodedata.normalize("NFC", r["opened_by_username"]),
            r["opened_at"].replace(" ", "T") + "Z",
        )
        for r in rows
    }
    assert by_text == expected
    assert all(d["subject"] and len(d["subject"]) <= 80 for d in docs)


@pytest.mark.parametrize(
    ("path", "word"),
    [(FINLAND, "Luonnonsuojelualue"), (FINLAND, "paivakoti"), (VIET_NAM, "Bagels")],
)
def test_a_word_from_the_sample_finds_the_note_it_came_from(
    desk: Desk, store: Store, path: Path, word: str
):
    maps = ["opening_comment=description", "opened_by_username=requester.name"]
    import_file(desk, path, "csv", maps, skip_bad=True)
    folded = word.lower()
    expected = [
        r
        for r in note_rows(path)
        if any(
            _fold(token).startswith(folded)
            for token in re.findall(
                r"\w+", r["opening_comment"] + " " + r["opened_by_username"]
            )
        )
    ]
    assert len(expected) == 1

    found = find(store, TicketFilter(search=word))

    assert [r["doc"]["description"] for r in found] == [expected[0]["opening_comment"]]


def _fold(token: str) -> str:
    return token.lower().replace("ä", "a").replace("ö", "o").replace("å", "a")


def test_a_bad_map_field_is_refused_before_the_file_is_read(
    run_cli: RunCli, cli_dir: Path, tmp_path: Path
):
    missing = tmp_path / "does-not-exist.csv"

    result = run_cli(
        "import", str(missing), "--format", "csv", "--map", "opening_comment=body"
    )

    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "'body'" in result.stderr
    assert "does-not-exist" not in result.stderr
    assert counts(cli_dir) == (0, 0)


def write_lines(path: Path, rows: list[object]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


def test_json_lines_import_fills_every_field(desk: Desk, store: Store, tmp_path):
    source = write_lines(
        tmp_path / "tickets.jsonl",
        [
            {
                "subject": "VPN drops every hour",
                "description": "Since Monday.",
                "requester": "Ella Nieminen <ella@example.fi>",
                "status": "open",
                "priority": "high",
                "type": "incident",
                "assignee": "ann",
                "tags": ["vpn", "net"],
                "custom": {"os": "Windows", "sites": {"Oulu": True, "Espoo": True}},
                "created": "2025-11-02T08:30:00Z",
                "comments": [
                    {
                        "body": "Logs attached.",
                        "author": "Ella Nieminen <ella@example.fi>",
                        "public": True,
                        "created": "2025-11-02T09:00:00Z",
                    }
                ],
            },
            {"description": "Näppäimistö ei toimi", "requester": {"name": "Onni"}},
        ],
    )

    report = import_file(desk, source, "jsonl", [])

    assert report.imported == 2
    assert report.bad == []
    docs = {
        r["doc"]["subject"]: r["doc"] for r in find(store, TicketFilter(limit=None))
    }
    vpn = docs["VPN drops every hour"]
    assert vpn["requester"] == {"name": "Ella Nieminen", "email": "ella@example.fi"}
    assert (vpn["status"], vpn["priority"], vpn["type"]) == ("open", "high", "incident")
    assert vpn["assignee"] == "ann"
    assert vpn["tags"] == {"vpn": True, "net": True}
    assert vpn["custom"] == {"os": "Windows", "sites": {"Oulu": True, "Espoo": True}}
    assert vpn["created"] == "2025-11-02T08:30:00Z"
    (comment,) = vpn["comments"].values()
    assert comment["body"] == "Logs attached."
    assert comment["created"] == "2025-11-02T09:00:00Z"
    keyboard = docs["Näppäimistö ei toimi"]
    assert keyboard["requester"] == {"name": "Onni", "email": None}
    assert keyboard["status"] == "new"
    assert len(find(store, TicketFilter(search="nappaimisto"))) == 1


def test_json_lines_with_one_bad_line_import_nothing(
    desk: Desk, store: Store, tmp_path
):
    source = tmp_path / "tickets.jsonl"
    source.write_text(
        json.dumps({"subject": "Good", "requester": "a@example.com"})
        + "\n{not json\n"
        + json.dumps({"subject": "Bad status", "requester": "b@x.org", "status": "x"})
        + "\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportFileError, match="line 2"):
        import_file(desk, source, "jsonl", [])
    assert store.ticket_count() == 0

    report = import_file(desk, source, "jsonl", [], skip_bad=True)
    assert report.imported == 1
    assert [b.line for b in report.bad] == [2, 3]
    assert "status" in report.bad[1].reason


def test_a_bad_map_field_is_refused_in_process_too(desk: Desk, tmp_path):
    with pytest.raises(UserError, match="unknown field 'nonsense'"):
        import_file(desk, tmp_path / "missing.csv", "csv", ["a=nonsense"])


def test_a_unicode_line_separator_inside_a_csv_field_stays_in_the_field(
    desk: Desk, store: Store, tmp_path: Path
):
    """Only CR and LF end CSV records; U+2028 is text, so line 3 is line 3."""
    source = tmp_path / "tickets.csv"
    source.write_text(
        "subject,requester,description\n"
        'Printer,bob@example.com,"first\u2028second"\n'
        "Fax,cy@example.com,one\u2028two\n"
        "Scanner,di@example.com\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportFileError, match=r"line 4\b"):
        import_file(desk, source, "csv", [])
    report = import_file(desk, source, "csv", [], skip_bad=True)

    assert report.imported == 2
    assert [b.line for b in report.bad] == [4]
    docs = {r["doc"]["subject"]: r["doc"] for r in find(store, TicketFilter())}
    assert docs["Printer"]["description"] == "first\u2028second"
    assert docs["Fax"]["description"] == "one\u2028two"


# -- export and import -------------------------------------------------------


def make_source(data_dir: Path) -> str:
    """Imported notes plus a ticket with a real history; returns that ticket's ref."""
    with Store(data_dir) as store:
        desk = Desk(store)
        maps = ["opening_comment=description", "opened_by_username=requester.name"]
        import_file(desk, FINLAND, "csv", maps, skip_bad=True)
        ref = desk.create(
            subject="Tulostin ei toimi",
            requester="Ella <ella@example.fi>",
            body="Paperi jumissa.",
            tags=["hw"],
        )["doc"]["provisional"]
        edited = desk.edit(ref, [("status", "open"), ("custom.site", "Oulu")], ["vip"])
        desk.comment(ref, "Kiitos, katsotaan.", public=True)
        desk.comment(ref, "Internal: order toner", public=False)
        desk.revert(ref, edited["heads"][0])
        desk.edit(ref, [("priority", "urgent")])
    return ref


def test_export_then_import_into_an_empty_data_dir_gives_identical_tickets(
    run_cli: RunCli, cli_dir: Path, tmp_path: Path
):
    ref = make_source(cli_dir)
    exported = tmp_path / "export.jsonl"
    ok = run_cli("export", "--output", str(exported))
    assert ok.returncode == 0, ok.stderr
    target = tmp_path / "target"
    with Store(target) as store:
        Desk(store).set_agent("Cy Other <cy@example.org>")

    result = run_cli("import", str(exported), "--format", "jsonl", data_dir=target)

    assert result.returncode == 0, result.stderr
    assert "imported 101 tickets" in result.stdout
    source_shown, target_shown = all_shown(cli_dir), all_shown(target)
    assert len(source_shown) == 101
    assert target_shown == source_shown
    assert counts(target) == counts(cli_dir)
    rich = [run_cli("show", ref, "--json", data_dir=d) for d in (cli_dir, target)]
    assert rich[0].returncode == rich[1].returncode == 0
    assert json.loads(rich[0].stdout) == json.loads(rich[1].stdout)
    assert len(json.loads(rich[1].stdout)["comments"]) == 2


def test_reimporting_the_same_export_changes_nothing(
    run_cli: RunCli, cli_dir: Path, tmp_path: Path, cli_template: Path
):
    with Store(cli_dir) as store:
        desk = Desk(store)
        ref = desk.create(subject="Printer", requester="bob@example.com")["doc"][
            "provisional"
        ]
        desk.comment(ref, "On it.", public=True)
        desk.create(subject="Fax", requester="cy@example.com")
    exported = tmp_path / "export.jsonl"
    assert run_cli("export", "--output", str(exported)).returncode == 0
    before = all_shown(cli_dir), counts(cli_dir)

    result = run_cli("import", str(exported), "--format", "jsonl", "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"imported": 0, "skipped": []}
    assert (all_shown(cli_dir), counts(cli_dir)) == before


def test_text_with_unicode_line_separators_survives_export_and_import(
    tmp_path: Path, cli_template: Path
):
    from desktop.export import export

    source, target = tmp_path / "source", tmp_path / "target"
    shutil.copytree(cli_template, source)
    with Store(source) as store:
        desk = Desk(store)
        ref = desk.create(
            subject="Line\u2028separator",
            requester="bob@example.com",
            body="one\u2028two\u2029three\x85four",
        )["doc"]["provisional"]
        desk.comment(ref, "reply\u2028with separator", public=True)
        export(store, tmp_path / "export.jsonl")
    with Store(target) as store:
        desk = Desk(store)
        desk.set_agent(AGENT)
        report = import_file(desk, tmp_path / "export.jsonl", "jsonl", [])

    assert report.imported == 1
    assert all_shown(target) == all_shown(source)


# -- spreadsheet exports in their many shapes ---------------------------------

SPREADSHEET_ROWS = [
    ("Café printer", "Zoë Müller <zoe@example.com>"),
    ("Imprimante cassée; urgent", "Éric <eric@example.com>"),
]


def _subjects(store: Store) -> list[str]:
    return sorted(r["doc"]["subject"] for r in find(store, TicketFilter()))


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_a_csv_separated_by_semicolons_tabs_or_bars_imports_like_commas(
    desk: Desk, store: Store, tmp_path: Path, delimiter: str
):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["subject", "requester"])
        writer.writerows(SPREADSHEET_ROWS)

    report = import_file(desk, path, "csv", [])

    assert report.imported == 2 and not report.bad
    assert _subjects(store) == sorted(s for s, _ in SPREADSHEET_ROWS)


def test_a_utf16_file_with_its_byte_order_mark_imports(
    desk: Desk, store: Store, tmp_path: Path
):
    text = "subject\trequester\r\n" + "".join(
        f"{s}\t{r}\r\n" for s, r in SPREADSHEET_ROWS
    )
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))  # Excel's "Unicode text"

    assert import_file(desk, path, "csv", []).imported == 2
    assert _subjects(store) == sorted(s for s, _ in SPREADSHEET_ROWS)


def test_a_windows_spreadsheet_file_is_refused_until_its_encoding_is_named(
    desk: Desk, store: Store, tmp_path: Path
):
    path = tmp_path / "windows.csv"
    path.write_bytes(
        b"subject,requester\r\n"
        + "".join(f'"{s}","{r}"\r\n' for s, r in SPREADSHEET_ROWS).encode("cp1252")
    )

    with pytest.raises(UserError, match="--encoding cp1252"):
        import_file(desk, path, "csv", [])
    assert _subjects(store) == []

    assert import_file(desk, path, "csv", [], encoding="cp1252").imported == 2
    assert _subjects(store) == sorted(s for s, _ in SPREADSHEET_ROWS)


def test_an_unknown_encoding_is_a_usage_error_in_the_cli(
    run_cli: RunCli, cli_dir: Path, tmp_path: Path
):
    path = tmp_path / "t.csv"
    path.write_text("subject,requester\nHi,Bob <bob@example.com>\n")

    result = run_cli("import", str(path), "--format", "csv", "--encoding", "klingon")

    assert result.returncode == 2
    assert "'klingon' is not a known encoding" in result.stderr
    assert json.loads(run_cli("list", "--json").stdout) == []


def test_a_batched_import_reports_progress_and_stops_when_cancelled(
    desk: Desk, store: Store, tmp_path: Path
):
    path = tmp_path / "many.csv"
    path.write_text(
        "subject,requester\n"
        + "".join(f"Ticket {i},Bob <bob@example.com>\n" for i in range(25))
        + "one,two,three\n"  # a bad row: three columns under two
    )
    seen: list[tuple[int, int]] = []

    report = import_file(
        desk,
        path,
        "csv",
        [],
        skip_bad=True,
        batch=10,
        progress=lambda done, total: seen.append((done, total)),
        cancelled=lambda: len(seen) == 2,
    )

    assert seen == [(10, 25), (20, 25)]
    assert report.cancelled and report.imported == 20
    assert [b.line for b in report.bad] == [27]
    assert len(_subjects(store)) == 20


@pytest.mark.parametrize(
    ("header", "maps", "message"),
    [
        ("subject,subject,requester", [], "the header names subject more than once"),
        ("subject,title,requester", ["title=subject"], "more than one column fills"),
    ],
)
def test_a_header_that_fills_one_field_twice_is_refused_naming_the_file(
    desk: Desk, store: Store, tmp_path: Path, header: str, maps, message: str
):
    path = tmp_path / "two.csv"
    path.write_text(f"{header}\nFirst,Second,bob@example.com\n", encoding="utf-8")

    with pytest.raises(UserError, match=f"two.csv line 1: {message}"):
        import_file(desk, path, "csv", maps)
    assert _subjects(store) == []


def test_repeated_columns_that_fill_nothing_are_ignored(
    desk: Desk, store: Store, tmp_path: Path
):
    path = tmp_path / "notes.csv"
    path.write_text("subject,note,note,requester\nHi,a,b,bob@example.com\n")

    assert import_file(desk, path, "csv", []).imported == 1


def test_naming_utf8_still_reads_past_a_byte_order_mark(
    desk: Desk, store: Store, tmp_path: Path
):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfsubject,requester\r\nHi,bob@example.com\r\n")

    assert import_file(desk, path, "csv", [], encoding="UTF8").imported == 1
    assert _subjects(store) == ["Hi"]
