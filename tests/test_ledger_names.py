"""One name, one file: townships whose names differ only in characters unsafe in file names (`黄溪镇` and
`黄溪镇.`, `新城镇:东区` and `新城镇*东区`) get files of their own, through `lax check --record` and `lax ledger
open`; ledgers written with the earlier names keep their township files; names too long for a file system
still make a file."""

import json
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from lax.cli import app
from lax.ledger import township_file_name

runner = CliRunner()
HEADER = "乡镇,村名,村代码,换届完成,排查日期\n"


def lax(*args: str):
    return runner.invoke(app, list(args))


def sheet(tmp_path: Path, rows: list[str], name: str = "townships.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def township_files(led: Path) -> dict[str, str]:
    """file name -> the township it holds."""
    out = {}
    for p in sorted((led / "_townships").glob("*.yaml")):
        out[p.name] = p.read_text(encoding="utf-8").splitlines()[0].removeprefix("township: ").strip("'\"")
    return out


ROWS = [
    "黄溪镇,东阳村,360622102201,否,2026-09-26",
    "黄溪镇.,塔洲村,360622102202,否,2026-09-26",
    "新城镇:东区,一村,360622109201,否,2026-09-26",
    "新城镇*东区,二村,360622109301,是,2026-09-26",
    "新城镇_东区,三村,360622109401,是,2026-09-26",
]


def test_check_record_gives_every_township_its_own_file(tmp_path):
    led = tmp_path / "ledger"
    csv = sheet(tmp_path, ROWS)
    r = lax("check", str(csv), "--record", "--ledger", str(led), "--as-of", "2026-09-30")
    assert "5 submission(s)" in r.output, r.output
    assert township_files(led) == {
        "黄溪镇.yaml": "黄溪镇",
        "黄溪镇%2E.yaml": "黄溪镇.",
        "新城镇%3A东区.yaml": "新城镇:东区",
        "新城镇%2A东区.yaml": "新城镇*东区",
        "新城镇_东区.yaml": "新城镇_东区",
    }
    # each submission counts the township's own villages, and a second run is neither refused nor doubled
    text = (led / "_townships" / "黄溪镇%2E.yaml").read_text(encoding="utf-8")
    assert "quarter: 2026Q3\n  villages: 1\n" in text
    r = lax("check", str(csv), "--record", "--ledger", str(led), "--as-of", "2026-10-08")
    assert "ledger: nothing new to record" in r.output, r.output
    assert len(township_files(led)) == 5
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 0, r.output
    assert "8 file(s) checked, no problems" in r.stderr  # 3 flagged villages and 5 township files


def test_ledger_open_keeps_two_townships_apart(tmp_path):
    led = tmp_path / "ledger"
    for township, code in (("黄溪镇", "360622102201"), ("黄溪镇.", "360622102301")):
        r = lax(
            "ledger",
            "open",
            "东阳村",
            "--township",
            township,
            "--code",
            code,
            "--standards",
            "C05",
            "--date",
            "2026-09-30",
            "--ledger",
            str(led),
        )
        assert r.exit_code == 0, r.output
    files = sorted(p.name for p in led.glob("*.yaml"))
    assert len(files) == 2
    r = lax("ledger", "list", "--ledger", str(led), "--as-of", "2026-10-01", "--format", "json")
    assert r.exit_code == 0
    assert [(v["township"], v["code"]) for v in json.loads(r.stdout)["villages"]] == [
        ("黄溪镇", "360622102201"),
        ("黄溪镇.", "360622102301"),
    ]
    r = lax("ledger", "show", "黄溪镇./东阳村", "--ledger", str(led), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["code"] == "360622102301"


def test_a_township_file_with_its_earlier_name_is_kept(tmp_path):
    # lax before this change wrote `黄溪镇.`'s records to `黄溪镇.yaml` (the dot dropped): it is still that
    # township's file, and 黄溪镇 itself, whose name that now is, is refused with both names shown.
    led = tmp_path / "ledger"
    old = led / "_townships" / "黄溪镇.yaml"
    old.parent.mkdir(parents=True)
    old.write_text(
        "township: 黄溪镇.\nevents:\n- date: 2026-07-02\n  type: submission\n  quarter: 2026Q2\n  villages: 9\n",
        encoding="utf-8",
    )
    legacy_colon = led / "_townships" / "新城镇_东区.yaml"
    legacy_colon.write_text("township: 新城镇:东区\nevents: []\n", encoding="utf-8")
    r = lax(
        "check", str(sheet(tmp_path, [ROWS[1], ROWS[2]])), "--record", "--ledger", str(led), "--as-of", "2026-09-30"
    )
    assert "2 submission(s)" in r.output, r.output
    assert township_files(led) == {"黄溪镇.yaml": "黄溪镇.", "新城镇_东区.yaml": "新城镇:东区"}
    assert old.read_text(encoding="utf-8").count("type: submission") == 2
    assert "quarter: 2026Q3" in legacy_colon.read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in led.rglob("*.yaml")}
    r = lax(
        "check",
        str(sheet(tmp_path, [ROWS[0]], "huangxi.csv")),
        "--record",
        "--ledger",
        str(led),
        "--as-of",
        "2026-09-30",
    )
    assert r.exit_code == 2
    assert (
        f"{old}: holds township '黄溪镇.', not '黄溪镇' (two names, one file); rename it to 黄溪镇%2E.yaml, the file "
        "name of '黄溪镇.'"
    ) in r.stderr
    assert {p.name: p.read_bytes() for p in led.rglob("*.yaml")} == before  # nothing recorded, village files included
    # after the rename the person is told to do, both townships record
    old.rename(old.parent / "黄溪镇%2E.yaml")
    r = lax(
        "check",
        str(sheet(tmp_path, [ROWS[0]], "huangxi.csv")),
        "--record",
        "--ledger",
        str(led),
        "--as-of",
        "2026-09-30",
    )
    assert "1 submission(s)" in r.output, r.output
    assert township_files(led)["黄溪镇.yaml"] == "黄溪镇"


def test_very_long_names_still_make_files(tmp_path):
    led = tmp_path / "ledger"
    township = "镇" * 100
    for last in "甲乙":
        r = lax(
            "ledger",
            "open",
            "长" * 99 + last,
            "--township",
            township,
            "--standards",
            "C05",
            "--date",
            "2026-09-30",
            "--ledger",
            str(led),
        )
        assert r.exit_code == 0, r.output
    names = [p.name for p in led.glob("*.yaml")]
    assert len(names) == 2 and all(len(n.encode("utf-8")) <= 210 for n in names)
    # A sheet cannot bring such names into the ledger: a name longer than any real one is a bad-name problem
    # (issue 9), so nothing is recorded and no township file is written.
    csv = sheet(tmp_path, [f"{township[:99]}{x},村,,否,2026-09-26" for x in "甲乙"])
    r = lax("check", str(csv), "--record", "--ledger", str(led), "--as-of", "2026-09-30")
    assert r.exit_code == 2 and "bad-name" in r.output and "nothing recorded in the ledger" in r.output, r.output
    assert township_files(led) == {}


NAMES = (
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120)
    .map(lambda t: unicodedata.normalize("NFC", t).strip())
    .filter(bool)
)


@given(st.lists(NAMES, min_size=2, max_size=6, unique=True))
def test_township_file_names_are_one_to_one_and_safe_on_windows(names):
    files = [township_file_name(n) for n in names]
    assert len(set(files)) == len(files)
    for f in files:
        stem = f[: -len(".yaml")]
        assert f.endswith(".yaml") and stem
        assert not set('<>:"/\\|?*') & set(f)
        assert not any(unicodedata.category(ch)[0] == "C" for ch in f)
        assert not stem.startswith(".") and not stem.endswith((".", " "))
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
        assert len(f.encode("utf-8")) <= 210


def test_township_file_names_a_person_recognises():
    assert township_file_name("邓埠镇") == "邓埠镇.yaml"
    assert township_file_name("黄溪镇.") == "黄溪镇%2E.yaml"
    assert township_file_name("新城镇:东区") == "新城镇%3A东区.yaml"
    assert township_file_name("新城镇*东区") == "新城镇%2A东区.yaml"
    assert township_file_name("新城镇%3A东区") == "新城镇%253A东区.yaml"
    assert township_file_name("CON") == "%43ON.yaml"
    assert township_file_name(".隐藏") == "%2E隐藏.yaml"
