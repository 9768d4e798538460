"""A county's own standards are type-checked when loaded, `in` lists like `==`, and a division by zero
leaves a standard undetermined with its reason — through `lax check --criteria`."""

import json

from helpers import township_xlsx
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import packaged_path

runner = CliRunner()
SHIPPED = packaged_path("criteria.yaml").read_text(encoding="utf-8")


def criteria_with(tmp_path, *standards):
    """The shipped criteria file with extra standards (id, when) appended."""
    body = "".join(
        f"  - id: {cid}\n    title: {{zh: 附加标准{cid}, en: Extra {cid}}}\n    when: '{when}'\n"
        for cid, when in standards
    )
    path = tmp_path / "criteria.yaml"
    path.write_text(SHIPPED.rstrip("\n") + "\n" + body, encoding="utf-8")
    return path


def line_of(path, text):
    return path.read_text(encoding="utf-8").split(text)[0].count("\n") + 1


def sheet(path, header, rows):
    return township_xlsx(path, [header, *rows])


def check(tmp_path, crit, path, fmt="json", lang="en"):
    return runner.invoke(
        app, ["check", str(path), "--criteria", str(crit), "--format", fmt, "--as-of", "2026-09-30", "--lang", lang]
    )


def test_a_date_in_an_in_list_is_read_as_a_date_like_with_equals(tmp_path):
    crit = criteria_with(
        tmp_path,
        ("C20", 'checked_on in ["2026-09-30", "2026-06-30"]'),
        ("C21", 'checked_on == "2026-09-30"'),
        ("C22", 'checked_on not in ["2026-09-30"]'),
    )
    path = sheet(
        tmp_path / "邓埠镇.xlsx",
        ["乡镇", "村名", "排查日期"],
        [["邓埠镇", "宋三村", "2026-09-30"], ["邓埠镇", "塔洲村", "2026年6月30日"], ["邓埠镇", "西畈村", "2026-03-31"]],
    )
    result = check(tmp_path, crit, path)
    data = json.loads(result.stdout)
    met = {v["village"]: sorted(m["id"] for m in v["matches"] if m["id"] >= "C20") for v in data["villages"]}
    assert met == {"宋三村": ["C20", "C21"], "塔洲村": ["C20", "C22"], "西畈村": ["C22"]}


def test_a_number_in_a_list_for_a_text_field_is_refused_with_its_line(tmp_path):
    crit = criteria_with(tmp_path, ("C20", "village in [1, 2]"))
    path = sheet(tmp_path / "邓埠镇.xlsx", ["乡镇", "村名"], [["邓埠镇", "宋三村"]])
    result = check(tmp_path, crit, path)
    assert result.exit_code == 2
    line = line_of(crit, "when: 'village in [1, 2]'")
    assert (
        f"criteria.yaml:{line}: criterion 'C20': cannot compare text with num 1 in the list after 'in'" in result.output
    )


def test_text_in_a_list_for_a_number_field_is_refused_with_its_line(tmp_path):
    crit = criteria_with(tmp_path, ("C20", 'party_members in [10, "20"]'))
    result = check(tmp_path, crit, sheet(tmp_path / "a.xlsx", ["乡镇", "村名"], [["邓埠镇", "宋三村"]]))
    assert result.exit_code == 2
    line = line_of(crit, "when: 'party_members in")
    assert (
        f"criteria.yaml:{line}: criterion 'C20': cannot compare num with text \"20\" in the list after 'in'"
        in result.output
    )


def test_a_text_that_is_no_date_in_a_date_list_is_refused(tmp_path):
    crit = criteria_with(tmp_path, ("C20", 'checked_on in ["2026-02-30"]'), ("C21", "checked_on in [20260930]"))
    result = check(tmp_path, crit, sheet(tmp_path / "a.xlsx", ["乡镇", "村名"], [["邓埠镇", "宋三村"]]))
    assert result.exit_code == 2
    assert "criterion 'C20': '2026-02-30' is not a date like 2026-09-30" in result.output
    assert "criterion 'C21': 20260930 in the list is not a date like \"2026-09-30\"" in result.output


def test_yes_no_words_in_a_list_for_a_yes_no_field(tmp_path):
    crit = criteria_with(tmp_path, ("C20", 'election_completed in ["否"]'))
    path = sheet(
        tmp_path / "a.xlsx", ["乡镇", "村名", "换届完成"], [["邓埠镇", "宋三村", "×"], ["邓埠镇", "塔洲村", "是"]]
    )
    data = json.loads(check(tmp_path, crit, path).stdout)
    assert [sorted(m["id"] for m in v["matches"]) for v in data["villages"]] == [["C05", "C20"], []]
    crit = criteria_with(tmp_path, ("C20", 'election_completed in ["也许"]'))
    result = check(tmp_path, crit, path)
    assert result.exit_code == 2 and '"也许" in the list is not yes or no' in result.output


def test_a_division_by_zero_is_undetermined_with_its_reason(tmp_path):
    crit = criteria_with(tmp_path, ("C20", "cadre_violations / party_members > 0.1"))
    path = sheet(
        tmp_path / "洪湖乡.xlsx",
        ["乡镇", "村名", "党员人数", "干部违纪违法人次"],
        [["洪湖乡", "塘桥村", 0, 0], ["洪湖乡", "东阳村", 20, 3], ["洪湖乡", "坪上村", None, 1]],
    )
    result = check(tmp_path, crit, path)
    data = json.loads(result.stdout)
    und = {v["village"]: [u for u in v["undetermined"] if u["id"] == "C20"] for v in data["villages"]}
    assert und["塘桥村"] == [{"id": "C20", "missing": [], "reason": "division by zero", "detail": "party_members = 0"}]
    assert und["东阳村"] == []
    assert und["坪上村"] == [{"id": "C20", "missing": ["party_members"]}]  # a blank is named as before
    table = check(tmp_path, crit, path, fmt="table").output
    assert "C20 undetermined: division by zero (Party members = 0)" in " ".join(table.split())
    zh = check(tmp_path, crit, path, fmt="table", lang="zh").output
    assert "C20待定：除数为零（党员人数=0）" in "".join(zh.split())


def test_a_division_by_zero_reason_in_the_csv_and_xlsx_outputs(tmp_path):
    crit = criteria_with(tmp_path, ("C20", "cadre_violations / party_members > 0.1"))
    path = sheet(
        tmp_path / "洪湖乡.xlsx", ["乡镇", "村名", "党员人数", "干部违纪违法人次"], [["洪湖乡", "塘桥村", 0, 0]]
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        ["check", str(path), "--criteria", str(crit), "--format", "csv", "--output", str(out), "--as-of", "2026-09-30"],
    )
    assert out.exists(), result.output
    assert "C20 (division by zero (Party members = 0))" in out.read_text(encoding="utf-8-sig")
