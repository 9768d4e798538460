"""The blank input form townships fill in (`lax form OUT.xlsx`), and standards put into words.

The form is generated from the criteria fields, so a county that changes `criteria.yaml` hands out a
matching form. Sheet 排查表 has a title row, a 填报单位/日期 row and a header row of the fields' Chinese
titles; each column checks what is typed (a 是/否 drop-down, whole numbers, decimals, 0–100, dates) and
shows a hint naming the field. Sheet 填表说明 explains every field and lists every standard.

The form itself is always in Chinese: townships fill Chinese forms, and `lax check` reads Chinese
headers whatever the language. With `--lang en` the instructions sheet adds English under each Chinese
text, for a reader who does not read Chinese.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lax.criteria import Criteria, Criterion, Field
from lax.i18n import _, get_lang
from lax.problems import LaxError
from lax.render.xlsx import safe_text

FORM_SHEET = "排查表"
HELP_SHEET = "填表说明"
HEADER_ROW = 3  # row 1 title, row 2 填报单位/日期

_TYPE_NAME = {
    "text": ("文字", "text"),
    "int": ("整数", "whole number"),
    "number": ("数字", "number"),
    "percent": ("百分数", "percent"),
    "bool": ("是/否", "yes/no"),
    "date": ("日期", "date"),
}
_TYPE_RULE = {
    "text": ("填写文字。", "Text."),
    "int": ("填 0 或正整数，没有的填 0。", "A whole number, 0 or more; 0 when there is none."),
    "number": ("填数字，可带小数。", "A number; decimals allowed."),
    "percent": ("填 0–100 之间的数，如 85（也可填 85%）。", "A number from 0 to 100, e.g. 85 (85% is also accepted)."),
    "bool": ("从下拉列表选择“是”或“否”。", "Choose 是 (yes) or 否 (no) from the drop-down."),
    "date": ("填日期，如 2026-09-30。", "A date such as 2026-09-30."),
}
# Hints for the default fields whose meaning the type alone does not give.
_FIELD_RULE = {
    "township": ("填乡镇全称，如“邓埠镇”。", "The township's full name, e.g. 邓埠镇."),
    "village": ("填行政村全称，如“宋三村”。", "The administrative village's full name, e.g. 宋三村."),
    "code": ("12 位统计用区划代码，如 360622100201。", "The 12-digit statistical division code, e.g. 360622100201."),
}
_NOTES = [
    (
        "每个行政村填一行。红色表头（乡镇、村名）为必填项。",
        "One row per administrative village. Red headers (township, village) are required.",
    ),
    (
        "“是/否”项从下拉列表选择；数量项填阿拉伯数字，没有的填 0。",
        "Choose 是 (yes) / 否 (no) from the drop-down; counts are numbers, 0 when there is none.",
    ),
    (
        "情况不明的可以留空：留空不会被当作“否”或 0，依赖该项的标准列为“待定”，核实后请补填。",
        "Leave a cell blank only when it is not known: a blank never counts as 否 or 0; the standards that "
        "depend on it stay undetermined until it is filled in.",
    ),
    (
        "请勿修改或删除表头；村多时可在表格中间插入行，多余的空行可以保留。",
        "Do not change or delete the header; insert rows when there are more villages; spare blank rows may stay.",
    ),
    (
        "符合下列认定标准任意一条的村，即列为软弱涣散村级党组织，立即整顿。",
        "A village that meets any one of the standards below is listed as weak and lax and rectified at once.",
    ),
]


# ----------------------------------------------------------------------------- standards in words


_OPS = {ast.Eq: "=", ast.NotEq: "≠", ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥"}
_ARITH = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
_LITERALS = {"true": True, "false": False, "True": True, "False": False}


def describe_when(criterion: Criterion, criteria: Criteria, lang: str | None = None) -> str:
    """A standard's `when` in words, with field titles: `书记不胜任为“是”，或书记脱岗天数 ≥ 30`.

    The expression was checked when the criteria were loaded; anything unexpected is shown as written.
    """
    zh = (lang or get_lang()) == "zh"
    try:
        node = ast.parse(" ".join(criterion.when.split()), mode="eval").body
        return _words(node, criteria, zh)
    except (SyntaxError, KeyError, ValueError, RecursionError):
        return criterion.when


def _words(node: ast.AST, criteria: Criteria, zh: bool, parent: ast.AST | None = None) -> str:
    def title(name: str) -> str:
        f = criteria.field(name)
        return f.title_zh if zh else f.title_en

    def literal(v: Any) -> str:
        if isinstance(v, bool):
            return ("“是”" if v else "“否”") if zh else ("yes" if v else "no")
        if isinstance(v, str):
            return f"“{v}”" if zh else f'"{v}"'
        return repr(v)

    def is_bool_field(n: ast.AST) -> bool:
        return isinstance(n, ast.Name) and n.id not in _LITERALS and criteria.field(n.id).type == "bool"

    if isinstance(node, ast.Name):
        if node.id in _LITERALS:
            return literal(_LITERALS[node.id])
        if is_bool_field(node) and not isinstance(parent, ast.Compare):
            return f"{title(node.id)}为“是”" if zh else f"{title(node.id)} is yes"
        return title(node.id)
    if isinstance(node, ast.Constant):
        return literal(node.value)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            if is_bool_field(node.operand):
                name = node.operand.id  # type: ignore[attr-defined]
                return f"{title(name)}为“否”" if zh else f"{title(name)} is no"
            inner = _words(node.operand, criteria, zh, node)
            return f"并非（{inner}）" if zh else f"not ({inner})"
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return sign + _words(node.operand, criteria, zh, node)
    if isinstance(node, ast.BoolOp):
        joiner = ("，且" if zh else ", and ") if isinstance(node.op, ast.And) else ("，或" if zh else ", or ")
        text = joiner.join(_words(v, criteria, zh, node) for v in node.values)
        return (f"（{text}）" if zh else f"({text})") if isinstance(parent, ast.BoolOp) else text
    if isinstance(node, ast.BinOp):

        def operand(child: ast.AST, right: bool) -> str:
            text = _words(child, criteria, zh, node)
            if isinstance(child, ast.BinOp):
                mine, theirs = _PRECEDENCE[type(node.op)], _PRECEDENCE[type(child.op)]
                if theirs < mine or (right and theirs == mine and isinstance(node.op, (ast.Sub, ast.Div))):
                    return f"({text})"
            return text

        return f"{operand(node.left, False)} {_ARITH[type(node.op)]} {operand(node.right, True)}"
    if isinstance(node, ast.Compare):
        truth = _bool_literal(node.comparators[0]) if len(node.ops) == 1 else None
        if is_bool_field(node.left) and truth is not None and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            yes = truth != isinstance(node.ops[0], ast.NotEq)  # `x == false` reads "x is no"
            name = title(node.left.id)  # type: ignore[attr-defined]
            return (f"{name}为“是”" if yes else f"{name}为“否”") if zh else f"{name} is {'yes' if yes else 'no'}"
        text = _words(node.left, criteria, zh, node)
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                items = ("、" if zh else ", ").join(literal(e.value) for e in right.elts)  # type: ignore[attr-defined]
                if zh:
                    text += f"不是{items}之一" if isinstance(op, ast.NotIn) else f"为{items}之一"
                else:
                    text += f" is none of {items}" if isinstance(op, ast.NotIn) else f" is one of {items}"
            else:
                text += f" {_OPS[type(op)]} {_words(right, criteria, zh, node)}"
        return text
    raise ValueError(type(node).__name__)


def _bool_literal(node: ast.AST) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name) and node.id in _LITERALS:
        return _LITERALS[node.id]
    return None


# ------------------------------------------------------------------------------------------- form


def field_rule(f: Field) -> tuple[str, str]:
    """How to fill in a field: (Chinese, English)."""
    return _FIELD_RULE.get(f.id, _TYPE_RULE.get(f.type, _TYPE_RULE["text"]))


def _validation(f: Field, sqref: str, bilingual: bool) -> Any:
    """The data validation of a column: what may be typed, and a hint shown when the cell is selected."""
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    zh_rule, en_rule = field_rule(f)
    kinds: dict[str, dict[str, Any]] = {
        "bool": {"type": "list", "formula1": '"是,否"'},
        "int": {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"},
        "number": {"type": "decimal", "operator": "between", "formula1": "-999999999", "formula2": "999999999"},
        "percent": {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "100"},
        "date": {
            "type": "date",
            "operator": "between",
            "formula1": str(int(to_excel(dt.date(2000, 1, 1)))),
            "formula2": str(int(to_excel(dt.date(2099, 12, 31)))),
        },
    }
    spec = kinds.get(f.type, {})
    if f.id == "code" and f.type == "text":
        # A code of another length is unusual but not impossible: warn, let the person insist.
        spec = {"type": "textLength", "operator": "equal", "formula1": "12", "errorStyle": "warning"}
    dv = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=bool(spec), **spec)
    dv.promptTitle = f.title_zh[:32]
    prompt = zh_rule + ("（必填）" if f.required else "")
    if bilingual:
        prompt += "\n" + en_rule + (" (required)" if f.required else "")
    dv.prompt = prompt[:255]
    if spec:
        dv.errorTitle = "输入有误" if not bilingual else "输入有误 / Not accepted"
        error = f"{f.title_zh}：{zh_rule}" + (f"\n{f.title_en}: {en_rule}" if bilingual else "")
        dv.error = error[:225]
    dv.add(sqref)
    return dv


def write_form(
    criteria: Criteria,
    path: str | os.PathLike,
    lang: str | None = None,
    *,
    township: str | None = None,
    rows: int = 200,
    keep: Sequence[str | os.PathLike] = (),
) -> None:
    """Write the blank form: sheet 排查表 to fill in and sheet 填表说明 with the fields and standards.

    `township` goes into the title (default “XX乡镇”); `rows` rows are prepared with validation; `keep`
    lists files the form may not overwrite (`lax.files.atomic_path`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    out = Path(os.fspath(path))
    if out.suffix.lower() != ".xlsx":
        raise LaxError(
            _(
                f"{path}: the form is an Excel workbook; give a file name ending in .xlsx",
                f"{path}：排查表是 Excel 工作簿，文件名应以 .xlsx 结尾",
            )
        )
    bilingual = (lang or get_lang()) != "zh"
    fields = criteria.fields
    ncol = len(fields)
    last_col = get_column_letter(ncol)
    first, last = HEADER_ROW + 1, HEADER_ROW + rows

    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws["A1"] = safe_text(f"{township or 'XX乡镇'}村级党组织软弱涣散情况排查表")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 32
    ws["A2"] = "填报单位（盖章）：" + " " * 24 + "填报日期：      年    月    日"
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(f"A2:{last_col}2")
    ws.row_dimensions[2].height = 22

    header_fill = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
    formats = {"date": "yyyy-mm-dd"}
    for i, f in enumerate(fields, 1):
        letter = get_column_letter(i)
        c = ws.cell(HEADER_ROW, i, safe_text(f.title_zh))
        c.font = Font(bold=True, color="C00000" if f.required else None)
        c.fill = header_fill
        c.alignment = centre
        c.border = box
        width = max(8, min(sum(2 if ord(ch) > 0x2E7F else 1 for ch in f.title_zh) * 0.6 + 3, 16))
        if f.type == "date":
            width = max(width, 12)
        if f.id == "code":
            width = 15
        ws.column_dimensions[letter].width = width
        # Text format for the code keeps a typed 360622100201 as text (no 3.60622E+11, no lost zeros).
        number_format = "@" if f.id == "code" else formats.get(f.type)
        for r in range(first, last + 1):
            cell = ws.cell(r, i)
            cell.border = box
            if number_format:
                cell.number_format = number_format
        ws.add_data_validation(_validation(f, f"{letter}{first}:{letter}{last}", bilingual))
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3 if ncol > 2 else 1).coordinate
    footer = last + 2
    ws.cell(footer, 1, "填表人：" + " " * 16 + "审核人：" + " " * 16 + "联系电话：")
    ws.merge_cells(f"A{footer}:{last_col}{footer}")
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    _help_sheet(wb.create_sheet(HELP_SHEET), criteria, bilingual)
    wb.properties.creator = "lax"
    wb.properties.title = ws["A1"].value
    from lax.files import atomic_path

    with atomic_path(out, keep) as tmp:
        wb.save(tmp)


def _help_sheet(ws: Any, criteria: Criteria, bilingual: bool) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    def both(zh: str, en: str) -> str:
        return f"{zh}\n{en}" if bilingual else zh

    widths = {"A": 8, "B": 26, "C": 12, "D": 8, "E": 46, "F": 34}
    for letter, w in widths.items():
        ws.column_dimensions[letter].width = w
    total = sum(widths.values())
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    head_fill = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")

    def height(texts: list[tuple[str, float]]) -> float:
        lines = 1
        for text, width in texts:
            n = sum(
                max(1, -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) // max(int(width) - 1, 1)))
                for part in str(text).split("\n")
            )
            lines = max(lines, n)
        return 15 * lines + 3

    row = 1
    ws.cell(row, 1, both("填表说明", "Instructions")).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    ws.row_dimensions[row].height = 40 if bilingual else 24
    row += 2

    def section(zh: str, en: str) -> None:
        nonlocal row
        c = ws.cell(row, 1, both(zh, en))
        c.font = Font(bold=True, size=12)
        c.alignment = wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        ws.row_dimensions[row].height = 36 if bilingual else 20
        row += 1

    def table(header: list[tuple[str, str] | None], rows: list[list[Any]], merge_c_to_e: bool = False) -> None:
        nonlocal row
        for i, title in enumerate(header, 1):
            if title is None:  # covered by a merged cell
                continue
            c = ws.cell(row, i, both(*title))
            c.font, c.fill, c.border = Font(bold=True), head_fill, box
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if merge_c_to_e:
            ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
        ws.row_dimensions[row].height = 36 if bilingual else 20
        row += 1
        for values in rows:
            for i, v in enumerate(values, 1):
                if merge_c_to_e and i in (4, 5):
                    continue
                c = ws.cell(row, i, safe_text(v))
                c.alignment, c.border = wrap, box
            if merge_c_to_e:
                ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
                spans = [
                    (values[1], widths["B"]),
                    (values[2], widths["C"] + widths["D"] + widths["E"]),
                    (values[5], widths["F"]),
                ]
            else:
                spans = [(v, widths[get_column_letter(i)]) for i, v in enumerate(values, 1) if v]
            ws.row_dimensions[row].height = height(spans)
            row += 1

    section("一、填表要求", "1. How to fill in the form")
    policy = criteria.policy
    notes = [
        *_NOTES,
        (
            f"整改时限：认定后 {policy.rectify_months} 个月；验收得分 {policy.pass_score:g} 分及以上为合格；"
            f"验收合格后观察 {policy.watch_months} 个月不反弹方可销号。",
            f"Time limit: {policy.rectify_months} months after identification; a score of {policy.pass_score:g} or more "
            f"passes acceptance; the account is cancelled after {policy.watch_months} months with no rebound.",
        ),
    ]
    for k, (zh, en) in enumerate(notes, 1):
        ws.cell(row, 1, k).alignment = Alignment(horizontal="center", vertical="top")
        c = ws.cell(row, 2, both(zh, en))
        c.alignment = wrap
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        ws.row_dimensions[row].height = height([(both(zh, en), total - widths["A"])])
        row += 1
    row += 1

    section("二、各列填写说明", "2. The columns")
    uses: dict[str, list[str]] = {}
    for c in criteria.criteria:
        for fid in c.fields:
            uses.setdefault(fid, []).append(c.id)
    field_rows = []
    for i, f in enumerate(criteria.fields, 1):
        zh_rule, en_rule = field_rule(f)
        type_zh, type_en = _TYPE_NAME.get(f.type, (f.type, f.type))
        used = "、".join(uses.get(f.id, []))
        field_rows.append(
            [
                get_column_letter(i),
                both(f.title_zh, f.title_en),
                both(type_zh, type_en),
                both("必填" if f.required else "选填", "required" if f.required else "optional"),
                both(zh_rule, en_rule),
                _purpose(used, f.profile, both),
            ]
        )
    table(
        [
            ("列", "Column"),
            ("表头", "Header"),
            ("类型", "Type"),
            ("必填", "Required"),
            ("填写要求", "How to fill in"),
            ("用途", "Used by"),
        ],
        field_rows,
    )
    row += 1

    section(
        f"三、认定标准（{criteria.name_zh}）" if criteria.name_zh else "三、认定标准",
        f"3. The standards ({criteria.name_en})" if criteria.name_en else "3. The standards",
    )
    std_rows = []
    for c in criteria.criteria:
        std_rows.append(
            [
                c.id,
                both(c.title_zh, c.title_en),
                both(describe_when(c, criteria, "zh"), describe_when(c, criteria, "en")),
                None,
                None,
                c.when,
            ]
        )
    table(
        [
            ("编号", "No."),
            ("标准", "Standard"),
            ("认定条件", "Met when"),
            None,
            None,
            ("条件表达式（criteria.yaml）", "Expression (criteria.yaml)"),
        ],
        std_rows,
        merge_c_to_e=True,
    )
    ws.freeze_panes = None
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _purpose(used: str, profile: bool, both) -> str:
    """What a column is for: the standards that use it, and whether it is part of the village profile (kept in
    the ledger for the village report's 基本情况)."""
    zh = [f"用于标准 {used}"] if used else []
    en = [f"used by {used.replace('、', ', ')}"] if used else []
    if profile:
        zh.append("村基本情况，记入台账")
        en.append("the village profile, kept in the ledger")
    return both("；".join(zh), "; ".join(en)) if zh else ""
