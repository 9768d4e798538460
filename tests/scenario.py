"""The county of the first source summary as a ledger, shared by the report tests (test_report_scenario's golden
files, test_report_context, test_report_render).

Yujiang county, 2026: fifteen villages identified (twelve before the third quarter, three in it), fourteen
passed acceptance and one (锦江镇团黄村) failed; 31,500 yuan spent by the end of the quarter. Two events
come after the quarter and must not count in its report: more funds for 罗坪村 and 团黄村 passing on a
second inspection. 平定乡 missed two villages that county spot checks found (a second miss in one year
escalates); 春涛乡 sent its third-quarter examination late, and 中童镇 sent none for the third quarter
and its fourth only after the year's end.

The golden files come from a ledger made through the CLI (`write_ledger_cli`); the other report tests use
the same county written directly as files in the ledger's format (`write_ledger_yaml`,
docs/ledger.md "The file format"), which also hold the evidence `lax check --record` would have recorded. Each text
is given in Chinese and in English, so the English reports read a ledger kept in English, as the English
example county is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

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


def write_ledger_yaml(folder: Path, lang: str) -> Path:
    """The scenario written directly as ledger files in the contract's format."""
    folder.mkdir(parents=True, exist_ok=True)
    for township, village, code, events in village_events(lang):
        doc = {
            "township": township,
            "village": village,
            "code": code,
            "events": [{"date": day, "type": etype, **data} for etype, day, data in events],
        }
        name = f"{township}-{village}.yaml".replace("/", "_")
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_townships_yaml(folder, lang)
    return folder


def write_townships_yaml(folder: Path, lang: str) -> None:
    tdir = folder / "_townships"
    tdir.mkdir(parents=True, exist_ok=True)
    per: dict[str, list] = {}
    for township, quarter, day in SUBMISSIONS:
        per.setdefault(township, []).append({"date": day, "type": "submission", "quarter": quarter, "villages": 20})
    for township, events in per.items():
        name = text(township, lang)
        events.sort(key=lambda e: e["date"])
        (tdir / f"{name}.yaml").write_text(
            yaml.safe_dump({"township": name, "events": events}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


def _opt(name, value):
    return [name, str(value)] if value not in (None, "", []) else []


# What the county measured in the two villages its spot checks found: satisfaction and collective petitions in
# the spot-check sheet (neither meets a standard), and again at the acceptance (`accept --satisfaction`), so
# that 成效 says the change: satisfaction from 63.5% on average to 89%, collective petitions from 3 to 0.
MEASURED = {
    "360622203201": ({"群众满意度": 62, "集体访次数": 2}, ["--satisfaction", "88", "--collective-petitions", "0"]),
    "360622203204": ({"群众满意度": 65, "集体访次数": 1}, ["--satisfaction", "90%", "--collective-petitions", "0"]),
}


def write_ledger_cli(folder: Path, lang: str) -> Path:
    """The scenario made the way a county office makes it: the villages its spot checks found through
    `lax check --channel spot --record` (which also records the townships' missed inclusions), the others
    through `lax ledger open`, and every plan, progress report and acceptance through `lax ledger`."""
    from typer.testing import CliRunner

    from lax.cli import app

    runner = CliRunner()

    def run(*args, exit_code=0):
        result = runner.invoke(app, [*args, "--ledger", str(folder)])
        assert result.exit_code == exit_code, (args, result.output)

    for township, village, code, events in village_events(lang):
        target = f"{township}/{village}"
        for etype, day, data in events:
            date = ["--date", day.isoformat()]
            if etype == "missed_inclusion":
                continue  # recorded by the spot check below
            if etype == "identified" and data["channel"] == "spot":
                sheet = folder.parent / f"spot-{lang}-{code}.csv"
                fields = {f: v for shown in data["evidence"].values() for f, v in shown.items()}
                cells = {f: ("是" if v else "否") if isinstance(v, bool) else str(v) for f, v in fields.items()}
                cells.update({title: str(v) for title, v in MEASURED.get(code, ({}, []))[0].items()})
                sheet.write_text(
                    "乡镇,村名,村代码," + ",".join(cells) + "\n"
                    f"{township},{village},{code}," + ",".join(cells.values()) + "\n",
                    encoding="utf-8",
                )
                run("check", str(sheet), "--channel", "spot", "--record", "--as-of", day.isoformat(), exit_code=1)
            elif etype == "identified":
                run(
                    "ledger",
                    "open",
                    village,
                    "--township",
                    township,
                    "--standards",
                    ",".join(data["criteria"]),
                    "--code",
                    code,
                    "--channel",
                    data["channel"],
                    *date,
                    *_opt("--note", data.get("note")),
                )
            elif etype == "planned":
                args = ["ledger", "plan", target]
                for m in data["measures"]:
                    args += ["--measure", m]
                for key in ("county_leader", "township_leader", "first_secretary", "helping_unit"):
                    args += _opt("--" + key.replace("_", "-"), data.get(key))
                run(*args, *date)
            elif etype == "progress":
                highlight = ["--highlight"] if data.get("highlight") else []
                run("ledger", "progress", target, data["note"], "--funds", str(data["funds"]), *highlight, *date)
            elif etype == "acceptance":
                run(
                    "ledger",
                    "accept",
                    target,
                    "--pass" if data["passed"] else "--fail",
                    "--score",
                    str(data["score"]),
                    "--by",
                    data["by"],
                    *_opt("--deadline", data.get("deadline")),
                    *_opt("--note", data.get("note")),
                    *MEASURED.get(code, ({}, []))[1],
                    *date,
                )
    # `lax check --record` records a township's submission for the quarter of the day it runs, so a late
    # submission for a past quarter cannot be made through the CLI: the township files are written as it
    # writes them.
    write_townships_yaml(folder, lang)
    for day, township, kind, what, figures in WORK:
        level = ["--township", text(township, lang)] if township else ["--county"]
        extra = [arg for key, value in figures.items() for arg in ("--" + key, str(value))]
        run("ledger", "work", text(what, lang), "--kind", kind, *level, *extra, "--date", day.isoformat())
    return folder
