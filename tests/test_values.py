"""Cell values as townships type them, turned into typed values (lax.read.values)."""

import datetime as dt

import pytest

from lax.read.values import (
    BAD,
    PROBLEM_CODES,
    Memo,
    convert,
    convert_column,
    new_memos,
    parse_date,
    to_bool,
    to_date,
    to_int,
    to_number,
    to_percent,
    to_text,
)

D = dt.date(2026, 9, 30)


# ------------------------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    "text",
    [
        "2026-09-30",
        "2026/9/30",
        "2026.9.30",
        "2026年9月30日",
        "２０２６年９月３０日",
        "２０２６－０９－３０",
        "  2026-09-30  ",
        "2026 年 9 月 30 日",
        "2026-09-30 00:00:00",
        "2026-09-30T08:15:00",
        "2026/09/30",
    ],
)
def test_parse_date_text_forms(text):
    assert parse_date(text) == D


def test_parse_date_date_and_datetime_cells():
    assert parse_date(D) == D
    assert parse_date(dt.datetime(2026, 9, 30, 17, 45)) == D


@pytest.mark.parametrize(
    "bad",
    [
        "2026-13-40",
        "2026-02-30",
        "2026-9",
        "30/9/2026",
        "九月三十日",
        "",
        "  ",
        "20260930x",
        "2026-09-30-01",
        None,
        45930,
        45930.0,
        True,
        dt.time(8, 0),
    ],
)
def test_parse_date_rejects(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


# ------------------------------------------------------------------------------------------------- int


@pytest.mark.parametrize(
    "raw, want",
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        ("3.0", 3),
        ("１２", 12),
        (" 12 ", 12),
        ("1,200", 1200),
        ("１，２００", 1200),
        ("0", 0),
        (0.0, 0),
        ("3个月", 3),
        ("2人", 2),
        ("5次", 5),
        ("30天", 30),
        ("12户", 12),
        ("无", 0),
        (True, 1),
        ("+4", 4),
    ],
)
def test_int_spellings(raw, want):
    got = to_int(raw)
    assert got == want and type(got) is int


@pytest.mark.parametrize("raw", ["", "   ", "-", "—", "/", "／", "－", "——", None])
def test_int_blank(raw):
    assert to_int(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "七",
        "三个",
        3.5,
        "3.5",
        -1,
        -1.0,
        "-2",
        "1,2",
        "12,00",
        "abc",
        "3 4",
        "1e3",
        dt.date(2026, 9, 30),
        float("nan"),
        "3元",
    ],
)
def test_int_bad(raw):
    with pytest.raises(ValueError):
        to_int(raw)


# ----------------------------------------------------------------------------------------------- number


@pytest.mark.parametrize(
    "raw, want",
    [
        (31.8, 31.8),
        ("31.8", 31.8),
        ("1,200.5", 1200.5),
        (-3.0, -3),
        ("-3", -3),
        ("12万元", 12),
        ("12万", 12),
        (".5", 0.5),
        ("5.", 5),
        (70.0, 70),
        ("无", 0),
        ("７０", 70),
    ],
)
def test_number_spellings(raw, want):
    assert to_number(raw) == want


def test_number_whole_values_are_ints():
    assert type(to_number(70.0)) is int
    assert type(to_number(31.8)) is float


@pytest.mark.parametrize("raw", ["abc", "12元", "1.2.3", float("inf"), float("nan"), dt.date(2026, 1, 1)])
def test_number_bad(raw):
    with pytest.raises(ValueError):
        to_number(raw)


# ---------------------------------------------------------------------------------------------- percent


@pytest.mark.parametrize(
    "raw, want",
    [
        (85, 85),
        (85.0, 85),
        ("85", 85),
        ("85%", 85),
        ("85％", 85),
        ("８５％", 85),
        (" 85 % ", 85),
        (0.85, 85),
        ("0.85", 85),
        (0.855, 85.5),
        (1.0, 100),
        (1, 100),
        (100, 100),
        (0, 0),
        (0.0, 0),
        ("0.5%", 0.5),
        ("100%", 100),
        ("59.5", 59.5),
    ],
)
def test_percent_spellings(raw, want):
    assert to_percent(raw) == want


def test_percent_fraction_has_no_float_noise():
    assert to_percent(0.85) == 85 and type(to_percent(0.85)) is int
    assert to_percent(0.57) == 57


@pytest.mark.parametrize("raw", ["", " ", "-", "/", "无", None])
def test_percent_blank(raw):
    assert to_percent(raw) is None


@pytest.mark.parametrize("raw", [120, "120%", -5, "-0.5", "八十五", "85%%", "high", dt.date(2026, 1, 1)])
def test_percent_bad(raw):
    with pytest.raises(ValueError):
        to_percent(raw)


# ------------------------------------------------------------------------------------------------- bool


@pytest.mark.parametrize(
    "raw",
    [
        "是",
        "有",
        "√",
        "✓",
        "✔",
        "对",
        "已",
        "已完成",
        "完成",
        "落实",
        "已落实",
        "Y",
        "y",
        "Yes",
        "YES",
        "true",
        "TRUE",
        "1",
        1,
        1.0,
        True,
        "Ｙ",
        " 是 ",
    ],
)
def test_bool_yes(raw):
    assert to_bool(raw) is True


@pytest.mark.parametrize(
    "raw",
    [
        "否",
        "无",
        "没有",
        "×",
        "✗",
        "✘",
        "X",
        "x",
        "错",
        "未",
        "未完成",
        "未落实",
        "N",
        "n",
        "No",
        "NO",
        "false",
        "False",
        "0",
        0,
        0.0,
        False,
        "不",
    ],
)
def test_bool_no(raw):
    assert to_bool(raw) is False


@pytest.mark.parametrize("raw", ["", "  ", "-", "/", None])
def test_bool_blank(raw):
    assert to_bool(raw) is None


@pytest.mark.parametrize("raw", ["正常", "不正常", "maybe", "是否", "2", 2.0, 0.5, dt.date(2026, 1, 1)])
def test_bool_bad(raw):
    with pytest.raises(ValueError):
        to_bool(raw)


# ------------------------------------------------------------------------------------------------- date


@pytest.mark.parametrize(
    "raw",
    [
        D,
        dt.datetime(2026, 9, 30, 9, 0),
        "2026-09-30",
        "2026/9/30",
        "2026.9.30",
        "2026年9月30日",
        "20260930",
        20260930,
        20260930.0,
        "２０２６年９月３０日",
    ],
)
def test_date_spellings(raw):
    assert to_date(raw) == D


@pytest.mark.parametrize("raw", ["2026-13-40", "20261340", 45930.0, 45930, "soon", True, dt.time(9, 0)])
def test_date_bad(raw):
    with pytest.raises(ValueError):
        to_date(raw)


def test_date_blank():
    assert to_date("") is None and to_date("无") is None and to_date("-") is None


# ------------------------------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "raw, want",
    [
        (" 宋三村 ", "宋三村"),
        ("宋 三村", "宋三村"),
        ("宋\n三村", "宋三村"),
        ("邓埠镇\u3000", "邓埠镇"),
        ("ＡＢＣ村", "ABC村"),
        ("Dongyang  Village", "Dongyang Village"),
        (360622101201.0, "360622101201"),
        (360622101201, "360622101201"),
        ("360622101201", "360622101201"),
        (3.5, "3.5"),
        (1e20, "100000000000000000000"),
        (D, "2026-09-30"),
        (dt.datetime(2026, 9, 30), "2026-09-30"),
        (True, "TRUE"),
    ],
)
def test_text(raw, want):
    assert to_text(raw) == want


@pytest.mark.parametrize("raw", ["", "  ", "-", "/", "—", "无", None])
def test_text_blank(raw):
    assert to_text(raw) is None


# ------------------------------------------------------------------------------------------- convert()


def test_convert_dispatches_and_raises_value_error_only():
    assert convert("int", "１２") == 12
    assert convert("bool", "有") is True
    with pytest.raises(ValueError):
        convert("int", [1, 2])
    with pytest.raises(ValueError):
        convert("percent", {"a": 1})


def test_problem_codes_are_documented_ones():
    assert PROBLEM_CODES == {
        "int": "bad-number",
        "number": "bad-number",
        "percent": "bad-percent",
        "bool": "bad-bool",
        "date": "bad-date",
    }


# ------------------------------------------------------------------------------------- column converters


def test_convert_column_int_with_bad_values():
    memos = new_memos()
    values, bad = convert_column("int", [0.0, 1.0, "１２", "七", "", 3.5, 0.0], memos)
    assert values == [0, 1, 12, BAD, None, BAD, 0]
    assert bad is True


def test_convert_column_reports_bad_even_when_seen_before():
    memos = new_memos()
    convert_column("int", ["七"], memos)
    values, bad = convert_column("int", [1.0, "七"], memos)  # the bad value is not cached as fine
    assert values == [1, BAD] and bad is True
    values, bad = convert_column("int", [1.0, 2.0], memos)
    assert bad is False


def test_convert_column_bool_treats_true_and_one_alike():
    memos = new_memos()
    values, _ = convert_column("bool", [True, 1.0, 1, "1", "是", False, 0.0, "否"], memos)
    assert values == [True, True, True, True, True, False, False, False]


def test_convert_column_text_clean_column_is_kept_as_is():
    col = ("邓埠镇", "黄溪镇", "马荃镇")
    values, bad = convert_column("text", col, new_memos())
    assert values is col and bad is False


def test_convert_column_text_messy_and_blank():
    values, _ = convert_column("text", ["邓埠镇", " 黄溪镇", "", "-", "宋 三村", "ＡＢ"], new_memos())
    assert values == ["邓埠镇", "黄溪镇", None, None, "宋三村", "AB"]


def test_convert_column_codes_as_numbers_keep_their_digits():
    values, _ = convert_column("text", (360622101201.0, 360622101202.0), new_memos())
    assert values == ["360622101201", "360622101202"]
    values, _ = convert_column("text", (360622101201.0, "", 3.5), new_memos())
    assert values == ["360622101201", None, "3.5"]


def test_convert_column_percent_fraction_and_whole():
    values, _ = convert_column("percent", [0.85, 85.0, "85%", 0.6], new_memos())
    assert values == [85, 85, 85, 60]


def test_memo_caches_good_values_only():
    m = Memo(to_int)
    assert m["3"] == 3 and "3" in m
    assert m["七"] is BAD and "七" not in m and m.bad == 1
    assert m["七"] is BAD and m.bad == 2


@pytest.mark.parametrize(
    "raw, yuan",
    [
        ("31500", 31500),
        ("31,500", 31500),
        ("31500元", 31500),
        ("3.15万", 31500),
        ("３１５００", 31500),
        (1200.0, 1200),
        (99.5, 99.5),
        ("-5", None),
        ("三万", None),
        ("nan", None),
        (True, None),
        (None, None),
    ],
)
def test_amounts_in_yuan(raw, yuan):
    from lax.read.values import to_yuan

    assert to_yuan(raw) == yuan
    if yuan is not None:
        assert type(to_yuan(raw)) is type(yuan)
