"""The shipped example year: Yujiang county's 2026 (the first source summary), made through lax's own commands.

    python examples/year.py OUTDIR

writes `OUTDIR/ledger` (and the township sheets it checks, in `OUTDIR/sheets`) by running, in date order,
the commands a county office runs over a year, and prints each one, so that the output is also a worked
example a clerk can read. Then the county's year report:

    lax report --year 2026 --lang zh --ledger OUTDIR/ledger --org 中共余江县委组织部

The year: eleven townships send their quarterly examination sheets (20 villages each; `lax check --record
--quarter`), and 邓埠镇's third-quarter sheet is `examples/dengbu.xlsx` as the township sent it; the county
lists villages (`lax ledger open`), records each plan, progress report (the telling ones `--highlight`) and
acceptance (锦江镇团黄村 fails once, then passes); its spot checks find two villages 平定乡 had not listed
(missed inclusions); 邓埠镇宋三村 rebounds after passing acceptance and is rectified again; 港背村 is still
being rectified at the year's end; what the county and townships did goes in as work records (`lax ledger
work`). No village is closed (销号): a village can be closed only after its watch year, which for
villages accepted in 2026 ends in 2027. Each step pins LAX_TODAY and LAX_NOW to its date and LAX_USER to the
clerk, so the ledger is the same on every run.

The test scenario (`tests/scenario.py`) is this year without the extras of `EXTRAS` (the sheet from
examples/dengbu.xlsx, the rebound and the villages it brought, the township profile columns and the
further work records), in Chinese and in English: the golden report files are made from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

D = dt.date.fromisoformat

TOWNSHIPS = {
    "邓埠镇": "Dengbu Town",
    "锦江镇": "Jingjiang Town",
    "黄溪镇": "Huangxi Town",
    "中童镇": "Zhongtong Town",
    "马荃镇": "Maquan Town",
    "画桥镇": "Huaqiao Town",
    "洪湖乡": "Honghu Township",
    "黄庄乡": "Huangzhuang Township",
    "平定乡": "Pingding Township",
    "杨溪乡": "Yangxi Township",
    "春涛乡": "Chuntao Township",
}
VILLAGES = {
    "宋三村": "Song San Village",
    "塔洲村": "Tazhou Village",
    "新店村": "Xindian Village",
    "东阳村": "Dongyang Village",
    "塘桥村": "Tangqiao Village",
    "方丘村": "Fangqiu Village",
    "墩上村": "Dunshang Village",
    "罗坪村": "Luoping Village",
    "潜山村": "Qianshan Village",
    "东安村": "Dong'an Village",
    "平定村": "Pingding Village",
    "石艾村": "Shi'ai Village",
    "画桥村": "Huaqiao Village",
    "坪上村": "Pingshang Village",
    "团黄村": "Tuanhuang Village",
}

PEOPLE = {
    "张建国": "Zhang Jianguo",
    "李明": "Li Ming",
    "王强": "Wang Qiang",
    "刘芳": "Liu Fang",
    "陈志远": "Chen Zhiyuan",
    "周海": "Zhou Hai",
    "吴平": "Wu Ping",
    "郑斌": "Zheng Bin",
    "县林业局": "County Forestry Bureau",
    "县财政局": "County Finance Bureau",
    "县信访局": "County Letters and Calls Bureau",
    "县委组织部": "County Party Organisation Department",
    "县自然资源局": "County Natural Resources Bureau",
    "县民政局": "County Civil Affairs Bureau",
}

ELECTION = (
    "召开党员大会和村民代表会议，完成“两委”换届",
    "Hold the Party members' and villagers' representatives' meetings and complete the two-committee election",
)
ELECTION_DONE = ("“两委”换届选举顺利完成", "Two-committee election completed")


def _election_village(
    township,
    village,
    code,
    day,
    channel="self",
    funds=1000,
    accepted="2026-09-16",
    score=80,
    extra_criteria=(),
    extra_measures=(),
    leader="陈志远",
    secretary=None,
    unit="县民政局",
):
    criteria = ["C05", *extra_criteria]
    evidence = {"C05": {"election_completed": False}}
    if "C13" in extra_criteria:
        evidence["C13"] = {"cadre_violations": 2}
    plan = {
        "measures": [ELECTION, *extra_measures],
        "county_leader": leader,
        "township_leader": "周海",
        "helping_unit": unit,
    }
    if secretary:
        plan["first_secretary"] = secretary
    start = D(day)
    return (
        township,
        village,
        code,
        [
            ("identified", start, {"channel": channel, "criteria": criteria, "evidence": evidence}),
            ("planned", start + dt.timedelta(days=7), plan),
            ("progress", start + dt.timedelta(days=40), {"note": ELECTION_DONE, "funds": funds}),
            ("acceptance", D(accepted), {"passed": True, "score": score, "by": "县委组织部"}),
        ],
    )


# (township, village, code, [(type, date, data)]) — texts as (zh, en) pairs, names translated by the maps above.
SCENARIO = [
    (
        "邓埠镇",
        "宋三村",
        "360622100201",
        [
            (
                "identified",
                D("2026-03-20"),
                {
                    "channel": "self",
                    "criteria": ["C14"],
                    "evidence": {"C14": {"forest_fires": 2}},
                    "note": ("一年内发生两起森林火灾", "Two forest fires within a year"),
                },
            ),
            (
                "planned",
                D("2026-03-28"),
                {
                    "measures": [
                        (
                            "成立森林防火三支队伍，明确责任",
                            "Set up three forest fire prevention teams with clear duties",
                        ),
                        (
                            "修订村规民约，明确火灾肇事者的经济处罚标准",
                            "Revise the village rules to set the fines for those who cause fires",
                        ),
                    ],
                    "county_leader": "张建国",
                    "township_leader": "李明",
                    "first_secretary": "王强",
                    "helping_unit": "县林业局",
                },
            ),
            (
                "progress",
                D("2026-05-10"),
                {
                    "note": (
                        "召开党员群众培训会，增强法律意识",
                        "Training meeting for Party members and villagers on the law",
                    ),
                    "funds": 3000,
                    "highlight": True,
                },
            ),
            ("acceptance", D("2026-08-25"), {"passed": True, "score": 85, "by": "县委组织部"}),
        ],
    ),
    (
        "锦江镇",
        "团黄村",
        "360622101208",
        [
            (
                "identified",
                D("2026-04-20"),
                {
                    "channel": "department",
                    "criteria": ["C13", "C14"],
                    "evidence": {"C13": {"cadre_violations": 1}, "C14": {"mass_incidents": 1}},
                    "note": (
                        "村支部书记组织村民围堵承包商住宅，引发群体性事件",
                        "The branch secretary led villagers to besiege a contractor's home",
                    ),
                },
            ),
            (
                "planned",
                D("2026-04-28"),
                {
                    "measures": [
                        (
                            "调整村班子，由村委会副主任暂时主持村里全面工作",
                            "Reshuffle the team; the deputy director runs the village for now",
                        ),
                        ("做好息访息诉工作", "Settle the petitions and complaints"),
                    ],
                    "county_leader": "刘芳",
                    "township_leader": "吴平",
                    "first_secretary": "郑斌",
                    "helping_unit": "县信访局",
                },
            ),
            (
                "progress",
                D("2026-06-30"),
                {"note": ("村内社会环境逐步好转", "Order in the village is improving"), "funds": 500},
            ),
            (
                "acceptance",
                D("2026-09-22"),
                {
                    "passed": False,
                    "score": 62,
                    "by": "县委组织部",
                    "deadline": D("2026-12-31"),
                    "note": ("刑事案件尚未审结", "the criminal case is not yet closed"),
                },
            ),
            # After the quarter: it must not count in the third-quarter report.
            ("acceptance", D("2026-12-20"), {"passed": True, "score": 78, "by": "县委组织部"}),
        ],
    ),
    _election_village("锦江镇", "潜山村", "360622101211", "2026-03-12", funds=1200, accepted="2026-09-08"),
    (
        "黄溪镇",
        "塔洲村",
        "360622102203",
        [
            (
                "identified",
                D("2026-03-25"),
                {"channel": "mass", "criteria": ["C15"], "evidence": {"C15": {"satisfaction": 52}}},
            ),
            (
                "planned",
                D("2026-04-02"),
                {
                    "measures": [
                        ("建设村级组织活动场所", "Build the village's Party activity venue"),
                        (
                            "对满意度测评中群众反映的问题逐项整改",
                            "Deal one by one with the complaints raised in the satisfaction evaluation",
                        ),
                    ],
                    "county_leader": "张建国",
                    "township_leader": "李明",
                    "helping_unit": "县财政局",
                },
            ),
            (
                "progress",
                D("2026-07-15"),
                {
                    "note": ("活动场所项目进入墙体粉刷阶段", "The venue project has reached wall painting"),
                    "funds": 6000,
                },
            ),
            ("acceptance", D("2026-09-10"), {"passed": True, "score": 80, "by": "县委组织部"}),
        ],
    ),
    _election_village("中童镇", "石艾村", "360622103206", "2026-03-18", funds=1000, accepted="2026-09-12"),
    _election_village("中童镇", "坪上村", "360622103214", "2026-07-05", funds=1000, accepted="2026-09-26", score=75),
    (
        "马荃镇",
        "新店村",
        "360622104210",
        [
            (
                "identified",
                D("2026-04-02"),
                {"channel": "self", "criteria": ["C02"], "evidence": {"C02": {"secretary_absent_days": 45}}},
            ),
            (
                "planned",
                D("2026-04-09"),
                {
                    "measures": [
                        (
                            "对经常脱岗的支部书记进行教育，免去其书记职务",
                            "Remove the often-absent branch secretary from the post",
                        ),
                        ("由村委会主任主持支部工作", "The village committee director leads the branch for now"),
                    ],
                    "county_leader": "刘芳",
                    "township_leader": "吴平",
                    "first_secretary": "郑斌",
                },
            ),
            (
                "progress",
                D("2026-06-18"),
                {"note": ("换届中新任书记全票当选", "The new secretary was elected unanimously"), "funds": 1500},
            ),
            ("acceptance", D("2026-09-12"), {"passed": True, "score": 88, "by": "县委组织部"}),
        ],
    ),
    _election_village("画桥镇", "画桥村", "360622105203", "2026-07-08", funds=1500, accepted="2026-09-24"),
    (
        "洪湖乡",
        "东阳村",
        "360622201205",
        [
            (
                "identified",
                D("2026-04-10"),
                {"channel": "self", "criteria": ["C14"], "evidence": {"C14": {"illegal_buildings": 12}}},
            ),
            (
                "planned",
                D("2026-04-16"),
                {
                    "measures": [
                        ("登记违章建房户，组织干部集中拆除", "Register the illegal buildings and pull them down"),
                        ("建立长效管理机制", "Set up lasting management"),
                    ],
                    "county_leader": "陈志远",
                    "township_leader": "周海",
                    "helping_unit": "县自然资源局",
                },
            ),
            (
                "progress",
                D("2026-06-05"),
                {"note": ("拆除违章建筑12户", "Twelve illegal buildings pulled down"), "funds": 2500},
            ),
            ("acceptance", D("2026-09-15"), {"passed": True, "score": 82, "by": "县委组织部"}),
        ],
    ),
    (
        "洪湖乡",
        "塘桥村",
        "360622201207",
        [
            (
                "identified",
                D("2026-04-10"),
                {"channel": "self", "criteria": ["C14"], "evidence": {"C14": {"forest_fires": 1}}},
            ),
            (
                "planned",
                D("2026-04-16"),
                {
                    "measures": [
                        (
                            "成立森林防火三支队伍，加强防火宣传",
                            "Set up three fire prevention teams and spread fire safety",
                        )
                    ],
                    "county_leader": "陈志远",
                    "township_leader": "周海",
                    "helping_unit": "县林业局",
                },
            ),
            (
                "progress",
                D("2026-06-05"),
                {"note": ("制定村规民约，明确防火责任", "Village rules on fire duties adopted"), "funds": 2000},
            ),
            ("acceptance", D("2026-09-15"), {"passed": True, "score": 80, "by": "县委组织部"}),
        ],
    ),
    (
        "黄庄乡",
        "方丘村",
        "360622202202",
        [
            (
                "identified",
                D("2026-04-15"),
                {
                    "channel": "department",
                    "criteria": ["C11", "C12"],
                    "evidence": {"C11": {"asset_cases": 1}, "C12": {"collective_petitions": 3}},
                },
            ),
            (
                "planned",
                D("2026-04-22"),
                {
                    "measures": [
                        (
                            "配合公安机关调查处理侵占集体山林资源问题",
                            "Work with the police on the seizure of collective forest",
                        ),
                        ("制定集体资产处置公约", "Adopt a convention on disposing of collective assets"),
                    ],
                    "county_leader": "张建国",
                    "township_leader": "李明",
                },
            ),
            (
                "progress",
                D("2026-06-20"),
                {
                    "note": (
                        "集体资产处置公约经村民代表会议通过",
                        "The villagers' representatives adopted the convention",
                    ),
                    "funds": 1000,
                },
            ),
            ("acceptance", D("2026-09-18"), {"passed": True, "score": 78, "by": "县委组织部"}),
        ],
    ),
    _election_village(
        "平定乡", "东安村", "360622203201", "2026-03-15", channel="spot", funds=1000, accepted="2026-09-09"
    ),
    _election_village(
        "平定乡", "平定村", "360622203204", "2026-07-20", channel="spot", funds=800, accepted="2026-09-25", score=72
    ),
    (
        "杨溪乡",
        "墩上村",
        "360622204204",
        [
            (
                "identified",
                D("2026-04-18"),
                {"channel": "department", "criteria": ["C13"], "evidence": {"C13": {"cadre_violations": 1}}},
            ),
            (
                "planned",
                D("2026-04-25"),
                {
                    "measures": [
                        (
                            "对违反计划生育政策的村干部作经济处理，并在全乡通报",
                            "Fine the cadre who broke the family-planning rules and tell the whole township",
                        )
                    ],
                    "county_leader": "刘芳",
                    "township_leader": "吴平",
                },
            ),
            (
                "progress",
                D("2026-05-30"),
                {"note": ("全乡通报处理结果", "The outcome was made known township-wide"), "funds": 500},
            ),
            ("acceptance", D("2026-09-18"), {"passed": True, "score": 76, "by": "县委组织部"}),
        ],
    ),
    _election_village(
        "春涛乡",
        "罗坪村",
        "360622205201",
        "2026-03-22",
        funds=8000,
        accepted="2026-09-20",
        score=79,
        extra_criteria=("C13",),
        secretary="王强",
        extra_measures=[
            ("乡财政借款补发拖欠的村干部工资", "Township loan to pay the village cadres' wages in arrears")
        ],
    ),
]

# After the quarter: more funds for 罗坪村 (it must not count in the third quarter).
LATE_PROGRESS = (
    "春涛乡",
    "罗坪村",
    ("progress", D("2026-10-12"), {"note": ("补发村干部工资", "Cadres' arrears paid"), "funds": 4000}),
)

# County spot checks found these villages that their township had not listed.
MISSED = [("平定乡", "东安村", D("2026-03-15"), ["C05"]), ("平定乡", "平定村", D("2026-07-20"), ["C05"])]

# Quarterly examinations: (township, quarter, date submitted). Every township sent each quarter's on time,
# except that 中童镇 sent none for the third quarter and its fourth after the year's end, and 春涛乡 sent its
# third late.
SUBMISSIONS = [
    (t, q, D(day))
    for t in TOWNSHIPS
    for q, day in (
        ("2026Q1", "2026-03-27"),
        ("2026Q2", "2026-06-26"),
        ("2026Q3", "2026-09-28"),
        ("2026Q4", "2026-12-28"),
    )
    if (t, q) not in (("中童镇", "2026Q3"), ("中童镇", "2026Q4"), ("春涛乡", "2026Q3"))
] + [("春涛乡", "2026Q3", D("2026-10-09")), ("中童镇", "2026Q4", D("2027-01-06"))]

QUARTER_END = D("2026-09-30")

# What the county and the townships did (`lax ledger work`), as summary 1 tells it: (date, township or None
# for the county, kind, text, figures).
WORK = [
    (
        D("2026-02-24"),
        None,
        "organisation",
        (
            "县委成立整顿软弱涣散村级班子工作领导小组，由县委副书记任组长，下设办公室和督导组",
            "The county committee set up a leading group headed by its deputy secretary, with an office and a "
            "supervision team",
        ),
        {},
    ),
    (
        D("2026-03-02"),
        None,
        "documents",
        (
            "以县委办名义转发《关于加强软弱涣散村级班子整顿工作的实施办法》，明确界定标准和程序",
            "Forwarded the implementation measures for the rectification in the name of the county committee "
            "office, setting out the standards and procedures",
        ),
        {},
    ),
    (
        D("2026-03-06"),
        None,
        "meetings",
        ("召开全县整顿工作动员部署会", "County mobilisation meeting on the rectification"),
        {"people": 260},
    ),
    (
        D("2026-04-15"),
        None,
        "publicity",
        (
            "利用宣传栏、黑板报宣传整顿工作的目的、意义和程序",
            "Publicity boards and blackboard newspapers on the aims and procedures of the rectification",
        ),
        {"villages": 115},
    ),
    (
        D("2026-05-10"),
        "邓埠镇",
        "training",
        ("举办党员群众培训会", "Training meeting for Party members and villagers"),
        {"people": 80, "villages": 1},
    ),
    (
        D("2026-07-25"),
        None,
        "inspection",
        (
            "县委组织部根据各乡镇上报情况对全县开展普遍抽查",
            "The organisation department spot-checked the whole county on the townships' reports",
        ),
        {"villages": 115},
    ),
    (
        D("2026-08-10"),
        None,
        "system",
        (
            "建立整改工作台账，明确整改时限和不反弹期限",
            "A rectification ledger with time limits and a watch year for every village",
        ),
        {},
    ),
    (
        D("2026-08-15"),
        "春涛乡",
        "funds",
        (
            "春涛乡财政借款补发罗坪村拖欠的村干部工资",
            "Township loan to pay Luoping Village's cadres their wages in arrears",
        ),
        {"funds": 20000},
    ),
]


def text(value, lang):
    """Pick a scenario text: (zh, en) pairs by language, names through the maps."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0] if lang == "zh" else value[1]
    if isinstance(value, str) and lang == "en":
        return TOWNSHIPS.get(value) or VILLAGES.get(value) or PEOPLE.get(value) or value
    if isinstance(value, list):
        return [text(v, lang) for v in value]
    if isinstance(value, dict):
        return {k: text(v, lang) for k, v in value.items()}
    return value


def village_events(lang):
    """(township, village, code, [(type, date, data)]) in the ledger's language, the late progress included."""
    out = []
    for township, village, code, events in SCENARIO:
        events = list(events)
        if (township, village) == LATE_PROGRESS[:2]:
            events.append(LATE_PROGRESS[2])
        for t, v, day, criteria in MISSED:
            if (t, v) == (township, village):
                events.append(("missed_inclusion", day, {"channel": "spot", "criteria": criteria}))
        events.sort(key=lambda e: (e[1], e[0] != "missed_inclusion"))
        out.append(
            (
                text(township, lang),
                text(village, lang),
                code,
                [(etype, day, text(data, lang)) for etype, day, data in events],
            )
        )
    return out


# ------------------------------------------------------------------------------------------ the extras

# What the shipped example adds to the test scenario: 邓埠镇's third-quarter sheet is examples/dengbu.xlsx,
# in which 宋三村 (accepted in August) has had forest fires again, 大桥村's secretary post is vacant and 港背村's
# committees lack two members. (township, village, the sheet's field that flags it, [(type, date, data)] of what
# follows), Chinese only.
DENGBU_CHECKED = D("2026-09-28")
EXTRAS = [
    (
        "邓埠镇",
        "宋三村",
        "forest_fires",
        [
            (
                "planned",
                D("2026-10-09"),
                {
                    "measures": [
                        "开展森林防火隐患排查，落实护林员巡山制度",
                        "对火灾肇事者依照村规民约作出处罚，并在全村通报",
                    ],
                    "county_leader": "张建国",
                    "township_leader": "李明",
                    "first_secretary": "王强",
                    "helping_unit": "县林业局",
                },
            ),
            (
                "progress",
                D("2026-11-18"),
                {"note": "组建12人护林员队伍轮流巡山，入冬以来未再发生火灾", "funds": 2000, "highlight": True},
            ),
            ("acceptance", D("2026-12-18"), {"passed": True, "score": 83, "by": "县委组织部"}),
        ],
    ),
    (
        "邓埠镇",
        "大桥村",
        "secretary_vacant_months",
        [
            (
                "planned",
                D("2026-10-08"),
                {
                    "measures": ["从本村致富能手和退伍军人中选拔支部书记人选", "由镇党委委员驻村指导支部工作"],
                    "county_leader": "张建国",
                    "township_leader": "李明",
                    "helping_unit": "县人社局",
                },
            ),
            (
                "progress",
                D("2026-11-05"),
                {"note": "新任支部书记经党员大会选举到岗", "funds": 1000, "highlight": True},
            ),
            ("acceptance", D("2026-12-22"), {"passed": True, "score": 81, "by": "县委组织部"}),
        ],
    ),
    (
        "邓埠镇",
        "港背村",
        "committee_vacancies",
        [
            (
                "planned",
                D("2026-10-08"),
                {
                    "measures": ["依法补选村“两委”成员2名"],
                    "county_leader": "张建国",
                    "township_leader": "李明",
                },
            ),
            ("progress", D("2026-12-10"), {"note": "完成补选人选的党员推荐和群众推荐", "funds": 600}),
        ],
    ),
]

# The townships' and the county's further work records of the example year (date, township or None, kind,
# text, figures).
EXTRA_WORK = [
    (
        D("2026-03-10"),
        None,
        "documents",
        "以县委组织部名义印发《关于建立软弱涣散村级党组织排查整顿工作长效机制的若干意见》",
        {},
    ),
    (D("2026-03-16"), "洪湖乡", "organisation", "党委成立由党委书记任组长的整顿工作小组，党委委员分片包村", {}),
    (D("2026-06-10"), "洪湖乡", "system", "建立违章建房巡查登记制度，村干部每周巡查一次", {"villages": 20}),
    (D("2026-07-20"), "黄溪镇", "funds", "多方筹资保障塔洲村活动场所项目按期推进", {"funds": 30000}),
    (
        D("2026-09-05"),
        None,
        "system",
        "建立排查工作联席会议制度，县直有关部门定期通报软弱涣散情形",
        {},
    ),
    (D("2026-10-15"), "邓埠镇", "meetings", "党委召开整顿工作推进会，分析宋三村问题反弹原因", {"people": 45}),
    (
        D("2026-11-20"),
        None,
        "training",
        "县委组织部举办新任村“两委”书记、主任培训班",
        {"people": 230, "villages": 115},
    ),
]


def with_extras(events: list) -> list:
    """The scenario's villages (`village_events("zh")`) with the example's extras: what examples/dengbu.xlsx
    shows (a rebound, or a new village: recorded by the check of that sheet, so no command of its own) and
    what follows it."""
    dengbu = {v["village"]: v for v in _make_examples().DENGBU}
    out = [(t, v, c, list(evs)) for t, v, c, evs in events]
    by_name = {(t, v): evs for t, v, _c, evs in out}
    for township, village, field, extra in EXTRAS:
        if (township, village) not in by_name:
            out.append((township, village, dengbu[village]["code"], []))
            by_name[(township, village)] = out[-1][3]
        etype = "reopened" if by_name[(township, village)] else "identified"
        shown = {"evidence": {"sheet": {field: dengbu[village][field]}}, "by_sheet": True}
        by_name[(township, village)].extend([(etype, DENGBU_CHECKED, shown), *extra])
    return out


# ------------------------------------------------------------------------------------------ the sheets


def _make_examples():
    """examples/make_examples.py (the fields, their titles and a village with nothing wrong)."""
    spec = importlib.util.spec_from_file_location("lax_make_examples", HERE / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PROFILE_FIELDS = ("party_members", "activists", "has_venue", "collective_income")

# Villages a township examines besides those on the ledger: names made of a place word and a landform word,
# (Chinese, pinyin); deterministic, never one of the scenario's villages.
_FIRST = [
    ("东", "Dong"), ("西", "Xi"), ("南", "Nan"), ("北", "Bei"), ("上", "Shang"), ("下", "Xia"), ("新", "Xin"),
    ("大", "Da"), ("小", "Xiao"), ("前", "Qian"), ("后", "Hou"), ("高", "Gao"), ("石", "Shi"), ("江", "Jiang"),
    ("杨", "Yang"), ("白", "Bai"), ("青", "Qing"), ("枫", "Feng"), ("桂", "Gui"), ("竹", "Zhu"),
]  # fmt: skip
_SECOND = [
    ("塘", "tang"), ("坊", "fang"), ("岭", "ling"), ("湖", "hu"), ("港", "gang"), ("溪", "xi"), ("田", "tian"),
    ("庄", "zhuang"), ("源", "yuan"), ("坪", "ping"), ("洲", "zhou"), ("湾", "wan"), ("埠", "bu"), ("头", "tou"),
    ("坑", "keng"), ("垄", "long"), ("陂", "pi"), ("圩", "wei"), ("桥", "qiao"), ("林", "lin"),
]  # fmt: skip
PER_TOWNSHIP = 20


def township_villages(full: bool) -> dict[str, list[tuple[str, str, str]]]:
    """Each township's 20 villages as (Chinese name, English name, code): its ledger villages first, then
    others (邓埠镇's, in the full year, those of examples/dengbu.xlsx)."""
    out: dict[str, list[tuple[str, str, str]]] = {t: [] for t in TOWNSHIPS}
    prefix: dict[str, str] = {}
    for township, village, code, _events in SCENARIO:
        out[township].append((village, VILLAGES[village], code))
        prefix.setdefault(township, code[:9])
    if full:
        for v in _make_examples().DENGBU:
            if v["village"] not in {x[0] for x in out["邓埠镇"]}:
                out["邓埠镇"].append((v["village"], "", v["code"]))
    taken = set(VILLAGES) | {x[0] for xs in out.values() for x in xs}
    names = [(a + b + "村", f"{pa}{pb} Village") for b, pb in _SECOND for a, pa in _FIRST]
    names = [n for n in names if n[0] not in taken]
    i = 0
    for township, villages in out.items():
        codes = {c for _z, _e, c in villages}
        n = 201
        while len(villages) < PER_TOWNSHIP:
            code = f"{prefix[township]}{n:03d}"
            n += 1
            if code in codes:
                continue
            villages.append((*names[i], code))
            i += 1
    return out


def _flags(village_events_: list) -> dict[tuple[str, str], list[tuple[dt.date, dt.date | None, dict]]]:
    """(township, village) -> the spans in which its township's sheet shows it meeting its standards, with the
    values that do: from the day it is identified (or rebounds) until it passes acceptance."""
    out: dict[tuple[str, str], list] = {}
    for township, village, _code, events in village_events_:
        spans = out.setdefault((township, village), [])
        for etype, day, data in sorted(events, key=lambda e: e[1]):
            if etype in ("identified", "reopened") and data.get("evidence"):
                values = {f: v for shown in data["evidence"].values() for f, v in shown.items()}
                spans.append([day, None, values])
            elif etype == "acceptance" and data.get("passed") and spans and spans[-1][1] is None:
                spans[-1][1] = day
    return out


def write_sheet(path: Path, township: str, quarter: str, day: dt.date, rows: list[dict], lang: str, profile: bool):
    """A township's quarterly examination as townships send it: a title row, the header, one row a village,
    the date it was examined."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    mx = _make_examples()
    fields = [f for f in mx.FIELDS if profile or f[0] not in PROFILE_FIELDS]
    wb = Workbook()
    ws = wb.active
    ws.title = "排查表" if lang == "zh" else "Examination"
    year, q = quarter.split("Q")
    ws.cell(
        1,
        1,
        f"{township}{year}年第{'一二三四'[int(q) - 1]}季度村级党组织软弱涣散情况排查表"
        if lang == "zh"
        else f"{township}: examination of village Party organisations, {year} Q{q}",
    )
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(fields))
    for i, (_fid, en, zh) in enumerate(fields, 1):
        ws.cell(2, i, zh if lang == "zh" else en).font = Font(bold=True)
    for r, values in enumerate(rows, 3):
        for i, (fid, _en, _zh) in enumerate(fields, 1):
            x = values.get(fid)
            if fid in mx.BOOLS:
                yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
                x = yes if x else no
            c = ws.cell(r, i, x)
            if fid == "checked_on":
                c.number_format = "yyyy-mm-dd"
            if fid == "code":
                c.number_format = "@"
    ws.freeze_panes = "C3"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def sheet_rows(township: str, day: dt.date, villages, flags, lang: str) -> list[dict]:
    """The rows of `township`'s sheet examined on `day`: every village clean but those in a span of `flags`."""
    mx = _make_examples()
    dengbu = {v["code"]: v for v in mx.DENGBU}
    rows = []
    for zh, en, code in villages:
        values = dict(mx.CLEAN)
        # the profile differs from village to village, as it does in a real sheet (邓埠镇's villages keep the
        # figures of its own sheet, examples/dengbu.xlsx)
        n = int(code[-3:])
        values.update(party_members=22 + n * 7 % 31, collective_income=3 + n * 13 % 40 / 2)
        if code in dengbu:
            values.update({f: dengbu[code][f] for f in PROFILE_FIELDS if f in dengbu[code]})
        if zh == "塔洲村" and day < D("2026-09-10"):
            values["has_venue"] = False  # its new venue is part of what it was accepted on
        for start, end, shown in flags.get((township, zh), ()):
            if start <= day and (end is None or day < end):
                values.update(shown)
        name = zh if lang == "zh" else en
        rows.append({**values, "township": text(township, lang), "village": name, "code": code, "checked_on": day})
    return rows


# ------------------------------------------------------------------------------------------ the year


def _shell(arg: str) -> str:
    """An argument as a clerk types it in a shell: quoted only when the shell would read it otherwise
    (Chinese text, with its full-width punctuation, needs no quotes)."""
    return arg if re.fullmatch(r"[^\s'\"\\$`!*?;&|<>(){}\[\]#~=%^]+", arg) else shlex.quote(arg)


class _Lax:
    """lax's command line, run in this process as `lax` runs it: the app's command tree is built once (building
    it costs more than most commands do), each command's output kept for the message if it fails."""

    def __init__(self):
        from typer.main import get_command

        from lax.cli import app

        self.command = get_command(app)

    def __call__(self, args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
        saved = {k: os.environ.get(k) for k in env}
        here = os.getcwd()
        out = io.StringIO()
        os.environ.update(env)
        os.chdir(cwd)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                try:
                    code = self.command.main(args=args, prog_name="lax", standalone_mode=False)
                except SystemExit as e:
                    code = e.code
        finally:
            os.chdir(here)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return (code if isinstance(code, int) else 0 if code is None else 1), out.getvalue()


# What the county measured in the two villages its spot checks found: satisfaction and collective petitions in
# the spot-check sheet (neither meets a standard), and again at the acceptance (`accept --satisfaction`), so
# that 成效 says the change: satisfaction from 63.5% on average to 89%, collective petitions from 3 to 0.
MEASURED = {
    "360622203201": ({"群众满意度": 62, "集体访次数": 2}, ["--satisfaction", "88", "--collective-petitions", "0"]),
    "360622203204": ({"群众满意度": 65, "集体访次数": 1}, ["--satisfaction", "90%", "--collective-petitions", "0"]),
}


def _opt(name, value):
    return [name, str(value)] if value not in (None, "", []) else []


CLERK = "县委组织部 章文"  # LAX_USER of every step: the county clerk who keeps the ledger


def make_year(
    ledger: Path,
    lang: str = "zh",
    *,
    full: bool = True,
    sheets: Path | None = None,
    say: Callable[[str], None] | None = print,
) -> Path:
    """Make the year's ledger in `ledger` through lax's commands (the Typer app in this process), in date
    order, each step with LAX_TODAY/LAX_NOW pinned to its date and LAX_USER to the clerk. `full`: with the
    extras of the shipped example (Chinese only); without them it is the test scenario (tests/scenario.py),
    in `lang`. `sheets`: where the township sheets are written (default: beside the ledger, `sheets/`).
    `say` gets each command as a clerk would type it. A command that does not end as expected raises."""
    if full and lang != "zh":
        raise ValueError("the full example year is kept in Chinese (examples/dengbu.xlsx is a Chinese sheet)")
    ledger = Path(ledger).resolve()
    sheets = Path(sheets).resolve() if sheets else ledger.parent / "sheets"
    base = ledger.parent
    base.mkdir(parents=True, exist_ok=True)
    rel_ledger = os.path.relpath(ledger, base)

    def rel(p: Path) -> str:
        return os.path.relpath(p, base)

    steps: list[tuple] = []  # (date, rank in the day, order given, args, exit code(s), what to do first)

    def step(day, rank, args, exit_code=0, before=None):
        steps.append((day, rank, len(steps), args, exit_code, before))

    events = with_extras(village_events(lang)) if full else village_events(lang)
    step(D("2026-01-05"), 0, ["ledger", "start", "2026Q1"])
    for township, village, code, evs in events:
        target = f"{township}/{village}"
        for etype, day, data in evs:
            date = ["--date", day.isoformat()]
            if etype == "missed_inclusion" or data.get("by_sheet"):
                continue  # recorded by the spot check below, or by the township's sheet
            if etype == "identified" and data["channel"] == "spot":
                sheet = sheets / f"spot-{code}.csv"
                fields = {f: v for shown in data["evidence"].values() for f, v in shown.items()}
                cells = {f: ("是" if v else "否") if isinstance(v, bool) else str(v) for f, v in fields.items()}
                cells.update({title: str(v) for title, v in MEASURED.get(code, ({}, []))[0].items()})

                def write_spot(sheet=sheet, township=township, village=village, code=code, cells=cells):
                    sheet.parent.mkdir(parents=True, exist_ok=True)
                    sheet.write_text(
                        "乡镇,村名,村代码," + ",".join(cells) + "\n"
                        f"{township},{village},{code}," + ",".join(cells.values()) + "\n",
                        encoding="utf-8",
                    )

                args = ["check", rel(sheet), "--channel", "spot", "--record", "--as-of", day.isoformat()]
                step(day, 0, args, exit_code=1, before=write_spot)
            elif etype == "identified":
                args = ["ledger", "open", village, "--township", township, "--standards", ",".join(data["criteria"])]
                args += ["--code", code, "--channel", data["channel"], *date, *_opt("--note", data.get("note"))]
                step(day, 0, args)
            elif etype == "planned":
                args = ["ledger", "plan", target]
                for m in data["measures"]:
                    args += ["--measure", m]
                for key in ("county_leader", "township_leader", "first_secretary", "helping_unit"):
                    args += _opt("--" + key.replace("_", "-"), data.get(key))
                step(day, 0, [*args, *date])
            elif etype == "progress":
                highlight = ["--highlight"] if data.get("highlight") else []
                args = ["ledger", "progress", target, data["note"], "--funds", str(data["funds"]), *highlight]
                step(day, 0, [*args, *date])
            elif etype == "acceptance":
                args = ["ledger", "accept", target, "--pass" if data["passed"] else "--fail"]
                args += ["--score", str(data["score"]), "--by", data["by"]]
                args += [*_opt("--deadline", data.get("deadline")), *_opt("--note", data.get("note"))]
                args += [*MEASURED.get(code, ({}, []))[1], *date]
                step(day, 0, args)

    # The townships' quarterly examinations, each recorded with the quarter it is for (a late one too).
    flags = _flags(events if lang == "zh" else village_events("zh"))  # keyed by the Chinese names
    villages = township_villages(full)
    for township, quarter, day in SUBMISSIONS:
        if full and (township, quarter) == ("邓埠镇", "2026Q3"):
            path = sheets / "dengbu.xlsx"

            def copy(path=path):
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(HERE / "dengbu.xlsx", path)

            before = copy
            day = DENGBU_CHECKED
        else:
            path = sheets / f"{text(township, lang)}-{quarter}.xlsx"
            rows = sheet_rows(township, day, villages[township], flags, lang)

            def before(path=path, township=township, quarter=quarter, day=day, rows=rows):
                write_sheet(path, text(township, lang), quarter, day, rows, lang, profile=full)

        args = ["check", rel(path), "--record", "--quarter", quarter, "--as-of", day.isoformat()]
        step(day, 1, args, exit_code=(0, 1), before=before)  # 1: villages flagged (those being rectified)

    for day, township, kind, what, figures in WORK + (EXTRA_WORK if full else []):
        level = ["--township", text(township, lang)] if township else ["--county"]
        extra = [arg for key, value in figures.items() for arg in ("--" + key, str(value))]
        step(day, 2, ["ledger", "work", text(what, lang), "--kind", kind, *level, *extra, "--date", day.isoformat()])

    lax = _Lax()
    shown_day = None
    for day, _rank, _n, args, exit_code, before in sorted(steps, key=lambda s: s[:3]):
        if before is not None:
            before()
        env = {
            "LAX_TODAY": day.isoformat(),
            "LAX_NOW": f"{day.isoformat()}T17:00:00+08:00",
            "LAX_USER": CLERK,
            "LAX_LANG": lang,
        }
        line = "lax " + " ".join(_shell(a) for a in [*args, "--ledger", rel_ledger])
        if say is not None:
            if day != shown_day:
                say(f"\n# {day.isoformat()}")
                shown_day = day
            say(line)
        code, output = lax([*args, "--ledger", rel_ledger], env, base)
        if code not in (exit_code if isinstance(exit_code, tuple) else (exit_code,)):
            raise RuntimeError(f"{line} (in {base}) ended {code}:\n{output}")
    return ledger


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[1])
        print("usage: python examples/year.py OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    ledger = out / "ledger"
    if ledger.exists() and any(ledger.iterdir()):
        print(f"{ledger}: already exists and is not empty; give a new OUTDIR", file=sys.stderr)
        return 2
    print(
        f"# The example year: each command as run in {out} (paths are relative to it), with LAX_TODAY and LAX_NOW"
        f" set to its date and LAX_USER={CLERK}"
    )
    make_year(ledger, "zh", full=True)
    print(f"\n# The county's year report:\nlax report --year 2026 --lang zh --ledger {ledger} --org 中共余江县委组织部")
    return 0


if __name__ == "__main__":
    sys.exit(main())
