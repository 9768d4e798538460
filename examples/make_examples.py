"""Generate the shipped examples (SPEC §11). Deterministic: the same content on every run.

    python examples/make_examples.py            # rewrites the files beside this script
    python examples/make_examples.py OUTDIR     # writes them into OUTDIR instead

- `yujiang.xlsx` — the county of the first source summary, in English: 20 villages in 7 townships of
  Yujiang County, a title row above the header, values that echo the summary (Xindian's secretary often
  absent, elections not completed in Chuntao Township, forest fires at Song San and Tangqiao, illegal
  buildings in Huangxi and Honghu, petitions after the disposal of Fang Qiu's forest, cadres' violations
  at Dunshang), two villages with a blank satisfaction, and no input problems.
- `dengbu.xlsx` — one Chinese township's sheet as townships really send it: a title row, a 填报单位/日期
  row, a two-row merged header (信访情况 over 集体访/越级访), header text with line breaks and full-width
  brackets, the township merged down its villages, 是/否 and 有/无, full-width digits, a percent as text,
  dates as text, a blank row, a 合计 footer and a 填表人/审核人 row.
- `villages.csv` — Chinese headers, UTF-8 with a byte-order mark, as Excel saves "CSV UTF-8".
- `villages.yaml` — a county spot check written by hand, keyed by field id.

Only openpyxl and the standard library are used, so the examples do not change when lax does.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
CREATED = dt.datetime(2026, 9, 28, 9, 0, 0)

# The 26 default fields, in criteria.yaml order: (id, English title, Chinese title).
FIELDS = [
    ("township", "Township", "乡镇"),
    ("village", "Village", "村名"),
    ("code", "Village code", "村代码"),
    ("party_members", "Party members", "党员人数"),
    ("secretary_vacant_months", "Secretary vacant (months)", "书记空缺月数"),
    ("secretary_unfit", "Secretary unfit", "书记不胜任"),
    ("secretary_absent_days", "Secretary absent (days)", "书记脱岗天数"),
    ("team_disunity", "Team disunity", "班子不团结"),
    ("committee_vacancies", "Committee vacancies", "两委缺额人数"),
    ("election_completed", "Election completed", "换届完成"),
    ("vote_buying_cases", "Vote-buying cases", "拉票贿选案件数"),
    ("org_life_held", "Org life held", "三会一课落实"),
    ("years_since_new_member", "Years since new member", "未发展党员年数"),
    ("gang_interference", "Clan/religious/gang interference", "宗族宗教黑恶势力干扰"),
    ("disclosure_missed_months", "Disclosure missed (months)", "村务财务未公开月数"),
    ("asset_cases", "Asset cases", "集体资产处置问题数"),
    ("collective_petitions", "Collective petitions", "集体访次数"),
    ("leapfrog_petitions", "Leapfrog petitions", "越级访次数"),
    ("cadre_violations", "Cadre violations", "干部违纪违法人次"),
    ("mass_incidents", "Mass incidents", "群体性事件数"),
    ("forest_fires", "Forest fires", "森林火灾次数"),
    ("illegal_buildings", "Illegal buildings", "违章建筑户数"),
    ("has_venue", "Has venue", "有固定活动场所"),
    ("satisfaction", "Satisfaction (%)", "群众满意度"),
    ("collective_income", "Collective income (10k yuan)", "村集体经济收入(万元)"),
    ("checked_on", "Checked on", "排查日期"),
]
IDS = [f[0] for f in FIELDS]
BOOLS = {"secretary_unfit", "team_disunity", "election_completed", "org_life_held", "gang_interference", "has_venue"}

# A village with nothing wrong; each example village states only what differs from it.
CLEAN = {
    "party_members": 30,
    "secretary_vacant_months": 0,
    "secretary_unfit": False,
    "secretary_absent_days": 0,
    "team_disunity": False,
    "committee_vacancies": 0,
    "election_completed": True,
    "vote_buying_cases": 0,
    "org_life_held": True,
    "years_since_new_member": 0,
    "gang_interference": False,
    "disclosure_missed_months": 0,
    "asset_cases": 0,
    "collective_petitions": 0,
    "leapfrog_petitions": 0,
    "cadre_violations": 0,
    "mass_incidents": 0,
    "forest_fires": 0,
    "illegal_buildings": 0,
    "has_venue": True,
    "satisfaction": 88,
    "collective_income": 8.5,
}


def village(township: str, name: str, code: str, checked_on: dt.date, **changes) -> dict:
    unknown = set(changes) - set(IDS)
    assert not unknown, unknown
    return {"township": township, "village": name, "code": code, **CLEAN, "checked_on": checked_on, **changes}


# ------------------------------------------------------------------------------ Yujiang (English)

D = dt.date
YUJIANG = [
    # Dengbu Town: Song San set up forest-fire teams after two fires.
    village(
        "Dengbu Town",
        "Song San Village",
        "360622100201",
        D(2026, 9, 24),
        party_members=46,
        forest_fires=2,
        satisfaction=78,
        collective_income=12.6,
    ),
    village("Dengbu Town", "Xiantai Village", "360622100202", D(2026, 9, 24), party_members=38, satisfaction=91),
    village(
        "Dengbu Town",
        "Shangzhou Village",
        "360622100203",
        D(2026, 9, 24),
        party_members=27,
        years_since_new_member=1,
        collective_petitions=1,
        satisfaction=86,
        collective_income=5.2,
    ),
    # Huangxi Town: illegal buildings; the mass satisfaction evaluation; Tazhou had no venue of its own.
    village(
        "Huangxi Town",
        "Tazhou Village",
        "360622101201",
        D(2026, 9, 25),
        party_members=33,
        illegal_buildings=14,
        has_venue=False,
        satisfaction=56,
        collective_income=2.1,
    ),
    village(
        "Huangxi Town",
        "Huangxi Village",
        "360622101202",
        D(2026, 9, 25),
        party_members=52,
        illegal_buildings=6,
        satisfaction=83,
        collective_income=15.0,
    ),
    village(
        "Huangxi Town",
        "Baitang Village",
        "360622101203",
        D(2026, 9, 25),
        party_members=24,
        illegal_buildings=2,
        satisfaction=90,
        collective_income=6.8,
    ),
    # Ma Quan Town: Xindian's branch secretary often left his post.
    village(
        "Ma Quan Town",
        "Xindian Village",
        "360622102201",
        D(2026, 9, 23),
        party_members=29,
        secretary_absent_days=62,
        satisfaction=64,
        collective_income=4.4,
    ),
    village(
        "Ma Quan Town",
        "Maquan Village",
        "360622102202",
        D(2026, 9, 23),
        party_members=41,
        satisfaction=None,
        collective_income=9.7,
    ),
    # Honghu Township: illegal buildings at Dongyang, a forest fire at Tangqiao.
    village(
        "Honghu Township",
        "Dongyang Village",
        "360622200201",
        D(2026, 9, 26),
        party_members=35,
        illegal_buildings=11,
        satisfaction=72,
        collective_income=7.3,
    ),
    village(
        "Honghu Township",
        "Tangqiao Village",
        "360622200202",
        D(2026, 9, 26),
        party_members=31,
        forest_fires=1,
        satisfaction=80,
        collective_income=3.9,
    ),
    village(
        "Honghu Township",
        "Honghu Village",
        "360622200203",
        D(2026, 9, 26),
        party_members=44,
        illegal_buildings=3,
        satisfaction=87,
        collective_income=11.2,
    ),
    # Huang Zhuang Township: the unfair disposal of Fang Qiu's mountain forest led to petitions.
    village(
        "Huang Zhuang Township",
        "Fang Qiu Village",
        "360622201201",
        D(2026, 9, 22),
        party_members=26,
        asset_cases=1,
        collective_petitions=4,
        leapfrog_petitions=1,
        satisfaction=61,
        collective_income=1.5,
    ),
    village(
        "Huang Zhuang Township",
        "Huangzhuang Village",
        "360622201202",
        D(2026, 9, 22),
        party_members=39,
        satisfaction=89,
        collective_income=10.4,
    ),
    # Yangxi Township: Dunshang's cadres broke the family-planning rules.
    village(
        "Yangxi Township",
        "Dunshang Village",
        "360622202201",
        D(2026, 9, 27),
        party_members=28,
        cadre_violations=2,
        satisfaction=70,
        collective_income=3.0,
    ),
    village(
        "Yangxi Township",
        "Yangxi Village",
        "360622202202",
        D(2026, 9, 27),
        party_members=36,
        satisfaction=None,
        collective_income=6.1,
    ),
    # Chuntao Township: the two-committee election failed in Luoping, Qianshan and Dong'an; Luoping is in
    # debt, its cadres unpaid, and cadres there broke the family-planning rules too.
    village(
        "Chuntao Township",
        "Luoping Village",
        "360622203201",
        D(2026, 9, 21),
        party_members=22,
        committee_vacancies=1,
        election_completed=False,
        cadre_violations=1,
        satisfaction=58,
        collective_income=0.6,
    ),
    village(
        "Chuntao Township",
        "Qianshan Village",
        "360622203202",
        D(2026, 9, 21),
        party_members=25,
        election_completed=False,
        satisfaction=74,
        collective_income=2.7,
    ),
    village(
        "Chuntao Township",
        "Dong'an Village",
        "360622203203",
        D(2026, 9, 21),
        party_members=30,
        election_completed=False,
        satisfaction=76,
        collective_income=3.3,
    ),
    village(
        "Chuntao Township",
        "Pingding Village",
        "360622203204",
        D(2026, 9, 21),
        party_members=34,
        satisfaction=84,
        collective_income=5.9,
    ),
    village(
        "Chuntao Township",
        "Shi'ai Village",
        "360622203205",
        D(2026, 9, 21),
        party_members=27,
        years_since_new_member=1,
        satisfaction=82,
        collective_income=4.8,
    ),
]
# What `lax check examples/yujiang.xlsx` finds (tests/test_examples.py holds lax to it).
YUJIANG_FLAGGED = {
    "Song San Village": ["C14"],
    "Tazhou Village": ["C14", "C15"],
    "Xindian Village": ["C02"],
    "Dongyang Village": ["C14"],
    "Tangqiao Village": ["C14"],
    "Fang Qiu Village": ["C11", "C12"],
    "Dunshang Village": ["C13"],
    "Luoping Village": ["C05", "C13", "C15"],
    "Qianshan Village": ["C05"],
    "Dong'an Village": ["C05"],
}
YUJIANG_UNDETERMINED = {"Maquan Village": ["C15"], "Yangxi Village": ["C15"]}

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.properties.creator = "lax examples"
    wb.properties.title = title
    wb.properties.created = CREATED
    return wb


def write_yujiang(path: Path) -> None:
    wb = _workbook("Yujiang County village examination 2026 Q3")
    ws = wb.active
    ws.title = "Q3 2026"
    n = len(FIELDS)
    ws.cell(1, 1, "Yujiang County: quarterly examination of village-level Party organisations, Q3 2026")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    for i, (_fid, en, _zh) in enumerate(FIELDS, 1):
        c = ws.cell(2, i, en)
        c.font, c.fill, c.alignment, c.border = Font(bold=True), HEAD_FILL, CENTRE, BOX
    for r, v in enumerate(YUJIANG, 3):
        for i, fid in enumerate(IDS, 1):
            x = v[fid]
            if fid in BOOLS:
                x = "yes" if x else "no"
            c = ws.cell(r, i, x)
            c.border = BOX
            if fid == "checked_on":
                c.number_format = "yyyy-mm-dd"
            if fid == "code":
                c.number_format = "@"
    widths = {"township": 22, "village": 18, "code": 15, "checked_on": 12}
    for i, fid in enumerate(IDS, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(fid, 12)
    ws.row_dimensions[2].height = 45
    ws.freeze_panes = "C3"
    wb.save(path)


# ------------------------------------------------------------------------------ Dengbu (Chinese)

# The township's own header spellings (aliases in criteria.yaml), with the line breaks people type.
DENGBU_HEADER = [
    ("township", "乡镇"),
    ("village", "村名"),
    ("code", "行政区划\n代码"),
    ("party_members", "党员人数"),
    ("secretary_vacant_months", "书记空缺\n月数"),
    ("secretary_unfit", "书记不胜任\n现职"),
    ("secretary_absent_days", "书记脱岗\n（天）"),
    ("team_disunity", "班子不团结"),
    ("committee_vacancies", "“两委”\n缺额人数"),
    ("election_completed", "换届是否\n完成"),
    ("vote_buying_cases", "拉票贿选\n问题数"),
    ("org_life_held", "“三会一课”\n落实"),
    ("years_since_new_member", "未发展党员\n（年）"),
    ("gang_interference", "宗族宗教和\n黑恶势力干扰"),
    ("disclosure_missed_months", "村务财务\n未公开（月）"),
    ("asset_cases", "集体“三资”\n问题数"),
    ("collective_petitions", "集体访"),
    ("leapfrog_petitions", "越级访"),
    ("cadre_violations", "村干部违纪\n违法人次"),
    ("mass_incidents", "群体性事件\n（起）"),
    ("forest_fires", "森林火灾\n（次）"),
    ("illegal_buildings", "违章建筑\n户数"),
    ("has_venue", "有无固定\n活动场所"),
    ("satisfaction", "群众满意度\n（%）"),
    ("collective_income", "村集体经济收入\n（万元）"),
    ("checked_on", "排查日期"),
]
assert [h[0] for h in DENGBU_HEADER] == IDS

DENGBU = [
    village(
        "邓埠镇",
        "宋三村",
        "360622100201",
        D(2026, 9, 24),
        party_members=46,
        forest_fires=2,
        satisfaction=78,
        collective_income=12.6,
    ),
    village("邓埠镇", "仙台村", "360622100202", D(2026, 9, 24), party_members=38, satisfaction=91),
    village(
        "邓埠镇",
        "上洲村",
        "360622100203",
        D(2026, 9, 24),
        party_members=27,
        years_since_new_member=1,
        collective_petitions=1,
        satisfaction=86,
        collective_income=5.2,
    ),
    village(
        "邓埠镇", "邓埠村", "360622100204", D(2026, 9, 25), party_members=57, satisfaction=93, collective_income=21.4
    ),
    village(
        "邓埠镇",
        "大桥村",
        "360622100205",
        D(2026, 9, 25),
        party_members=23,
        secretary_vacant_months=4,
        committee_vacancies=1,
        satisfaction=69,
        collective_income=2.2,
    ),
    village(
        "邓埠镇",
        "港背村",
        "360622100206",
        D(2026, 9, 25),
        party_members=31,
        committee_vacancies=2,
        satisfaction=75,
        collective_income=4.0,
    ),
    village(
        "邓埠镇", "新塘村", "360622100207", D(2026, 9, 26), party_members=29, satisfaction=None, collective_income=3.6
    ),
    village(
        "邓埠镇",
        "黄湾村",
        "360622100208",
        D(2026, 9, 26),
        party_members=33,
        illegal_buildings=4,
        satisfaction=85,
        collective_income=6.3,
    ),
]
DENGBU_FLAGGED = {"宋三村": ["C14"], "大桥村": ["C01"], "港背村": ["C04"]}
DENGBU_UNDETERMINED = {"新塘村": ["C15"]}

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _dengbu_cell(fid: str, value, row_index: int):
    """A value the way a township clerk types it: 是/否, 有/无 for the venue, and a few oddities."""
    if value is None:
        return None
    if fid == "has_venue":
        return "有" if value else "无"
    if fid in BOOLS:
        return "是" if value else "否"
    # A few cells typed in the Chinese input method's full-width digits, one percent with its sign, two
    # dates typed as text: all read the same as the plain values.
    if fid == "party_members" and row_index in (1, 5):
        return str(value).translate(_FULL_WIDTH)
    if fid == "satisfaction" and row_index == 3:
        return f"{value}%"
    if fid == "checked_on" and row_index == 6:
        return f"{value.year}年{value.month}月{value.day}日"
    if fid == "checked_on" and row_index == 7:
        return f"{value.year}.{value.month}.{value.day}"
    return value


def write_dengbu(path: Path) -> None:
    wb = _workbook("邓埠镇村级党组织软弱涣散情况排查表")
    ws = wb.active
    ws.title = "排查表"
    n = len(DENGBU_HEADER)
    last = get_column_letter(n)
    ws["A1"] = "邓埠镇村级党组织软弱涣散情况排查表"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = "填报单位：邓埠镇党委（盖章）"
    ws.merge_cells("A2:H2")
    ws["T2"] = "填报日期：2026年9月28日"
    ws.merge_cells(f"T2:{last}2")
    # Two header rows: 信访情况 spans 集体访 and 越级访; every other title spans both rows.
    petitions = IDS.index("collective_petitions") + 1
    for i, (fid, title) in enumerate(DENGBU_HEADER, 1):
        if fid in ("collective_petitions", "leapfrog_petitions"):
            ws.cell(4, i, title)
        else:
            ws.cell(3, i, title)
            ws.merge_cells(start_row=3, start_column=i, end_row=4, end_column=i)
    ws.cell(3, petitions, "信访情况")
    ws.merge_cells(start_row=3, start_column=petitions, end_row=3, end_column=petitions + 1)
    for r in (3, 4):
        for i in range(1, n + 1):
            c = ws.cell(r, i)
            c.font, c.fill, c.alignment, c.border = Font(bold=True), HEAD_FILL, CENTRE, BOX
    first = 5
    for k, v in enumerate(DENGBU):
        r = first + k
        for i, fid in enumerate(IDS, 1):
            if fid == "township" and k > 0:
                continue  # merged below
            c = ws.cell(r, i, _dengbu_cell(fid, v[fid], k))
            if fid == "checked_on" and isinstance(c.value, dt.date):
                c.number_format = "yyyy-mm-dd"
            if fid == "code":
                c.number_format = "@"
            c.border = BOX
    end = first + len(DENGBU) - 1
    ws.merge_cells(start_row=first, start_column=1, end_row=end, end_column=1)
    ws.cell(first, 1).alignment = Alignment(horizontal="center", vertical="center")
    # A blank row, the 合计 footer with column totals (typed as numbers, as a SUM's cached value would
    # read) and the signatures.
    total_row = end + 2
    ws.cell(total_row, 1, "合计")
    ws.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=3)
    counted = [
        "party_members",
        "secretary_vacant_months",
        "secretary_absent_days",
        "committee_vacancies",
        "vote_buying_cases",
        "asset_cases",
        "collective_petitions",
        "leapfrog_petitions",
        "cadre_violations",
        "mass_incidents",
        "forest_fires",
        "illegal_buildings",
        "collective_income",
    ]
    for fid in counted:
        total = sum(v[fid] for v in DENGBU)
        ws.cell(total_row, IDS.index(fid) + 1, round(total, 1) if isinstance(total, float) else total)
    for i in range(1, n + 1):
        ws.cell(total_row, i).font = Font(bold=True)
        ws.cell(total_row, i).border = BOX
    ws.cell(total_row + 1, 1, "填表人：王芳        审核人：李建华        联系电话：0701-5881234")
    ws.merge_cells(start_row=total_row + 1, start_column=1, end_row=total_row + 1, end_column=12)
    for i, (fid, _title) in enumerate(DENGBU_HEADER, 1):
        ws.column_dimensions[get_column_letter(i)].width = {"code": 15, "checked_on": 14}.get(fid, 10)
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[4].height = 36
    ws.freeze_panes = "C5"
    wb.save(path)


# ------------------------------------------------------------------------------ CSV and YAML

# Villages of two townships as a Chinese CSV (Excel's "CSV UTF-8").
CSV_VILLAGES = [
    village(
        "洪湖乡",
        "东阳村",
        "360622200201",
        D(2026, 9, 26),
        party_members=35,
        illegal_buildings=11,
        satisfaction=72,
        collective_income=7.3,
    ),
    village(
        "洪湖乡",
        "塘桥村",
        "360622200202",
        D(2026, 9, 26),
        party_members=31,
        forest_fires=1,
        satisfaction=80,
        collective_income=3.9,
    ),
    village(
        "洪湖乡",
        "洪湖村",
        "360622200203",
        D(2026, 9, 26),
        party_members=44,
        illegal_buildings=3,
        satisfaction=87,
        collective_income=11.2,
    ),
    village(
        "春涛乡",
        "罗坪村",
        "360622203201",
        D(2026, 9, 21),
        party_members=22,
        committee_vacancies=1,
        election_completed=False,
        cadre_violations=1,
        satisfaction=58,
        collective_income=0.6,
    ),
    village(
        "春涛乡",
        "前山村",
        "360622203202",
        D(2026, 9, 21),
        party_members=25,
        election_completed=False,
        satisfaction=74,
        collective_income=2.7,
    ),
    village(
        "春涛乡", "平定村", "360622203204", D(2026, 9, 21), party_members=34, satisfaction=84, collective_income=5.9
    ),
]
CSV_FLAGGED = {"东阳村": ["C14"], "塘桥村": ["C14"], "罗坪村": ["C05", "C13", "C15"], "前山村": ["C05"]}


def write_villages_csv(path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([zh for _fid, _en, zh in FIELDS])
        for v in CSV_VILLAGES:
            row = []
            for fid in IDS:
                x = v[fid]
                if fid in BOOLS:
                    x = "是" if x else "否"
                elif isinstance(x, dt.date):
                    x = x.isoformat()
                row.append("" if x is None else x)
            w.writerow(row)


# A county spot check (SPEC §2: at least every six months), recorded by hand.
YAML_TEXT = """\
# A county spot check of three villages, written by hand: keys are the field ids of criteria.yaml.
# A key left out (or null) is unknown: the standards that depend on it are undetermined.
villages:
- township: 黄溪镇
  village: 塔洲村
  code: '360622101201'
  party_members: 33
  secretary_vacant_months: 0
  secretary_unfit: false
  secretary_absent_days: 0
  team_disunity: false
  committee_vacancies: 0
  election_completed: true
  vote_buying_cases: 0
  org_life_held: true
  years_since_new_member: 0
  gang_interference: false
  disclosure_missed_months: 0
  asset_cases: 0
  collective_petitions: 0
  leapfrog_petitions: 0
  cadre_violations: 0
  mass_incidents: 0
  forest_fires: 0
  illegal_buildings: 14
  has_venue: false
  satisfaction: 56
  collective_income: 2.1
  checked_on: 2026-10-08
- township: 马荃镇
  village: 新店村
  code: '360622102201'
  party_members: 29
  secretary_vacant_months: 0
  secretary_unfit: false
  secretary_absent_days: 62
  team_disunity: false
  committee_vacancies: 0
  election_completed: true
  vote_buying_cases: 0
  org_life_held: true
  years_since_new_member: 0
  gang_interference: false
  disclosure_missed_months: 0
  asset_cases: 0
  collective_petitions: 0
  leapfrog_petitions: 0
  cadre_violations: 0
  mass_incidents: 0
  forest_fires: 0
  illegal_buildings: 0
  has_venue: true
  satisfaction: 64
  collective_income: 4.4
  checked_on: 2026-10-08
- township: 黄庄乡
  village: 方丘村
  code: '360622201201'
  party_members: 26
  secretary_vacant_months: 0
  secretary_unfit: false
  secretary_absent_days: 0
  team_disunity: false
  committee_vacancies: 0
  election_completed: true
  vote_buying_cases: 0
  org_life_held: true
  years_since_new_member: 0
  gang_interference: false
  disclosure_missed_months: 0
  asset_cases: 1
  collective_petitions: 4
  leapfrog_petitions: 1
  cadre_violations: 0
  mass_incidents: 0
  forest_fires: 0
  illegal_buildings: 0
  has_venue: true
  satisfaction: 61
  collective_income: 1.5
  checked_on: 2026-10-09
"""
YAML_FLAGGED = {"塔洲村": ["C14", "C15"], "新店村": ["C02"], "方丘村": ["C11", "C12"]}


def write_villages_yaml(path: Path) -> None:
    path.write_text(YAML_TEXT, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    write_yujiang(out / "yujiang.xlsx")
    write_dengbu(out / "dengbu.xlsx")
    write_villages_csv(out / "villages.csv")
    write_villages_yaml(out / "villages.yaml")
    for name in ("yujiang.xlsx", "dengbu.xlsx", "villages.csv", "villages.yaml"):
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
