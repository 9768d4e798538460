"""A large, realistic township workbook for the performance benchmark; not a test.

`make_big_xlsx(path, n)` writes one sheet of `n` villages with the 26 default columns the way townships
fill it in: a title row and a 填报单位 row above a Chinese header, codes as 12-digit numbers, counts as
numbers, yes/no as 是/否, satisfaction partly as percent-formatted fractions (0.85) and partly as whole
numbers, a date column, and a 合计 footer. Deterministic (seeded), written with openpyxl's write-only
mode so 100,000 rows take about a minute.

`stress=True` gives the many-findings shape instead: the same sheet, but 95 % of villages meet two to
four standards (the evidence path of `lax check` is then the cost, not the screen).

    python tests/make_big.py big.xlsx 100000
    python tests/make_big.py stress.xlsx 100000 --stress
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

TOWNSHIPS = [
    "邓埠镇",
    "黄溪镇",
    "马荃镇",
    "洪湖乡",
    "黄庄乡",
    "杨溪乡",
    "春涛乡",
    "锦江镇",
    "潢溪镇",
    "中童镇",
    "画桥镇",
    "刘家站垦殖场",
    "平定乡",
    "锦北乡",
    "大桥镇",
    "白塔乡",
]
SYLLABLES = "宋塔新东塘方墩罗坪山桥头湾岭港口庄田坑源洲上下前后河溪湖岗陂里"

# (header as townships write it, kind) in the default criteria field order.
COLUMNS = [
    ("乡镇", "township"),
    ("村名", "village"),
    ("行政区划代码", "code"),
    ("党员人数", "members"),
    ("书记空缺月数", "small"),
    ("书记不胜任", "bool_rare"),
    ("书记脱岗天数", "days"),
    ("班子不团结", "bool_rare"),
    ("“两委”缺额人数", "small"),
    ("换届完成", "bool_common"),
    ("拉票贿选案件数", "rare"),
    ("“三会一课”落实", "bool_common"),
    ("未发展党员年数", "small"),
    ("宗族宗教黑恶势力干扰", "bool_rare"),
    ("村务财务未公开月数", "small"),
    ("集体资产处置问题数", "rare"),
    ("集体访次数", "small"),
    ("越级访次数", "rare"),
    ("干部违纪违法人次", "rare"),
    ("群体性事件数", "rare"),
    ("森林火灾次数", "rare"),
    ("违章建筑户数", "days"),
    ("有固定活动场所", "bool_common"),
    ("群众满意度（%）", "percent"),
    ("村集体经济收入(万元)", "income"),
    ("排查日期", "date"),
]


def _value(kind: str, rnd: random.Random, i: int):
    # Each trigger is rare (about 0.5 %), so that about 10 % of villages meet a standard, as in a real
    # round (usually 5-15 %); most values are small and repeat, as in real sheets.
    if kind == "members":
        return float(rnd.randint(12, 160))
    if kind == "small":
        return float(rnd.choice((0,) * 150 + (1,) * 20 + (2, 3)))
    if kind == "rare":
        return float(1 if rnd.random() < 0.004 else 0)
    if kind == "days":
        return float(rnd.choice((0,) * 150 + (5, 10, 12)) if rnd.random() > 0.005 else 45)
    if kind == "bool_rare":
        return "是" if rnd.random() < 0.005 else "否"
    if kind == "bool_common":
        return "否" if rnd.random() < 0.005 else "是"
    if kind == "percent":
        # Half the townships type whole numbers, half use a percent-formatted cell holding a fraction.
        v = rnd.choice((55,) + (62, 70, 78, 80, 85, 88, 90, 92, 95, 98) * 10)
        return float(v) if i % 2 else v / 100
    if kind == "income":
        return round(rnd.uniform(0, 80), 1)
    if kind == "date":
        return dt.datetime(2026, 9, rnd.randint(1, 30))
    raise ValueError(kind)


# (column, a value that makes its standard true) for the stress shape.
STRESS_TRIGGERS = [
    ("书记空缺月数", 3.0),
    ("书记不胜任", "是"),
    ("书记脱岗天数", 45.0),
    ("班子不团结", "是"),
    ("“两委”缺额人数", 2.0),
    ("换届完成", "否"),
    ("拉票贿选案件数", 1.0),
    ("“三会一课”落实", "否"),
    ("未发展党员年数", 2.0),
    ("宗族宗教黑恶势力干扰", "是"),
    ("村务财务未公开月数", 3.0),
    ("集体资产处置问题数", 1.0),
    ("越级访次数", 1.0),
    ("干部违纪违法人次", 1.0),
    ("森林火灾次数", 1.0),
    ("违章建筑户数", 12.0),
    ("群众满意度（%）", 55.0),
]


def make_big_xlsx(path: str | Path, n: int, seed: int = 2026, stress: bool = False) -> Path:
    """Write a workbook of `n` villages to `path` (the stress shape with `stress`); returns the path."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    rnd = random.Random(seed)
    hit = random.Random(seed + 1)  # its own stream, so the realistic shape stays what it was
    trigger_at = [([h for h, _ in COLUMNS].index(h), v) for h, v in STRESS_TRIGGERS]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("排查表")
    ws.append(["余江区村级党组织软弱涣散排查表"])
    ws.append(["填报单位：余江区委组织部", None, None, None, "日期：2026年9月30日"])
    ws.append([h for h, _ in COLUMNS])
    pct = WriteOnlyCell(ws)  # a percent-formatted cell, as Excel stores 85 % (value 0.85)
    per_township = max(1, n // len(TOWNSHIPS) + 1)
    for i in range(n):
        township = TOWNSHIPS[i // per_township]
        k = i % per_township
        village = SYLLABLES[k % len(SYLLABLES)] + SYLLABLES[(k // len(SYLLABLES)) % len(SYLLABLES)] + f"{k}村"
        code = float(360622000000 + (i // per_township + 1) * 1000000 + k)
        row = []
        for _, kind in COLUMNS:
            if kind == "township":
                row.append(township)
            elif kind == "village":
                row.append(village)
            elif kind == "code":
                row.append(code)
            elif kind == "percent":
                v = _value(kind, rnd, i)
                if v < 1:
                    pct = WriteOnlyCell(ws, value=v)
                    pct.number_format = "0%"
                    row.append(pct)
                else:
                    row.append(v)
            elif kind == "date":
                cell = WriteOnlyCell(ws, value=_value(kind, rnd, i))
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(_value(kind, rnd, i))
        if stress and hit.random() < 0.95:
            for c, v in hit.sample(trigger_at, hit.randint(2, 4)):
                row[c] = v
        ws.append(row)
    ws.append(["合计", f"{n}个村"])
    ws.append(["填表人：张三", None, None, "审核人：李四"])
    path = Path(path)
    wb.save(path)
    return path


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--stress"]
    make_big_xlsx(args[0], int(args[1]) if len(args) > 1 else 100_000, stress="--stress" in sys.argv)
