"""The `offdesk` command line: every agent action, human-readable or `--json`.

Exit status: 0 done, 1 the user's or the environment's problem (one line on
stderr saying what to do), 2 a usage mistake (argparse's own message).
"""

import argparse
import codecs
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import desktop
from desktop import datadir, render, search_syntax
from desktop.cli_common import (
    assignment,
    emit,
    sort_order,
    terminal_safe,
    whole_number,
)
from desktop.desk import Desk
from desktop.errors import UserError
from desktop.store.store import DB_NAME, Store
from desktop.ticket import PRIORITIES, SORTS, STATUSES, TYPES

if TYPE_CHECKING:
    from desktop.store.queries import TicketFilter

log = logging.getLogger(__name__)

#: Commands that read or change tickets already kept: on a data dir with no
#: store they say so, where opening would quietly make an empty one (a
#: mistyped --data-dir would otherwise show "no tickets").
ON_TICKETS = frozenset(
    ["list", "show", "log", "diff", "export", "edit", "comment"]
    + ["revert", "delete", "restore", "resolve"]
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help=f"where tickets are kept (default: ${datadir.ENV} or the user data dir)",
    )
    common.add_argument(
        "--json", action="store_true", help="print machine-readable JSON"
    )

    parser = argparse.ArgumentParser(
        prog="offdesk",
        description="Offline-first helpdesk: work tickets with no connection, "
        "merge histories like git when it returns.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument(
        "--version", action="version", version=f"offdesk {desktop.__version__}"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end on a temporary data dir, then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_, description=help_)

    p = command("init", "set the agent who works in this data dir")
    p.add_argument("--agent", required=True, metavar='"NAME <EMAIL>"')

    p = command("new", "create a ticket and print its reference")
    p.add_argument("--subject", required=True)
    p.add_argument("--requester", required=True, metavar='"NAME <EMAIL>"')
    p.add_argument("--body", default="", help="the description")
    p.add_argument("--priority", default="normal", choices=PRIORITIES)
    p.add_argument("--type", dest="type_", choices=TYPES)
    p.add_argument("--tag", action="append", default=[], dest="tags")

    p = command("list", "list tickets, newest change first")
    p.add_argument("--status", action="append", default=[], choices=STATUSES)
    p.add_argument("--priority", action="append", default=[], choices=PRIORITIES)
    p.add_argument("--assignee", help="'none' for unassigned")
    p.add_argument("--tag", action="append", default=[], dest="tags")
    p.add_argument("--search", metavar="QUERY", help="words to find in any text")
    p.add_argument(
        "--sort",
        type=sort_order,
        metavar="FIELD",
        help=f"one of {', '.join(SORTS)}; '-' descends",
    )
    p.add_argument("--limit", type=whole_number(1), metavar="N")
    p.add_argument("--deleted", action="store_true", help="include deleted tickets")

    p = command("show", "show one ticket")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--at", metavar="SNAPSHOT", help="as it was at this snapshot")

    p = command("edit", "change a ticket's fields and tags")
    p.add_argument("ref", metavar="REF")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        dest="sets",
        metavar="FIELD=VALUE",
        type=assignment,
    )
    p.add_argument("--add-tag", action="append", default=[], metavar="TAG")
    p.add_argument("--remove-tag", action="append", default=[], metavar="TAG")
    p.add_argument(
        "--add-option",
        action="append",
        default=[],
        type=assignment,
        metavar="custom.ID=OPTION",
        help="tick an option of a multi-select custom field",
    )
    p.add_argument(
        "--remove-option",
        action="append",
        default=[],
        type=assignment,
        metavar="custom.ID=OPTION",
    )
    p.set_defaults(usage_error=p.error)

    p = command("comment", "reply to the requester, or add an internal note")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--body", required=True)
    p.add_argument("--internal", action="store_true", help="an internal note")

    p = command("log", "a ticket's snapshots, newest first")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--graph", action="store_true", help="draw branches and merges")

    p = command("diff", "what changed between two snapshots of a ticket")
    p.add_argument("ref", metavar="REF")
    p.add_argument("a", metavar="SNAP_A")
    p.add_argument("b", metavar="SNAP_B")

    p = command("revert", "undo one snapshot with a new one")
    p.add_argument("ref", metavar="REF")
    p.add_argument("snapshot", metavar="SNAPSHOT")

    p = command("delete", "delete a ticket (it can be restored; history is kept)")
    p.add_argument("ref", metavar="REF")
    p = command("restore", "bring a deleted ticket back")
    p.add_argument("ref", metavar="REF")

    p = command("resolve", "settle a conflicted field; the choice syncs everywhere")
    p.add_argument("ref", metavar="REF")
    p.add_argument("field", metavar="FIELD", help="as listed under conflicts")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", action="store_true", help="keep the shown value")
    choice.add_argument("--value", metavar="V", help="use this value instead")

    p = command("bundle", "carry snapshots to another replica as a file")
    bundle = p.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    b = bundle.add_parser(
        "create",
        parents=[common],
        help="write snapshots into a bundle file",
        description="Write this replica's snapshots (all, or those newer than a "
        "cursor or an earlier bundle) into one compressed, self-verifying file.",
    )
    b.add_argument("file", metavar="FILE")
    b.add_argument(
        "--since",
        metavar="FILE_OR_CURSOR",
        help="only snapshots newer than this cursor or earlier bundle",
    )
    b.add_argument(
        "--ticket",
        action="append",
        default=[],
        metavar="REF",
        help="only this ticket (repeat for more)",
    )
    b = bundle.add_parser(
        "apply",
        parents=[common],
        help="apply a bundle file from another replica",
        description="Apply a bundle: new tickets are added, diverged ones merged, "
        "and each ticket's outcome printed. A damaged bundle applies nothing.",
    )
    b.add_argument("file", metavar="FILE")

    p = command("import", "import tickets from a CSV or JSON-lines file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", required=True, choices=("jsonl", "csv"))
    p.add_argument(
        "--map", action="append", default=[], dest="maps", metavar="COLUMN=FIELD"
    )
    p.add_argument(
        "--skip-bad", action="store_true", help="import the good rows, list the bad"
    )
    p.add_argument(
        "--encoding",
        type=_encoding,
        metavar="NAME",
        help="the file's text encoding, e.g. cp1252 "
        "(default: UTF-8, or UTF-16 with a byte-order mark)",
    )

    p = command("export", "write every ticket with its whole history as JSON lines")
    p.add_argument("--output", metavar="FILE", help="default: standard output")

    from desktop.cli_sync import add_parsers  # serve, server, remote, sync

    add_parsers(sub, common)
    from desktop.cli_pipeline import add_parsers as add_pipeline_parsers

    add_pipeline_parsers(sub, common)  # quarantine, pipeline, rules
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(_join_descending_sort(list(sys.argv[1:] if argv is None else argv)))
    if args.self_test:
        from desktop import selftest

        failures = selftest.run(print)
        print("self-test passed" if not failures else f"self-test: {failures} failed")
        return 1 if failures else 0
    if not args.command:
        if not _has_display():
            print(
                "offdesk: there is no display to open the window on; use the "
                "command line (offdesk --help), or start the window under "
                "xvfb-run -a offdesk",
                file=sys.stderr,
            )
            return 1
        from desktop.ui.app import main as gui_main  # Qt loads only for the window

        return gui_main(args.data_dir)
    logging.basicConfig(level=logging.WARNING, format="offdesk: %(message)s")
    try:
        if args.command in ("serve", "server"):  # these must not open a Store first
            from desktop.cli_sync import run_server_command

            return run_server_command(args)
        data_dir = datadir.resolve(args.data_dir)
        if args.command in ON_TICKETS and not (data_dir / DB_NAME).exists():
            raise UserError(
                f"there are no tickets at {data_dir} yet: check --data-dir, or "
                'start there with: offdesk init --agent "Name <email>"'
            )
        with Store(data_dir) as store:
            return run(args, Desk(store))
    except UserError as e:
        print(f"offdesk: {terminal_safe(str(e))}", file=sys.stderr)
        if getattr(args, "json", False):  # a script reading stdout learns why too
            print(json.dumps({"error": str(e)}, ensure_ascii=False))
        return 1
    except KeyboardInterrupt:
        print("offdesk: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`offdesk log ... | head`): what was asked for
        # is done, and there is nobody left to tell, not even at exit's flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parse(argv: list[str]) -> argparse.Namespace:
    """The arguments, without building every command's parser to open the window.

    `offdesk [--data-dir DIR]` is how the window starts, and the command parsers
    import what only commands need (the rules file reader and YAML among it).
    """
    window = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    window.add_argument("--data-dir")
    try:
        args, rest = window.parse_known_args(argv)
    except argparse.ArgumentError:  # the full parser says what is wrong
        rest = argv
    if rest:
        return build_parser().parse_args(argv)
    return argparse.Namespace(data_dir=args.data_dir, self_test=False, command=None)


def _has_display() -> bool:
    """Whether Qt can show a window; without one it aborts the process instead."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _join_descending_sort(argv: list[str]) -> list[str]:
    """Let `--sort -updated` work: argparse would read `-updated` as an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--sort" and arg.startswith("-") and len(arg) > 1:
            out[-1] = f"--sort={arg}"
        else:
            out.append(arg)
    return out


def run(args: argparse.Namespace, desk: Desk) -> int:
    handler = globals()[f"cmd_{args.command}"]
    return int(handler(args, desk) or 0)


def cmd_init(args: argparse.Namespace, desk: Desk) -> None:
    store = desk.store
    before = store.setting("agent")
    person = desk.set_agent(args.agent)
    data = {
        "agent": str(person),
        "device": store.device_id,
        "prefix": store.device_prefix,
        "data_dir": str(store.data_dir),
    }
    text = f"agent {person} on device {store.device_prefix} ({store.path})"
    if before and before != str(person):
        data["previous_agent"] = before
        text += f"; was {before}: changes from now on are {person}'s"
    emit(args, data, text)


def cmd_new(args: argparse.Namespace, desk: Desk) -> None:
    record = desk.create(
        subject=args.subject,
        requester=args.requester,
        body=args.body,
        priority=args.priority,
        type_=args.type_,
        tags=args.tags,
    )
    shown = render.ticket_json(record)
    emit(args, shown, shown["ref"])


def cmd_list(args: argparse.Namespace, desk: Desk) -> None:
    from desktop.store.queries import TicketFilter, find

    flt = TicketFilter(
        status=args.status,
        priority=args.priority,
        assignee=args.assignee,
        tags=args.tags,
        sort=args.sort,
        limit=args.limit,
        include_deleted=args.deleted,
    )
    if args.search:
        _narrow(flt, args.search, desk)
    records = find(desk.store, flt)
    rows = [render.ticket_json(r, comments=False) for r in records]
    emit(args, rows, render.ticket_table(rows))


def _narrow(flt: "TicketFilter", text: str, desk: Desk) -> None:
    """Add what `--search` says, in the search box's language, to the filter."""
    parsed = search_syntax.parse(text)
    if parsed.problems:
        raise UserError(
            f"search: {', '.join(parsed.problems)} is not understood; filters are "
            f"status:{'|'.join(STATUSES)}, priority:{'|'.join(PRIORITIES)}, tag:T, "
            "assignee:NAME|me|none, is:conflict and sort:FIELD"
        )
    flt.search = parsed.text
    flt.status += parsed.status
    flt.priority += parsed.priority
    flt.tags += parsed.tags
    flt.conflicts_only = parsed.conflicts_only
    flt.sort = flt.sort or parsed.sort
    if parsed.assignee in search_syntax.ME:
        flt.assignee_in = list(search_syntax.me_aliases(desk.agent))
    elif parsed.assignee in ("none", "nobody"):
        flt.assignee = "none"
    elif parsed.assignee:
        flt.assignee = parsed.assignee


def cmd_show(args: argparse.Namespace, desk: Desk) -> None:
    shown = render.ticket_json(desk.record(args.ref, args.at))
    emit(args, shown, render.ticket_text(shown))


def _encoding(name: str) -> str:
    """A text encoding Python knows; anything else is a usage mistake."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"{name!r} is not a known encoding") from None


def cmd_edit(args: argparse.Namespace, desk: Desk) -> None:
    options = args.add_option or args.remove_option
    if not (args.sets or args.add_tag or args.remove_tag or options):
        args.usage_error(
            "give at least one --set, --add-tag, --remove-tag, --add-option or "
            "--remove-option"
        )
    record = desk.edit(
        args.ref,
        args.sets,
        args.add_tag,
        args.remove_tag,
        add_options=args.add_option,
        remove_options=args.remove_option,
    )
    shown = render.ticket_json(record)
    emit(args, shown, f"{shown['ref']} updated")


def cmd_comment(args: argparse.Namespace, desk: Desk) -> None:
    shown = render.ticket_json(
        desk.comment(args.ref, args.body, public=not args.internal)
    )
    kind = "internal note" if args.internal else "reply"
    emit(args, shown, f"{kind} added to {shown['ref']}")


def cmd_log(args: argparse.Namespace, desk: Desk) -> None:
    history = desk.history(args.ref)
    entries = render.log_entries(history)
    emit(args, entries, render.log_text(history, graph=args.graph))


def cmd_diff(args: argparse.Namespace, desk: Desk) -> None:
    before, ops = desk.diff(args.ref, args.a, args.b)
    emit(args, ops, render.ops_text(ops, before) or "no differences")


def cmd_revert(args: argparse.Namespace, desk: Desk) -> None:
    shown = render.ticket_json(desk.revert(args.ref, args.snapshot))
    emit(args, shown, f"{shown['ref']}: reverted {args.snapshot}")


def cmd_delete(args: argparse.Namespace, desk: Desk) -> None:
    shown = render.ticket_json(desk.delete(args.ref))
    emit(args, shown, f"{shown['ref']} deleted (offdesk restore {shown['ref']} undoes)")


def cmd_restore(args: argparse.Namespace, desk: Desk) -> None:
    shown = render.ticket_json(desk.restore(args.ref))
    emit(args, shown, f"{shown['ref']} restored")


def cmd_resolve(args: argparse.Namespace, desk: Desk) -> None:
    record = desk.resolve(args.ref, args.field, keep=args.keep, value=args.value)
    shown = render.ticket_json(record)
    emit(args, shown, f"{shown['ref']}: {args.field} resolved")


def cmd_bundle(args: argparse.Namespace, desk: Desk) -> None:
    from desktop import bundles

    if args.bundle_command == "create":
        made = bundles.create(desk.store, Path(args.file), args.since, args.ticket)
        emit(
            args,
            made,
            f"wrote {render.counted(made['snapshots'], 'snapshot')} to {args.file}; "
            "next time use "
            f"--since {made['cursor']} (or --since {args.file})",
        )
    else:
        outcomes = bundles.apply(desk.store, Path(args.file))
        emit(args, outcomes, render.outcomes_text(outcomes))


def cmd_import(args: argparse.Namespace, desk: Desk) -> int:
    from desktop.importer import import_file

    report = import_file(
        desk,
        Path(args.file),
        args.format,
        args.maps,
        skip_bad=args.skip_bad,
        encoding=args.encoding,
    )
    for bad in report.bad:
        reason = terminal_safe(bad.reason)
        print(f"offdesk: skipped line {bad.line}: {reason}", file=sys.stderr)
    data = {"imported": report.imported, "skipped": [b.__dict__ for b in report.bad]}
    text = f"imported {render.counted(report.imported, 'ticket')}, "
    text += f"skipped {len(report.bad)}"
    if report.quarantined:
        data["quarantined"] = report.quarantined
        text += (
            f", quarantined {len(report.quarantined)} (see: offdesk quarantine list)"
        )
    emit(args, data, text)
    return 0


def cmd_export(args: argparse.Namespace, desk: Desk) -> None:
    from desktop.export import export

    if args.output:
        count = export(desk.store, Path(args.output))
        if not args.json:
            print(
                f"exported {render.counted(count, 'ticket')} to {args.output}",
                file=sys.stderr,
            )
    else:
        export(desk.store, None)


def cmd_quarantine(args: argparse.Namespace, desk: Desk) -> int:
    from desktop.cli_pipeline import cmd_quarantine

    return cmd_quarantine(args, desk)


def cmd_pipeline(args: argparse.Namespace, desk: Desk) -> None:
    from desktop.cli_pipeline import cmd_pipeline

    cmd_pipeline(args, desk)


def cmd_rules(args: argparse.Namespace, desk: Desk) -> None:
    from desktop.cli_pipeline import cmd_rules

    cmd_rules(args, desk)


def cmd_remote(args: argparse.Namespace, desk: Desk) -> None:
    from desktop.cli_sync import cmd_remote

    cmd_remote(args, desk)


def cmd_sync(args: argparse.Namespace, desk: Desk) -> None:
    from desktop.cli_sync import cmd_sync

    cmd_sync(args, desk)


if __name__ == "__main__":
    sys.exit(main())
