"""`lax.report`: periods, numbers as people write them, named lists, and the figures of the context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from scenario import write_ledger_yaml

from lax.criteria import load_criteria
from lax.ledger import load_entries, load_townships
from lax.problems import LaxError
from lax.report import (
    build_context,
    chinese_number,
    make_period,
    money,
    names_by_township,
    parse_quarter,
    quarters_ending_in,
    series,
    wan,
    yuan,
)

D = dt.date.fromisoformat
TODAY = D("2027-01-15")


# ------------------------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "text", ["2026Q3", "2026-Q3", "2026q3", "2026 Q3", "２０２６Ｑ３", "2026年第三季度", "2026年3季度"]
)
def test_quarter_spellings(text):
    assert parse_quarter(text) == (2026, 3)


@pytest.mark.parametrize("text", ["2026Q5", "2026-3", "Q3", "20263", "2026Q"])
def test_bad_quarters_are_refused(text):
    with pytest.raises(ValueError):
        parse_quarter(text)


def test_quarter_period_ends_on_the_quarters_last_day():
    p = make_period(today=TODAY, quarter="2026-Q3")
    assert (p.kind, p.start, p.end, p.as_of, p.key) == (
        "quarter",
        D("2026-07-01"),
        D("2026-09-30"),
        D("2026-09-30"),
        "2026Q3",
    )
    assert p.label("zh") == "2026年第三季度" and p.label("en") == "Q3 2026"
    assert make_period(today=TODAY, quarter="2026Q4").end == D("2026-12-31")
    assert make_period(today=TODAY, quarter="2026Q1").end == D("2026-03-31")


def test_year_and_range_periods():
    year = make_period(today=TODAY, year="2026")
    assert (year.start, year.end, year.label("zh"), year.label("en")) == (
        D("2026-01-01"),
        D("2026-12-31"),
        "2026年度",
        "2026",
    )
    span = make_period(today=TODAY, start=D("2026-02-01"), end=D("2026-08-15"))
    assert (span.kind, span.as_of) == ("range", D("2026-08-15"))
    assert span.label("zh") == "2026年2月1日至2026年8月15日"
    assert span.label("en") == "1 February 2026 to 15 August 2026"
    assert make_period(today=TODAY, start=D("2026-12-01")).as_of == TODAY  # --from alone runs to today


def test_a_running_period_is_taken_as_of_today_and_the_default_is_the_current_quarter():
    p = make_period(today=D("2026-08-20"))
    assert (p.key, p.end, p.as_of) == ("2026Q3", D("2026-09-30"), D("2026-08-20"))


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"quarter": "2026Q3", "year": "2026"}, "only one of quarter, year, start/end"),
        ({"quarter": "2026Q9"}, "quarter: '2026Q9' is not a quarter"),
        ({"year": "26"}, "year: '26' is not a year"),
        ({"end": D("2026-09-30")}, "end needs start"),
        ({"start": D("2026-09-30"), "end": D("2026-09-01")}, "end 2026-09-01 is before start 2026-09-30"),
        ({"year": "2028"}, "the period starts on 2028-01-01, after today (2027-01-15)"),
    ],
)
def test_bad_periods_are_usage_errors(kwargs, fragment):
    with pytest.raises(LaxError) as e:
        make_period(today=TODAY, **kwargs)
    assert fragment in str(e.value) and e.value.exit_code == 2


def test_quarters_due_within_a_period():
    assert quarters_ending_in(make_period(today=TODAY, year="2026")) == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    assert quarters_ending_in(make_period(today=D("2026-11-01"), year="2026")) == [(2026, 1), (2026, 2), (2026, 3)]
    assert quarters_ending_in(make_period(today=TODAY, start=D("2026-08-01"), end=D("2026-12-31"))) == [
        (2026, 3),
        (2026, 4),
    ]


# ------------------------------------------------------------------------------------ numbers, names


@pytest.mark.parametrize(
    "value, expected",
    [
        (31500, "31,500"),
        (0, "0"),
        (1234567, "1,234,567"),
        (3150.5, "3,150.50"),
        (31500.0, "31,500"),
        ("2,000", "2,000"),
    ],
)
def test_yuan(value, expected):
    assert yuan(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (31500, "3.15万"),
        (30000, "3万"),
        (35000, "3.5万"),
        (8000, "0.8万"),
        (12345, "1.23万"),
        (12355, "1.24万"),
        (123456789, "1.23亿"),
    ],
)
def test_wan(value, expected):
    assert wan(value) == expected


def test_money_as_each_language_writes_it():
    assert money(31500, "zh") == "3.15万元"
    assert money(8000, "zh") == "8,000元"
    assert money(31500, "en") == "31,500 yuan"
    with pytest.raises(TypeError):
        money("many", "en")


def test_chinese_numbers_for_headings():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 21, 105, 110)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "一百零五",
        "一百一十",
    ]


def _v(township, village):
    return {"township": township, "village": village}


FIRST_SUMMARY = [
    _v("Dengbu Town", "Song San Village"),
    _v("Huangxi Town", "Tazhou Village"),
    _v("Maquan Town", "Xindian Village"),
    _v("Honghu Township", "Dongyang Village"),
    _v("Honghu Township", "Tangqiao Village"),
    _v("Huangzhuang Township", "Fangqiu Village"),
    _v("Yangxi Township", "Dunshang Village"),
]


def test_named_list_in_english_groups_by_township():
    assert names_by_township(FIRST_SUMMARY, "en") == (
        "Song San Village in Dengbu Town, Tazhou Village in Huangxi Town, Xindian Village in Maquan Town, "
        "Dongyang Village and Tangqiao Village in Honghu Township, Fangqiu Village in Huangzhuang Township "
        "and Dunshang Village in Yangxi Township"
    )
    # A last group of several villages gets a serial comma, so its "and" does not blur into the list's.
    assert names_by_township(FIRST_SUMMARY[:5], "en").endswith(
        "Xindian Village in Maquan Town, and Dongyang Village and Tangqiao Village in Honghu Township"
    )
    assert names_by_township(FIRST_SUMMARY[3:5], "en") == "Dongyang Village and Tangqiao Village in Honghu Township"
    assert names_by_township([], "en") == ""


def test_named_list_in_chinese_groups_by_township():
    zh = [
        _v("邓埠镇", "宋三村"),
        _v("黄溪镇", "塔洲村"),
        _v("洪湖乡", "东阳村"),
        _v("洪湖乡", "塘桥村"),
        _v("黄庄乡", "方丘村"),
    ]
    assert names_by_township(zh, "zh") == "邓埠镇宋三村，黄溪镇塔洲村，洪湖乡东阳村、塘桥村，黄庄乡方丘村"
    assert names_by_township(zh[:2], "zh") == "邓埠镇宋三村、黄溪镇塔洲村"  # one village each: a plain list
    assert names_by_township(zh, "zh", limit=3) == "邓埠镇宋三村、黄溪镇塔洲村、洪湖乡东阳村等5个村"
    assert names_by_township(zh, "zh", limit=4) == "邓埠镇宋三村，黄溪镇塔洲村，洪湖乡东阳村、塘桥村等5个村"
    assert names_by_township(FIRST_SUMMARY, "en", limit=2) == (
        "Song San Village in Dengbu Town, Tazhou Village in Huangxi Town and 5 other villages"
    )


def test_series():
    assert series(["A", "B", "C"], "en") == "A, B and C"
    assert series(["甲", "乙", "丙"], "zh") == "甲、乙、丙"


# ------------------------------------------------------------------------------------------ context


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = write_ledger_yaml(tmp_path_factory.mktemp("county") / "ledger", "zh")
    entries, problems = load_entries(folder)
    assert problems == []
    return entries, load_townships(folder), load_criteria()


def _context(county, lang="zh", **kwargs):
    entries, townships, criteria = county
    period = kwargs.pop("period", None) or make_period(today=TODAY, quarter="2026Q3")
    return build_context(entries, townships, criteria, period, lang=lang, **kwargs)


def _names(group):
    return [v["township"] + v["village"] for v in group["villages"]]


def test_county_figures_of_the_first_source_summary(county):
    c = _context(county)
    assert c["identified"]["count"] == 15
    assert c["identified_in_period"]["count"] == 3 and c["carried_over"]["count"] == 12
    assert c["accepted"]["count"] == 14
    assert c["failed"]["count"] == 1 and _names(c["failed"]) == ["锦江镇团黄村"]
    assert c["rectifying"]["count"] == 1 and c["overdue"]["count"] == 0
    assert c["watching"]["count"] == 14 and c["closed"]["count"] == 0 and c["rebounds"]["count"] == 0
    assert c["funds"] == {"period": 9300, "total": 31500}
    assert {s["id"]: s["count"] for s in c["standards"] if s["count"]} == {
        "C02": 1,
        "C05": 7,
        "C11": 1,
        "C12": 1,
        "C13": 3,
        "C14": 4,
        "C15": 1,
    }
    assert {ch["id"]: ch["count"] for ch in c["channels"]} == {"self": 9, "mass": 1, "spot": 2, "department": 3}
    assert c["responsible"] == {"county_leader": 15, "township_leader": 15, "first_secretary": 4, "helping_unit": 12}


def test_accepted_villages_are_named_grouped_by_township_in_code_order(county):
    c = _context(county)
    assert names_by_township(c["accepted"]["villages"], "zh") == (
        "邓埠镇宋三村，锦江镇潜山村，黄溪镇塔洲村，中童镇石艾村、坪上村，马荃镇新店村，画桥镇画桥村，"
        "洪湖乡东阳村、塘桥村，黄庄乡方丘村，平定乡东安村、平定村，杨溪乡墩上村，春涛乡罗坪村"
    )


def test_events_after_the_period_are_ignored(county):
    q3 = _context(county)
    tuanhuang = next(v for v in q3["villages"] if v["village"] == "团黄村")
    assert tuanhuang["status"] == "rectifying" and len(tuanhuang["acceptances"]) == 1
    luoping = next(v for v in q3["villages"] if v["village"] == "罗坪村")
    assert luoping["funds_total"] == 8000 and [p["date"] for p in luoping["progress"]] == ["2026-05-01"]
    # The same ledger a quarter later counts them.
    year = _context(county, period=make_period(today=TODAY, year="2026"))
    assert year["accepted"]["count"] == 15 and year["failed"]["count"] == 0
    assert year["failed_in_period"]["count"] == 1  # it did fail once in 2026
    assert year["funds"] == {"period": 35500, "total": 35500}


def test_a_past_quarter_is_reproducible_whenever_it_is_drafted(county):
    entries, townships, criteria = county
    drafted_then = make_period(today=D("2026-10-01"), quarter="2026Q3")
    drafted_later = make_period(today=D("2028-06-30"), quarter="2026Q3")
    assert build_context(entries, townships, criteria, drafted_then, lang="en") == build_context(
        entries, townships, criteria, drafted_later, lang="en"
    )


def test_late_and_missing_quarterly_submissions(county):
    q3 = _context(county)
    assert [(r["township"], r["quarter"], r["status"]) for r in q3["submissions"]["late"]] == [
        ("中童镇", "2026Q3", "missing"),
        ("春涛乡", "2026Q3", "missing"),
    ]  # 春涛乡's came after the quarter's end
    year = _context(county, period=make_period(today=TODAY, year="2026"))
    chuntao = next(t for t in year["townships"] if t["township"] == "春涛乡")
    assert [(s["quarter"], s["status"], s["date"]) for s in chuntao["submissions"]] == [
        ("2026Q1", "on_time", "2026-03-27"),
        ("2026Q2", "on_time", "2026-06-26"),
        ("2026Q3", "late", "2026-10-09"),
        ("2026Q4", "on_time", "2026-12-28"),
    ]
    assert chuntao["submissions"][2]["status_text"] == "逾期报送（2026年10月9日）"
    assert (chuntao["late"], chuntao["missing"]) == (1, 0)
    # 中童镇 sent its fourth quarter in January: as of the year's end it is missing.
    assert [(r["township"], r["quarter"], r["status"]) for r in year["submissions"]["late"]] == [
        ("中童镇", "2026Q3", "missing"),
        ("中童镇", "2026Q4", "missing"),
        ("春涛乡", "2026Q3", "late"),
    ]


def test_missed_inclusions_escalate_on_a_second_miss_in_one_year(county):
    q3 = _context(county)
    assert q3["missed_inclusions"]["count"] == 1
    row = q3["missed_inclusions"]["townships"][0]
    assert (row["township"], row["count"], row["year_counts"], row["escalate"]) == ("平定乡", 1, {"2026": 2}, True)
    assert q3["missed_inclusions"]["escalated"] == ["平定乡"]
    q1 = _context(county, period=make_period(today=TODAY, quarter="2026Q1"))
    assert q1["missed_inclusions"]["townships"][0]["escalate"] is False


def test_a_row_per_township_including_townships_known_only_from_their_submissions(county):
    c = _context(county)
    assert [t["township"] for t in c["townships"]] == [
        "邓埠镇",
        "锦江镇",
        "黄溪镇",
        "中童镇",
        "马荃镇",
        "画桥镇",
        "洪湖乡",
        "黄庄乡",
        "平定乡",
        "杨溪乡",
        "春涛乡",
    ]
    jingjiang = c["townships"][1]
    assert {k: jingjiang[k] for k in ("identified", "rectifying", "accepted", "failed", "funds", "funds_total")} == {
        "identified": 2,
        "rectifying": 1,
        "accepted": 1,
        "failed": 1,
        "funds": 0,
        "funds_total": 1700,
    }


def test_a_village_record_has_its_standards_measures_people_progress_and_acceptance(county):
    c = _context(county, lang="zh")
    v = next(v for v in c["villages"] if v["village"] == "团黄村")
    assert [s["id"] for s in v["standards"]] == ["C13", "C14"]
    assert v["standards"][1]["evidence"] == [
        {"field": "mass_incidents", "title": "群体性事件数", "value": 1, "text": "1"}
    ]
    assert v["measures"] == ["调整村班子，由村委会副主任暂时主持村里全面工作", "做好息访息诉工作"]
    assert [(p["title"], p["name"]) for p in v["people"]] == [
        ("县级联系领导", "刘芳"),
        ("乡镇包村领导", "吴平"),
        ("第一书记", "郑斌"),
        ("结对帮扶单位", "县信访局"),
    ]
    assert v["acceptance"] == {
        "date": "2026-09-22",
        "passed": False,
        "score": 62,
        "by": "县委组织部",
        "note": "刑事案件尚未审结",
        "deadline": "2026-12-31",
        "in_period": True,
    }
    assert (v["status_text"], v["deadline"], v["channel_text"]) == ("整改中", "2026-12-31", "县直部门通报")


def test_township_and_village_scopes(county):
    entries = county[0]
    t = _context(county, level="township", township="洪湖乡")
    assert t["scope"] == {"level": "township", "name": "洪湖乡", "township": "洪湖乡", "village": None}
    assert _names(t["identified"]) == ["洪湖乡东阳村", "洪湖乡塘桥村"] and len(t["townships"]) == 1
    assert t["funds"] == {"period": 0, "total": 4500}
    v = _context(county, level="village", village=next(e for e in entries if e.village == "罗坪村"))
    assert v["village"]["name"] == "春涛乡罗坪村" and v["identified"]["count"] == 1


def _write(folder: Path, name: str, doc: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_overdue_rebound_and_closed_before_the_period(tmp_path):
    folder = tmp_path / "ledger"
    _write(
        folder,
        "黄庄乡-方丘村.yaml",
        {
            "township": "黄庄乡",
            "village": "方丘村",
            "code": None,
            "events": [
                {"date": D("2026-01-10"), "type": "identified", "channel": "self", "criteria": ["C12"]},
                {"date": D("2026-01-20"), "type": "planned", "measures": ["化解信访矛盾"]},
            ],
        },
    )
    _write(
        folder,
        "杨溪乡-墩上村.yaml",
        {
            "township": "杨溪乡",
            "village": "墩上村",
            "code": None,
            "events": [
                {"date": D("2025-10-10"), "type": "identified", "channel": "self", "criteria": ["C13"]},
                {"date": D("2025-10-20"), "type": "planned", "measures": ["处理违纪干部"]},
                {"date": D("2026-03-01"), "type": "acceptance", "passed": True, "score": 80},
                {"date": D("2026-08-01"), "type": "reopened", "reason": "再次出现越级访", "criteria": ["C12"]},
            ],
        },
    )
    _write(
        folder,
        "邓埠镇-宋三村.yaml",
        {
            "township": "邓埠镇",
            "village": "宋三村",
            "code": None,
            "events": [
                {"date": D("2024-03-01"), "type": "identified", "channel": "self", "criteria": ["C05"]},
                {"date": D("2024-03-10"), "type": "planned", "measures": ["完成换届"]},
                {"date": D("2024-06-01"), "type": "acceptance", "passed": True},
                {"date": D("2025-06-02"), "type": "closed"},
            ],
        },
    )
    entries, problems = load_entries(folder)
    assert problems == []
    period = make_period(today=TODAY, quarter="2026Q3")
    c = build_context(entries, load_townships(folder), load_criteria(), period, lang="en")
    assert _names(c["overdue"]) == ["黄庄乡方丘村"]  # time limit 2026-07-10 passed without acceptance
    assert _names(c["rebounds"]) == ["杨溪乡墩上村"] and c["rebounds_in_period"]["count"] == 1
    dunshang = next(v for v in c["villages"] if v["village"] == "墩上村")
    assert [s["id"] for s in dunshang["standards"]] == ["C13", "C12"] and dunshang["status"] == "rectifying"
    # Closed in 2025: not part of a 2026 report, though its township still has a row.
    assert c["identified"]["count"] == 2 and "邓埠镇" in [t["township"] for t in c["townships"]]


def test_bad_funds_in_a_hand_edited_file_name_the_file_and_line(tmp_path):
    from lax.ledger import Entry
    from lax.lifecycle import Event

    entry = Entry(
        Path("ledger/洪湖乡-东阳村.yaml"),
        "洪湖乡",
        "东阳村",
        None,
        (
            Event(D("2026-04-10"), "identified", {"channel": "self", "criteria": ["C14"]}, 5),
            Event(D("2026-05-10"), "progress", {"note": "拆除违建", "funds": "三千"}, 14),
        ),
    )
    with pytest.raises(LaxError) as e:
        build_context([entry], {}, load_criteria(), make_period(today=TODAY, quarter="2026Q2"), lang="en")
    assert str(e.value) == "ledger/洪湖乡-东阳村.yaml:14: funds '三千' is not an amount in yuan"
