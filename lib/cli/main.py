"""Command line: the same engine as the app, from a terminal or a cron job.

    python -m lib report FILE [FILE …] [--json] [--as-of YYYY-MM-DD]
                                           figures, recognised columns, data problems, and the
                                           ladder, stages and RFM groups as of the day (several
                                           files are read as one register: what each gave is listed)
    python -m lib feedback FILE [--json]   every feedback item: language, themes, matched words, sentiment
    python -m lib export [FILE] --channel email [--class loyal] [--stage …] [--tier …] [--tag …]
                         [--format csv|excel-csv|mailchimp|hubspot|xlsx|vcard] [-o OUT] [--json]
                                           a consent-safe contact list, and who was left out and why
    python -m lib plan [FILE] [--as-of YYYY-MM-DD] [--until YYYY-MM-DD] [--json]
                                           the contacts due, with their rule, reason and channel

``export`` and ``plan`` work on the workspace when there is one (``--workspace FOLDER``,
``LADDER_WORKSPACE``, ``LADDER_WORKSPACE_URL`` or ./workspace): without a FILE on its current
register with every edit; with a FILE on that file, still under the workspace's settings and
suppression list. Every list written is logged in the workspace's export log, as in the app.
    python -m lib import FILE [FILE …] [--if-empty]
                                           keep a workbook (or several files as one) as the newest register
    python -m lib sample [--customers N] [--out FILE]
    python -m lib serve [--address 0.0.0.0] [--port 8501]
                                           run the app for a team (refuses a network address without sign-in)
    python -m lib backup [--to FOLDER] [--keep 14]
                                           a consistent copy of the workspace while the app runs
    python -m lib hash-password            a password hash for .streamlit/secrets.toml
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from lib import i18n
from lib.analysis.contact_plan import plan_reasons
from lib.analysis.facts import default_as_of, select_customers
from lib.analysis.feedback import csat, nps, sentiment_counts, theme_counts, theme_feedback
from lib.analysis.ladder import ladder_counts, with_deeper
from lib.analysis.lifecycle import analyse_customers, revenue, stage_counts
from lib.cli.serve import team_config, team_workspace
from lib.config import Config
from lib.exports.contacts import FILE_SUFFIX, FORMATS, safe_text
from lib.reading.bundle import Part, bundle_name, pack
from lib.reading.problems import Problem
from lib.reading.register import Register, RegisterError, build_register
from lib.reading.views import contributions, key_figures, mapping_table
from lib.reading.workbook import WorkbookError, read_workbook
from lib.schema import CHANNELS, CLASSES, NOT_SCORED, RFM_GROUPS, STAGES, TIERS
from lib.service.outreach import (
    CUSTOMER_ANSWERS,
    analyse,
    contact_file,
    contact_list,
    customer_answers,
    due_contacts,
    log_contact_export,
)
from lib.service.registers import current_register, file_register, import_files
from lib.settings import DEFAULTS, Settings, scale_map
from lib.themes import default_dictionary
from lib.workspace.access import LOCAL_USER
from lib.workspace.base import private_file
from lib.workspace.identity import IdentityKeyError
from lib.workspace.repository import Workspace
from lib.workspace.store import FILE_NAME


def report(path: Path | Sequence[Path], as_of: date | None = None, settings: Settings = DEFAULTS) -> dict[str, Any]:
    """The register's figures as a JSON-ready dict (raises WorkbookError/RegisterError/OSError).

    Several files are read together as one register, as the home page reads them (a customers export
    with an orders export); ``files`` says what each gave. Classes and stages are computed as of
    ``as_of`` (default: today, or the register's last activity when the data is old).
    """
    name, data = read_files(path)
    register, problems = build_register(read_workbook(data, name), as_of=as_of)
    found = report_of(register, problems, as_of or default_as_of(register), settings)
    return found | {"files": contributions(register, name).to_dict("records")}


def read_files(path: Path | Sequence[Path]) -> tuple[str, bytes]:
    """One file's name and bytes, or several files as the one register they make (see lib.reading.bundle)."""
    paths = [path] if isinstance(path, Path) else list(path)
    if len(paths) == 1:
        return paths[0].name, paths[0].read_bytes()
    files = [Part(p.name, p.read_bytes()) for p in paths]
    return bundle_name(files), pack(files)


def report_of(
    register: Register, problems: Sequence[Problem], as_of: date, settings: Settings = DEFAULTS
) -> dict[str, Any]:
    view = analyse_customers(register, as_of, settings)
    groups = view["rfm_group"].value_counts()
    dictionary = default_dictionary()
    items = theme_feedback(register, dictionary, scale_map(settings.rating_scales))
    return {
        "themes": theme_counts(items, dictionary),
        "sentiment": sentiment_counts(items),
        "nps": nps(items),
        "csat": csat(items),
        "as_of": as_of.isoformat(),
        "ladder": ladder_counts(view),
        "stages": stage_counts(view),
        "rfm": {name: int(groups.get(name, 0)) for name in (*RFM_GROUPS, NOT_SCORED)},
        "revenue": revenue(register, as_of),
        "customers": len(register.customers),
        "purchases": len(register.purchases),
        "feedback": len(register.feedback),
        "actions": len(register.actions),
        "shape": register.shape,
        "identity": {"key": register.identity, "kept_apart": register.kept_apart},
        "figures": key_figures(register),
        "mapping": mapping_table(register),
        "other_sheets": [s.sheet for s in register.sources if s.kind == "other"],
        "problems": [{k: v for k, v in p.to_dict().items() if k != "code"} | {"code": p.code} for p in problems],
    }


def feedback_items(path: Path) -> list[dict[str, Any]]:
    """Every feedback item of a workbook with its language, themes, sentiment and matched words."""
    register, _ = build_register(read_workbook(path.read_bytes(), path.name), check=False)
    items = theme_feedback(register, default_dictionary())
    return [
        {
            "sheet": row.sheet,
            "row": None if pd.isna(row.row) else int(row.row),
            "question": None if pd.isna(row.question) else str(row.question),
            "rating": None if pd.isna(row.rating) else float(row.rating),
            "language": row.language,
            "themes": list(row.themes),
            "sentiment": str(row.sentiment),
            "matched": list(row.matched),
        }
        for row in items.itertuples(index=False)
    ]


class NoRegister(Exception):
    """There is no FILE and no register in the workspace to work on; the message says what to do."""


def open_workspace(folder: Path | None = None, config: Config | None = None) -> Workspace | None:
    """The workspace the command works on: ``--workspace``, else the installation's when it exists, else None.

    Only an existing store counts: a command run elsewhere with a FILE does not make a workspace.
    """
    if folder is not None:
        return Workspace(folder)
    config = config or team_config()
    if config.workspace_url or (config.workspace_folder / FILE_NAME).is_file():
        return Workspace(config.workspace_folder, url=config.workspace_url)
    return None


def _subject(
    workspace: Workspace | None, path: Path | Sequence[Path] | None
) -> tuple[Register, frozenset[str], Settings]:
    """The register a command works on, whom of it the suppression list holds, and the settings to use."""
    settings = workspace.settings() if workspace else DEFAULTS
    if path:  # a file, or several read as one register
        return (*file_register(workspace, *read_files(path)), settings)
    now = current_register(workspace) if workspace else None
    if now is None:
        where = f"the workspace in {workspace.location}" if workspace else "no workspace here (./workspace)"
        raise NoRegister(
            f"There is no register to work on ({where}): name a FILE, "
            "or keep a register in the workspace first with 'python -m lib import FILE'."
        )
    return now.register, now.suppressed, settings


def export_list(
    workspace: Workspace | None,
    path: Path | Sequence[Path] | None,
    channel: str,
    fmt: str,
    out: Path | None,
    selection: dict[str, list[str]],
    as_of: date | None = None,
    user: str = LOCAL_USER,
) -> dict[str, Any]:
    """Write a contact list for a selection and channel, log it; return how many were exported and left out why."""
    register, suppressed, settings = _subject(workspace, path)
    day = as_of or default_as_of(register)
    view = analyse(register, day, settings, suppressed)
    chosen = list(select_customers(view, selection)["customer_id"])
    contacts = contact_list(register, view, channel, day, settings, selection=chosen, suppressed=suppressed)
    target = out or Path(f"contacts-{channel}.{FILE_SUFFIX[fmt]}")
    # field codes as column names: stable for scripts
    private_file(target).write_bytes(contact_file(contacts, fmt, user, headers={c: c for c in contacts.rows.columns}))
    if workspace is not None:
        log_contact_export(workspace, user, contacts, fmt, chosen, i18n.t("contacts.selection_note", count=len(chosen)))
    return {"exported": len(contacts.rows), "left_out": contacts.left_out_counts(), "file": str(target)}


def plan_items(
    workspace: Workspace | None, path: Path | Sequence[Path] | None, as_of: date | None, until: date | None
) -> list[dict[str, Any]]:
    """The contact plan: one object per due contact."""
    register, suppressed, settings = _subject(workspace, path)
    day = as_of or default_as_of(register)
    plan = due_contacts(register, analyse(register, day, settings, suppressed), day, settings, until)
    reasons = plan_reasons(plan)
    return [
        {
            "customer_id": row.customer_id,
            "rule": row.rule,
            "due": row.due.date().isoformat(),
            "channel": row.channel if isinstance(row.channel, str) else None,
            "theme": row.theme,
            "reason": reason,
        }
        for row, reason in zip(plan.itertuples(index=False), reasons, strict=True)
    ]


def _print_customers(
    workspace: Workspace | None, path: Path | Sequence[Path] | None, as_of: date | None, as_csv: bool
) -> int:
    """One row per customer with the same answers as the pages (for scripts and for checking)."""
    register, suppressed, settings = _subject(workspace, path)
    day = as_of or default_as_of(register)
    answers = customer_answers(register, analyse(register, day, settings, suppressed), day, settings)
    rows = answers.astype(object).where(answers.notna(), None).to_dict("records")
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CUSTOMER_ANSWERS)
        writer.writerows([safe_text(row[c]) for c in CUSTOMER_ANSWERS] for row in rows)
    else:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


def _import(paths: Sequence[Path], if_empty: bool, user: str) -> int:
    workspace = team_workspace()
    if if_empty and workspace.latest_upload() is not None:
        print(f"The workspace in {workspace.location} already holds a register; nothing imported.")
        return 0
    now = import_files(workspace, [Part(path.name, path.read_bytes()) for path in paths], user)
    print(
        f"{now.upload.file_name}: {len(now.register.customers):,} customers kept in {workspace.location} "
        f"({len(now.problems):,} data problems)."
    )
    return 0


def _print_text(data: dict[str, Any]) -> None:
    print(
        f"{data['customers']:,} customers, {data['purchases']:,} purchases, "
        f"{data['feedback']:,} feedback items, {data['actions']:,} actions ({data['shape']} register)"
    )
    print(
        f"As of {data['as_of']}: "
        + ", ".join(f"{name} {count:,}" for name, count in data["ladder"].items())
        + f"; revenue {data['revenue']:,.2f}"
    )
    for sheet, mapping in data["mapping"].items():
        print(f"{sheet}: " + ", ".join(f"{header} → {field}" for header, field in mapping.items()))
    for problem in data["problems"]:
        where = f"{problem['sheet']} row {problem['row'] or '–'} {problem['column'] or ''}".strip()
        print(f"[{problem['severity']}] {where}: {problem['message']}")


def _print_feedback(items: list[dict[str, Any]], as_json: bool) -> int:
    if as_json:
        json.dump(items, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for item in items:
        print(
            f"{item['sheet']} row {item['row']}: {item['language']}, {item['sentiment']}, "
            f"{', '.join(item['themes']) or '–'} ({', '.join(item['matched'])})"
        )
    return 0


def _team_command(args: argparse.Namespace) -> int:
    from lib.cli.serve import ServeError, backup, serve

    try:
        if args.command == "serve":
            return serve(args.address, args.port)
        if args.command == "backup":
            print(f"Workspace copied to {backup(args.to, args.keep)}")
            return 0
    except ServeError as error:
        print(error, file=sys.stderr)
        return 2
    return _hash_password()


def _hash_password() -> int:
    """Ask for a password twice (or read one line from a pipe) and print its hash."""
    import getpass

    from lib.workspace.access import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Once more: ") != password:
            print("The two passwords differ; nothing was made.", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        print("Use at least 10 characters (a few words make a good one).", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-23") from None


def _names(file: Path | Sequence[Path] | None) -> str:
    """The file or files a command was given, as a person named them."""
    if file is None:
        return ""
    return file.name if isinstance(file, Path) else ", ".join(path.name for path in file)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib", description="Loyalty Ladder from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    report_cmd = commands.add_parser("report", help="read a register and report its figures and problems")
    report_cmd.add_argument("file", type=Path, nargs="+", help="a workbook, or several files read as one register")
    report_cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
    report_cmd.add_argument(
        "--as-of",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="classify customers as of this day (default: today, or the data's last day when old)",
    )
    import_cmd = commands.add_parser("import", help="keep a workbook as the workspace's current register")
    import_cmd.add_argument("file", type=Path, nargs="+", help="a workbook, or several files read as one register")
    import_cmd.add_argument("--if-empty", action="store_true", help="only when the workspace has no register yet")
    import_cmd.add_argument("--user", default=LOCAL_USER, help="who the upload is recorded for")
    feedback_cmd = commands.add_parser("feedback", help="theme every feedback item of a workbook")
    feedback_cmd.add_argument("file", type=Path)
    feedback_cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
    on_workspace = (
        "Works on the workspace when there is one (--workspace, LADDER_WORKSPACE, LADDER_WORKSPACE_URL or "
        "./workspace): without FILE on its current register with every edit; with FILE on that file, "
        "under the workspace's settings and suppression list. Lists are logged in its export log."
    )
    export_cmd = commands.add_parser("export", help="write a consent-safe contact list", description=on_workspace)
    export_cmd.add_argument(
        "file",
        type=Path,
        nargs="*",
        help="a workbook, or several files read as one register (default: the workspace's current register "
        "with its edits)",
    )
    export_cmd.add_argument("--channel", choices=CHANNELS, default="email")
    export_cmd.add_argument("--format", dest="fmt", choices=FORMATS, default="excel-csv")
    export_cmd.add_argument(
        "--class",
        dest="classes",
        action="append",
        default=[],
        choices=CLASSES,
        help="this class and every deeper one (loyal includes partners)",
    )
    export_cmd.add_argument("--exact-class", action="store_true", help="only the classes named, not deeper ones")
    export_cmd.add_argument("--stage", dest="stages", action="append", default=[], choices=STAGES)
    export_cmd.add_argument("--tier", dest="tiers", action="append", default=[], choices=TIERS)
    export_cmd.add_argument("--tag", dest="tags", action="append", default=[])
    export_cmd.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD")
    export_cmd.add_argument("-o", "--out", type=Path, default=None)
    export_cmd.add_argument("--json", action="store_true", help="print the counts as JSON")
    export_cmd.add_argument("--user", default=LOCAL_USER, help="who the export is logged for")
    plan_cmd = commands.add_parser("plan", help="the contacts due", description=on_workspace)
    plan_cmd.add_argument(
        "file",
        type=Path,
        nargs="*",
        help="a workbook, or several files read as one register (default: the workspace's current register "
        "with its edits)",
    )
    plan_cmd.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD")
    plan_cmd.add_argument("--until", type=_day, default=None, metavar="YYYY-MM-DD")
    plan_cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
    customers_cmd = commands.add_parser(
        "customers", help="every customer's class, reason, stage and next contact", description=on_workspace
    )
    customers_cmd.add_argument(
        "file",
        type=Path,
        nargs="*",
        help="a workbook, or several files read as one register (default: the workspace's current register)",
    )
    customers_cmd.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD")
    customers_cmd.add_argument("--csv", action="store_true", help="print CSV instead of JSON")
    customers_cmd.add_argument("--json", action="store_true", help="print JSON (the default)")
    for command in (export_cmd, plan_cmd, customers_cmd):
        command.add_argument(
            "--workspace",
            type=Path,
            default=None,
            metavar="FOLDER",
            help="the workspace folder to work on (default: the installation's, when it exists)",
        )
    sample_cmd = commands.add_parser("sample", help="generate the fictional sample register")
    sample_cmd.add_argument("--customers", type=int, default=2000)
    sample_cmd.add_argument("--seed", type=int, default=2026)
    sample_cmd.add_argument("--out", type=Path, default=None)
    serve_cmd = commands.add_parser("serve", help="run the app for a team on the address given")
    serve_cmd.add_argument("--address", default="127.0.0.1", help="where to listen (default: this computer only)")
    serve_cmd.add_argument("--port", type=int, default=8501)
    backup_cmd = commands.add_parser("backup", help="copy the workspace safely while the app runs")
    backup_cmd.add_argument("--to", type=Path, default=Path("backups"), help="folder for the copies (./backups)")
    backup_cmd.add_argument("--keep", type=int, default=14, help="how many copies to keep (0: all)")
    commands.add_parser("hash-password", help="make a password hash for .streamlit/secrets.toml")
    args = parser.parse_args(argv)

    if args.command in ("serve", "backup", "hash-password"):
        return _team_command(args)
    if args.command == "sample":
        from sample_data.generate import SAMPLE, generate

        print(generate(args.out or SAMPLE, args.customers, args.seed))
        return 0
    try:
        if args.command == "import":
            return _import(args.file, args.if_empty, args.user)
        if args.command == "feedback":
            return _print_feedback(feedback_items(args.file), args.json)
        if args.command == "export":
            selection = {
                "relationship": args.classes if args.exact_class else with_deeper(args.classes),
                "stage": args.stages,
                "value_tier": args.tiers,
                "tags": args.tags,
            }
            result = export_list(
                open_workspace(args.workspace),
                args.file,
                args.channel,
                args.fmt,
                args.out,
                selection,
                args.as_of,
                args.user,
            )
            if args.json:
                print(json.dumps(result, ensure_ascii=False))
            else:
                left = ", ".join(f"{reason} {count:,}" for reason, count in result["left_out"].items()) or "nobody"
                print(f"{result['exported']:,} exported to {result['file']}; left out: {left}")
            return 0
        if args.command == "customers":
            return _print_customers(open_workspace(args.workspace), args.file, args.as_of, args.csv)
        if args.command == "plan":
            items = plan_items(open_workspace(args.workspace), args.file, args.as_of, args.until)
            if args.json:
                json.dump(items, sys.stdout, ensure_ascii=False, indent=1)
                print()
            else:
                for item in items:
                    print(f"{item['due']} {item['customer_id']} [{item['channel'] or '–'}] {item['reason']}")
            return 0
        data = report(args.file, args.as_of)
        if args.json:
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            _print_text(data)
    except NoRegister as error:
        print(error, file=sys.stderr)
        return 2
    except IdentityKeyError as error:
        print(i18n.t(error.key, path=str(error.path)), file=sys.stderr)
        return 2
    except (WorkbookError, RegisterError) as error:
        print(f"{_names(args.file)}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return 0
    except OSError as error:
        print(
            f"{error.filename or _names(args.file)}: cannot open the file ({error.strerror or error}).", file=sys.stderr
        )
        return 2
    return 0
