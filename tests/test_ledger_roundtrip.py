"""`lax ledger export` then `lax ledger import` gives back the same ledger, byte for byte (the events sheet)."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import load_criteria
from lax.files import write_atomic
from lax.ledger import TOWNSHIPS_DIR, add_event, dump_township, make_event, open_village
from lax.ledger.excel import (
    EVENTS_SHEET,
    LedgerFile,
    _events_sheet,
    _rebuild_files,
    decode_cell,
    encode_cell,
    event_rows,
)
from lax.lifecycle import Event, Replay, add_months, refusal

runner = CliRunner()
D = dt.date
CRIT = load_criteria()
POLICY = CRIT.policy


def lax(*args):
    return runner.invoke(app, ["ledger", *args])


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml")) if ".cache" not in p.parts
    }


# ------------------------------------------------------------------------------------------ cell values

TRICKY = [
    "宋三村",
    "=SUM(A1:A3)",
    "+86 138",
    "-5",
    "@某人",
    "'=已引",
    "'quoted",
    "500",
    "500.5",
    "true",
    "null",
    "2026-03-31",
    "2026-13-40",
    " 前后空格 ",
    "第一行\n第二行",
    "回车\r换行",
    "",
    "[C05]",
    '{"a":1}',
    '"引号"',
    "tab\tin",
    "NaN",
    "1e5",
    "零宽\u200b空格",
]


@pytest.mark.parametrize(
    "value",
    TRICKY
    + [
        500,
        500.0,
        500.5,
        -3,
        0,
        True,
        False,
        None,
        D(2026, 3, 31),
        dt.datetime(2026, 11, 29, 23, 0, 5),
        ["C05", "C13"],
        [],
        {"C05": {"election_completed": False, "on": D(2026, 1, 2)}},
        {"by": "张三", "at": "2026-11-29T23:00:00+00:00"},
        {"path": "邓埠镇.xlsx", "sheet": "排查表", "row": 17},
        {1: "a"},
        {"$date": "x"},
    ],
)
def test_every_value_comes_back_exactly(value):
    text = encode_cell(value)
    back = decode_cell(text)
    assert back == value and type(back) is type(value)
    if isinstance(value, dict):
        assert list(back) == list(value)  # the order of keys is the order in the file
    assert not text.startswith(("=", "+", "@", "-"))  # never a formula in a spreadsheet


def test_plain_text_stays_readable():
    assert encode_cell("宋三村") == "宋三村"
    assert encode_cell("第一行\n第二行") == "第一行\n第二行"
    assert encode_cell("500") == '"500"'
    assert encode_cell("=SUM(A1)") == '"=SUM(A1)"'
    assert encode_cell(-5) == "'-5"
    assert encode_cell(D(2026, 3, 31)) == "2026-03-31"
    assert encode_cell("2026-03-31") == '"2026-03-31"'


# --------------------------------------------------------------------- the sheet, any keys (no checks)

scalars = st.one_of(
    st.text(alphabet="宋三村邓埠镇黄溪=+-@'\" \n\r\t0123456789.:[]{}$a", max_size=12),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes().map(lambda d: d.replace(fold=0)),
)  # YAML has no fold
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text("abc$_", min_size=1, max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.sampled_from(
    [
        "note",
        "funds",
        "criteria",
        "recorded",
        "source",
        "deadline",
        "reason",
        "by",
        "quarter",
        "evidence",
        "x_extra",
        "备注",
    ]
)


@examples(15)
@given(
    st.lists(
        st.tuples(
            st.dates(),
            st.sampled_from(["identified", "progress", "acceptance", "reopened", "closed", "submission", "custom"]),
            st.dictionaries(keys, values, max_size=5),
        ),
        max_size=5,
    )
)
def test_the_events_sheet_keeps_any_event_exactly(tmp_path_factory, events):
    from openpyxl import Workbook

    files = [
        LedgerFile(
            "邓埠镇-宋三村.yaml", "邓埠镇", "宋三村", "360622101201", tuple(Event(d, t, k) for d, t, k in events)
        ),
        LedgerFile("邓埠镇-空村.yaml", "邓埠镇", "空村", None, ()),
    ]
    header, rows = event_rows(files)
    wb = Workbook()
    ws = wb.active
    ws.title = EVENTS_SHEET
    ws.append(header)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = tmp_path_factory.mktemp("x") / "out.xlsx"
    wb.save(out)
    name, data = _events_sheet(out, None)
    problems = []
    back = [f for f, _row, _rows in _rebuild_files(out, name, data, problems)]
    assert problems == []
    assert [(f.name, f.township, f.village, f.code) for f in back] == [
        (f.name, f.township, f.village, f.code) for f in files
    ]
    for f, g in zip(files, back):
        assert [(e.date, e.type, list(e.data.items())) for e in g.events] == [
            (e.date, e.type, list(e.data.items())) for e in f.events
        ]
        assert repr([e.data for e in g.events]) == repr([e.data for e in f.events])  # 500 vs 500.0, True vs 1


# ----------------------------------------------------------------- random ledgers, written by lax itself

NAMES = st.text(alphabet="宋三村邓埠镇黄溪东阳洪湖乡塘桥新店马荃西畈塔洲", min_size=2, max_size=5)
NOTES = st.text(alphabet="整改换届完成开展党员大会督导=+-@' \n0123456789.，。“”", max_size=20)
FUNDS = st.one_of(st.none(), st.integers(0, 10**6), st.integers(0, 10**7).map(lambda c: c / 100))
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["plan", "progress", "fail", "pass", "reopen", "close", "open"]),
        st.integers(0, 200),
        NOTES,
        FUNDS,
        st.integers(0, 100),
    ),
    max_size=10,
)


def history(start: D, criteria: list[str], note: str, steps) -> list[Event]:
    """A valid history: the random steps the lifecycle allows, in date order."""
    events = [
        make_event(
            start,
            "identified",
            channel="self",
            criteria=criteria,
            deadline=add_months(start, POLICY.rectify_months),
            note=note or None,
        )
    ]
    replay = Replay(POLICY)
    replay.step(events[0])
    day = start
    for kind, gap, text, funds, score in steps:
        day = day + dt.timedelta(days=gap)
        if kind == "plan":
            e = make_event(
                day, "planned", measures=[m for m in text.split("\n") if m] or ["落实三会一课"], township_leader="李明"
            )
        elif kind == "progress":
            e = Event(day, "progress", {"note": text, **({"funds": funds} if funds is not None else {})})
        elif kind == "fail":
            e = make_event(
                day, "acceptance", passed=False, score=min(score, 69), by=text or None, deadline=add_months(day, 6)
            )
        elif kind == "pass":
            e = make_event(day, "acceptance", passed=True, score=max(score, 70) + 0.5 * (score % 2))
        elif kind == "reopen":
            e = make_event(day, "reopened", reason=text or "反弹", criteria=["C13"], deadline=add_months(day, 6))
        elif kind == "close":
            day = max(day, add_months(replay.accepted_on or day, POLICY.watch_months))
            e = make_event(day, "closed", note=text or None)
        else:
            e = make_event(day, "identified", channel="mass", criteria=criteria, deadline=add_months(day, 6))
        if refusal(replay, e, POLICY) is None:
            replay.step(e)
            events.append(e)
    return events


@examples(15)
@given(
    st.lists(
        st.tuples(
            NAMES,
            NAMES,
            st.one_of(st.none(), st.from_regex(r"36062210[0-9]{4}", fullmatch=True)),
            st.dates(D(2024, 1, 1), D(2027, 1, 1)),
            st.lists(st.sampled_from(CRIT.ids), min_size=1, max_size=3, unique=True),
            NOTES,
            STEPS,
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.tuples(NAMES, st.integers(0, 30)), max_size=2),
)
def test_random_ledgers_come_back_byte_for_byte(tmp_path_factory, villages, townships):
    base = tmp_path_factory.mktemp("ledger")
    folder = base / "ledger"
    seen = set()
    for township, village, code, start, criteria, note, steps in villages:
        if (township, village) in seen or (code and code in seen):
            continue
        seen.update({(township, village), code})
        events = history(start, criteria, note, steps)
        entry, _created = open_village(folder, township, village, code, events[0], POLICY)
        for e in events[1:]:
            entry = add_event(folder, entry, e, POLICY)
    for township, count in townships:
        (folder / TOWNSHIPS_DIR).mkdir(exist_ok=True)
        subs = [
            Event(D(2026, 10, 8), "submission", {"quarter": "2026Q3", "villages": count, "source": f"{township}.xlsx"})
        ]
        write_atomic(folder / TOWNSHIPS_DIR / f"{township}.yaml", dump_township(township, subs))
    before = files_of(folder)
    out = base / "台账.xlsx"
    r = lax("export", str(out), "--ledger", str(folder), "--as-of", "2026-06-30")
    assert r.exit_code == 0, r.output
    again = base / "again"
    r = lax("import", str(out), "--ledger", str(again))
    assert r.exit_code == 0, r.output
    assert files_of(again) == before
    r = lax("verify", "--ledger", str(again))
    assert r.exit_code == 0, r.output


# ----------------------------------------------------------------------------- a concrete scenario, by CLI


@pytest.fixture
def songsan(tmp_path, monkeypatch):
    """邓埠镇/宋三村 through a failed acceptance, a passed one and a rebound, as an office records it."""
    monkeypatch.chdir(tmp_path)
    for args in (
        [
            "open",
            "邓埠镇/宋三村",
            "--standards",
            "C05,C13",
            "--date",
            "2026-03-31",
            "--code",
            "360622101201",
            "--note",
            "=换届未完成\n村干部违规发放补贴",
        ],
        [
            "plan",
            "宋三村",
            "--measure",
            "召开党员大会重新选举",
            "--measure",
            "+县乡联合督导",
            "--township-leader",
            "李明",
            "--date",
            "2026-04-10",
        ],
        ["progress", "宋三村", "完成支部换届选举", "--funds", "500.5", "--date", "2026-06-01"],
        ["accept", "宋三村", "--fail", "--score", "60", "--by", "县委组织部", "--date", "2026-09-20"],
        ["progress", "宋三村", "500", "--funds", "500", "--date", "2026-10-01"],
        ["accept", "宋三村", "--pass", "--score", "85", "--date", "2026-12-01"],
        ["reopen", "宋三村", "--reason", "村干部违纪", "--standards", "C13", "--date", "2027-02-01"],
        ["open", "黄溪镇/东阳村", "--standards", "C07", "--date", "2026-05-01"],
    ):
        r = lax(*args)
        assert r.exit_code == 0, (args, r.output)
    (tmp_path / "ledger" / TOWNSHIPS_DIR).mkdir()
    write_atomic(
        tmp_path / "ledger" / TOWNSHIPS_DIR / "邓埠镇.yaml",
        dump_township(
            "邓埠镇",
            [Event(D(2026, 10, 8), "submission", {"quarter": "2026Q3", "villages": 12, "source": "邓埠镇.xlsx"})],
        ),
    )
    return tmp_path


def test_export_then_import_keeps_the_rebound_and_the_failed_acceptance(songsan):
    before = files_of(songsan / "ledger")
    r = lax("export", "台账.xlsx", "--as-of", "2027-03-01")
    assert r.exit_code == 0, r.output
    assert r.stdout == "wrote 2 village(s) to 台账.xlsx\n"
    from openpyxl import load_workbook

    wb = load_workbook(songsan / "台账.xlsx")
    assert wb.sheetnames == ["Ledger", "Submissions", EVENTS_SHEET]
    ws = wb[EVENTS_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows[0]
    assert header[:7] == ["file", "township", "village", "code", "event", "date", "type"]
    assert header[-2:] == ["(key order)", "(other keys)"]
    col = {h: i for i, h in enumerate(header)}
    songsan_rows = [r for r in rows[1:] if r[0] == "邓埠镇-宋三村.yaml"]
    assert [(r[col["event"]], r[col["date"]], r[col["type"]]) for r in songsan_rows] == [
        (1, "2026-03-31", "identified"),
        (2, "2026-04-10", "planned"),
        (3, "2026-06-01", "progress"),
        (4, "2026-09-20", "acceptance"),
        (5, "2026-10-01", "progress"),
        (6, "2026-12-01", "acceptance"),
        (7, "2027-02-01", "reopened"),
    ]
    failed = songsan_rows[3]
    assert (failed[col["passed"]], failed[col["score"]], failed[col["by"]], failed[col["deadline"]]) == (
        "false",
        "60",
        "县委组织部",
        "2027-03-20",
    )
    assert songsan_rows[0][col["note"]] == '"=换届未完成\\n村干部违规发放补贴"'  # text, never a formula
    assert songsan_rows[0][col["code"]] == '"360622101201"'
    assert (songsan_rows[2][col["funds"]], songsan_rows[4][col["funds"]], songsan_rows[4][col["note"]]) == (
        "500.5",
        "500",
        '"500"',
    )
    assert [r[:7] for r in rows[1:] if r[0].startswith("_townships")] == [
        ["_townships/邓埠镇.yaml", "邓埠镇", None, None, 1, "2026-10-08", "submission"]
    ]
    # Into an empty folder: the same files, byte for byte, township file included.
    r = lax("import", "台账.xlsx", "--ledger", "again")
    assert r.exit_code == 0, r.output
    assert r.stdout == "imported 2 village(s) from 台账.xlsx into again: 3 new file(s), 0 already there\n"
    assert files_of(songsan / "again") == before
    r = runner.invoke(
        app, ["ledger", "show", "宋三村", "--ledger", "again", "--as-of", "2027-03-01", "--format", "json"]
    )
    assert r.exit_code == 0 and '"status": "rectifying"' in r.stdout
    # Into the same ledger again: everything is already there, nothing is written.
    r = lax("import", "台账.xlsx")
    assert r.exit_code == 0, r.output
    assert r.stdout == "imported 2 village(s) from 台账.xlsx into ledger: 0 new file(s), 3 already there\n"
    assert files_of(songsan / "ledger") == before


def test_import_into_a_ledger_where_the_village_has_other_records(songsan):
    assert lax("export", "台账.xlsx").exit_code == 0
    assert lax("close", "东阳村", "--date", "2027-06-01").exit_code != 0  # (still identified: refused, nothing written)
    assert lax("progress", "东阳村", "开展主题党日", "--date", "2026-06-01").exit_code == 0
    before = files_of(songsan / "ledger")
    r = lax("import", "台账.xlsx")
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines == [
        "nothing imported: 1 problem(s) in 台账.xlsx",
        f"台账.xlsx, sheet {EVENTS_SHEET}, row 9, column C: 黄溪镇/东阳村 is already in the ledger as 黄溪镇-东阳村.yaml "
        "with other records; remove its rows or record changes with lax ledger commands [already-in-ledger]",
    ]
    assert files_of(songsan / "ledger") == before


def test_a_bad_cell_in_the_events_sheet_names_its_place(songsan):
    from openpyxl import load_workbook

    assert lax("export", "台账.xlsx").exit_code == 0
    wb = load_workbook(songsan / "台账.xlsx")
    ws = wb[EVENTS_SHEET]
    funds = [c.value for c in ws[1]].index("funds") + 1
    ws.cell(row=4, column=funds, value="三万元")
    ws.cell(row=9, column=6, value="2026-13-40")  # 黄溪镇/东阳村
    wb.save(songsan / "台账.xlsx")
    r = lax("import", "台账.xlsx", "--ledger", "again")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "nothing imported: 2 problem(s) in 台账.xlsx",
        f"台账.xlsx, sheet {EVENTS_SHEET}, row 4, column A: 邓埠镇-宋三村.yaml:22: funds: '三万元' is not an amount in yuan [bad-file]",
        f"台账.xlsx, sheet {EVENTS_SHEET}, row 9, column F: '2026-13-40' is not a value as lax writes it "
        "(month must be in 1..12) [bad-cell]",
    ]
    assert not (songsan / "again").exists() or files_of(songsan / "again") == {}


def test_a_hand_made_ledger_without_events_sheet_imports_as_before(tmp_path, monkeypatch):
    from openpyxl import Workbook

    monkeypatch.chdir(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["乡镇", "村名", "认定时间", "软弱涣散情形", "整改时限"])
    ws.append(["洪湖乡", "塘桥村", D(2026, 3, 31), "C12", D(2026, 9, 30)])
    wb.save(tmp_path / "手工台账.xlsx")
    r = lax("import", "手工台账.xlsx")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ledger" / "洪湖乡-塘桥村.yaml").read_text(encoding="utf-8").splitlines()[4:9] == [
        "- date: 2026-03-31",
        "  type: identified",
        "  channel: self",
        "  criteria: [C12]",
        "  deadline: 2026-09-30",
    ]
