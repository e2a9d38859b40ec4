"""``python -m lib report`` prints the register's figures; unreadable files exit non-zero in one line."""

import contextlib
import io
import json
import os
import subprocess
import sys
from unittest import mock

import pytest

from lib.cli.main import main
from tests.conftest import ROOT


def _environment() -> dict[str, str]:
    """Without LADDER_WORKSPACE set, never on a developer's ./workspace."""
    env = {**os.environ}
    env.setdefault("LADDER_WORKSPACE", str(ROOT / "tests" / "no-workspace-here"))
    env.pop("LADDER_WORKSPACE_URL", None)
    return env


def run(*args) -> subprocess.CompletedProcess:
    """The command line's own entry point, called in this process (its exit code, what it printed)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, _environment(), clear=True),
        contextlib.chdir(ROOT),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse on a wrong argument
            code = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(["python", "-m", "lib", *args], code, out.getvalue(), err.getvalue())


def run_process(*args) -> subprocess.CompletedProcess:
    """The command line exactly as a person runs it: ``python -m lib …`` in a process of its own."""
    env = _environment()
    env.pop("LADDER_READ_IN_PROCESS", None)  # and reads the file in its reader process, as it does for a person
    return subprocess.run([sys.executable, "-m", "lib", *args], cwd=ROOT, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["report", "tests/fixtures/finnish_summary.xls"], "customers"),
        (["feedback", "tests/fixtures/finnish_summary.xls", "--json"], "["),
        (["export", "tests/fixtures/finnish_summary.xls", "--channel", "email", "-o", "{tmp}/list.csv"], "exported"),
        (["plan", "tests/fixtures/finnish_summary.xls", "--json"], "["),
        (["customers", "tests/fixtures/finnish_summary.xls", "--csv"], "customer_id"),
        (["import", "tests/fixtures/finnish_summary.xls"], "finnish_summary.xls"),
    ],
)
def test_each_command_runs_as_python_dash_m_lib(command, says, tmp_path, monkeypatch):
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))
    result = run_process(*(part.replace("{tmp}", str(tmp_path)) for part in command))
    assert result.returncode == 0, result.stderr
    assert says in result.stdout


def test_report_json_of_the_sample():
    result = run("report", "sample_data/studio_register.xlsx", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert {"customers", "purchases", "feedback", "actions", "problems", "mapping"} <= set(report)
    assert (report["customers"], report["purchases"], report["feedback"], report["actions"]) == (
        2000,
        23032,
        1117,
        1876,
    )
    assert report["mapping"]["Customers"]["E-mail"] == "email"
    assert report["mapping"]["Purchases"]["Invoice"] == "purchase_id"
    problem = next(p for p in report["problems"] if p["code"] == "duplicate_id")
    assert {k: problem[k] for k in ("sheet", "row", "column", "severity")} == {
        "sheet": "Customers",
        "row": 64,
        "column": "Customer ID",
        "severity": "error",
    }
    assert problem["message"]


def test_unreadable_file_exits_non_zero_with_one_line(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    result = run_process("report", str(broken), "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "damaged" in result.stderr


def test_missing_file_exits_non_zero(tmp_path):
    result = run("report", str(tmp_path / "nope.xlsx"))
    assert result.returncode != 0 and "cannot open" in result.stderr


def test_text_report_names_the_counts():
    result = run("report", "tests/fixtures/finnish_summary.xls")
    assert result.returncode == 0
    assert result.stdout.startswith("2 customers, 0 purchases")


def test_import_keeps_the_sample_once_when_asked_only_if_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "ws"))
    first = run("import", "sample_data/studio_register.xlsx", "--if-empty")
    second = run("import", "sample_data/studio_register.xlsx", "--if-empty")
    assert first.returncode == 0 and "2,000 customers kept" in first.stdout
    assert second.returncode == 0 and "nothing imported" in second.stdout
    from lib.workspace.repository import Workspace

    assert len(Workspace(tmp_path / "ws").uploads()) == 1


def test_report_adds_the_ladder_stages_rfm_and_revenue_as_of_a_day():
    result = run("report", "sample_data/studio_register.xlsx", "--json", "--as-of", "2026-11-23")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-11-23"
    assert list(report["ladder"]) == ["partner", "loyal", "occasional", "prospect", "former"]
    assert sum(report["ladder"].values()) == 2000
    assert sum(report["stages"].values()) == 2000 and report["stages"]["won_back"] > 0
    assert sum(report["rfm"].values()) == 2000 and report["rfm"]["not_scored"] == 573
    assert report["revenue"] == 907432.0
    earlier = json.loads(run("report", "sample_data/studio_register.xlsx", "--json", "--as-of", "2025-01-01").stdout)
    assert earlier["ladder"] != report["ladder"] and earlier["revenue"] < report["revenue"]


def test_a_summary_register_reports_all_five_classes_with_zeros():
    report = json.loads(run("report", "tests/fixtures/finnish_summary.xls", "--json").stdout)
    assert set(report["ladder"]) == {"partner", "loyal", "occasional", "prospect", "former"}
    assert sum(report["ladder"].values()) == 2


def test_a_wrong_as_of_date_is_explained():
    result = run("report", "sample_data/studio_register.xlsx", "--as-of", "23.11.2026")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_report_adds_themes_sentiment_nps_and_csat():
    report = json.loads(run("report", "sample_data/studio_register.xlsx", "--json").stdout)
    assert list(report["themes"]) == [
        "price",
        "staff",
        "cleanliness",
        "opening_hours",
        "booking",
        "waiting_time",
        "equipment",
        "parking",
        "product_quality",
        "atmosphere",
    ]
    assert all(count > 0 for count in report["themes"].values())
    assert set(report["sentiment"]) == {"positive", "neutral", "negative", "unknown"}
    assert sum(report["sentiment"].values()) == 1117
    assert report["nps"] is None and 0 < report["csat"] < 100  # the sample's surveys are on a 1–5 scale


def test_feedback_lists_every_item_with_its_excel_row():
    import openpyxl

    result = run("feedback", "sample_data/studio_register.xlsx", "--json")
    assert result.returncode == 0
    items = json.loads(result.stdout)
    assert len(items) == 1117
    assert set(items[0]) == {"sheet", "row", "question", "rating", "language", "themes", "sentiment", "matched"}
    sheet = openpyxl.load_workbook("sample_data/studio_register.xlsx", read_only=True)["Feedback"]
    texts = {row[0].row: row[6].value for row in sheet.iter_rows(min_row=2) if row[0].value}
    first = items[0]
    assert first["sheet"] == "Feedback" and first["row"] == 2
    for item in items[:50]:
        for word in item["matched"]:
            assert word.lower() in texts[item["row"]].lower()
    assert len(items[0]["themes"]) == len(items[0]["matched"])


def test_export_writes_a_consent_safe_list_and_reports_who_was_left_out(tmp_path):
    out = tmp_path / "loyal.csv"
    result = run(
        "export",
        "sample_data/studio_register.xlsx",
        "--class",
        "loyal",
        "--channel",
        "email",
        "--format",
        "csv",
        "-o",
        str(out),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {"exported", "left_out", "file"}
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "email,first_name,last_name,language" and len(lines) == summary["exported"] + 1
    assert summary["left_out"]["no_consent"] > 0 and summary["left_out"]["opted_out"] > 0
    text = run("export", "sample_data/studio_register.xlsx", "--channel", "sms", "-o", str(tmp_path / "s.csv"))
    assert text.returncode == 0 and "exported to" in text.stdout and "left out:" in text.stdout


def test_plan_prints_the_due_contacts():
    result = run("plan", "sample_data/studio_register.xlsx", "--as-of", "2026-11-23", "--json")
    assert result.returncode == 0
    items = json.loads(result.stdout)
    assert len(items) > 100
    assert set(items[0]) == {"customer_id", "rule", "due", "channel", "theme", "reason"}
    assert all(item["due"] <= "2026-11-23" for item in items)


def _emails(path):
    """The e-mail addresses of a contact list the command line wrote (field codes as headers)."""
    import csv
    import io

    return {row["email"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";")}


def test_export_and_plan_keep_the_workspace_s_opt_outs_and_erasures_even_from_an_old_copy(tmp_path, monkeypatch):
    from lib.service.changes import forget_customer, save_changes
    from lib.service.registers import current_register, import_workbook
    from lib.workspace.repository import Workspace

    old_copy = tmp_path / "OLD_COPY.xlsx"
    old_copy.write_bytes((ROOT / "sample_data" / "studio_register.xlsx").read_bytes())
    before = run("export", str(old_copy), "--channel", "email", "-o", str(tmp_path / "before.csv"))
    assert before.returncode == 0, before.stderr
    workspace = Workspace(tmp_path / "ws")
    now = import_workbook(workspace, old_copy.name, old_copy.read_bytes())
    customers = now.register.customers.set_index("customer_id")
    listed = [cid for cid, email in customers["email"].items() if email in _emails(tmp_path / "before.csv")]
    opted_out, erased = listed[0], listed[1]
    out_email, erased_email = customers.loc[opted_out, "email"], customers.loc[erased, "email"]
    review = save_changes(
        workspace,
        [
            {
                "op": "set",
                "sheet": "customers",
                "key": opted_out,
                "field": "opted_out_at",
                "old": None,
                "new": "2026-11-30",
            }
        ],
    )
    assert review.accepted and not review.refused
    assert forget_customer(workspace, erased).versions == 1

    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "ws"))
    result = run("export", str(old_copy), "--channel", "email", "-o", str(tmp_path / "after.csv"), "--json")
    assert result.returncode == 0, result.stderr
    after = _emails(tmp_path / "after.csv")
    assert (tmp_path / "after.csv").stat().st_mode & 0o777 == 0o600  # a list of people: its owner's only
    assert out_email in _emails(tmp_path / "before.csv") and erased_email in _emails(tmp_path / "before.csv")
    assert out_email not in after and erased_email not in after
    assert len(after) == len(_emails(tmp_path / "before.csv")) - 2
    assert json.loads(result.stdout)["left_out"]["suppressed"] >= 1
    log = Workspace(tmp_path / "ws").exports()
    assert len(log) == 1 and log.iloc[0]["kind"] == "email/excel-csv" and log.iloc[0]["people"] == len(after)

    plan = run("plan", str(old_copy), "--json", "--until", "2026-12-31")
    assert plan.returncode == 0, plan.stderr
    planned = {item["customer_id"] for item in json.loads(plan.stdout)}
    assert planned and opted_out not in planned and erased not in planned
    everyone = run("plan", str(old_copy), "--json", "--until", "2026-12-31", "--workspace", str(tmp_path / "none"))
    assert {opted_out, erased} & {item["customer_id"] for item in json.loads(everyone.stdout)}

    save_changes(
        workspace,
        [
            {
                "op": "set",
                "sheet": "customers",
                "key": listed[2],
                "field": "email",
                "old": customers.loc[listed[2], "email"],
                "new": "renamed@example.com",
            }
        ],
    )
    current = run("export", "--channel", "email", "-o", str(tmp_path / "current.csv"))
    assert current.returncode == 0, current.stderr
    emails = _emails(tmp_path / "current.csv")
    assert "renamed@example.com" in emails and customers.loc[listed[2], "email"] not in emails
    assert out_email not in emails and erased_email not in emails
    assert len(Workspace(tmp_path / "ws").exports()) == 2
    assert current_register(workspace).edits == 2


def test_export_without_a_file_or_a_workspace_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "nothing here"))
    result = run("export", "--channel", "email")
    assert result.returncode == 2 and "name a FILE" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nothing here").exists()


def test_export_of_loyal_customers_includes_partners_unless_asked_for_the_class_alone(tmp_path):
    from lib.analysis.ladder import with_deeper

    assert with_deeper(["loyal"]) == ["partner", "loyal"]
    assert with_deeper(["occasional"]) == ["partner", "loyal", "occasional"]
    assert with_deeper(["former"]) == ["former"]
    args = ("export", "sample_data/studio_register.xlsx", "--channel", "email", "--class", "loyal", "--json")
    deeper = run(*args, "-o", str(tmp_path / "deeper.csv"))
    exact = run(*args, "--exact-class", "-o", str(tmp_path / "exact.csv"))
    partners = run(*args[:-3], "--class", "partner", "--exact-class", "-o", str(tmp_path / "partners.csv"), "--json")
    assert deeper.returncode == exact.returncode == partners.returncode == 0, deeper.stderr + exact.stderr
    loyal_and_partners, loyal_only, partners_only = (
        _emails(tmp_path / name) for name in ("deeper.csv", "exact.csv", "partners.csv")
    )
    assert partners_only and loyal_only and not partners_only & loyal_only
    assert loyal_and_partners == loyal_only | partners_only


def test_customers_gives_every_customer_the_answers_the_pages_give():
    from lib.service.outreach import CUSTOMER_ANSWERS

    rows = json.loads(run("customers", "sample_data/studio_register.xlsx", "--as-of", "2026-11-03", "--json").stdout)
    report = json.loads(run("report", "sample_data/studio_register.xlsx", "--as-of", "2026-11-03", "--json").stdout)
    assert len(rows) == report["customers"] == 2000
    assert tuple(rows[0]) == CUSTOMER_ANSWERS  # id, class, reason, stage, temperature, tier, RFM, dates, rule
    counts = {name: sum(row["class"] == name for row in rows) for name in report["ladder"]}
    assert counts == report["ladder"]  # the same classes as the report and the Segments page
    former = next(row for row in rows if row["class"] == "former")
    assert "churn horizon" in former["class_reason"] and former["stage"] == "defected"
    planned = json.loads(run("plan", "sample_data/studio_register.xlsx", "--as-of", "2026-11-03", "--json").stdout)
    today = {item["customer_id"]: item["rule"] for item in planned}
    assert all(row["next_rule"] == today[row["customer_id"]] for row in rows if row["next_contact"] == "2026-11-03")
    text = run("customers", "sample_data/studio_register.xlsx", "--as-of", "2026-11-03", "--csv").stdout
    assert text.splitlines()[0] == ",".join(rows[0]) and len(text.splitlines()) == 2001
