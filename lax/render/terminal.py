"""Terminal display of check results and of the standards, with rich.

Data first, rendered second: this module only draws what `lax.check` and `lax.criteria` computed (and
gives `lax criteria --format json` its data). Values read as everywhere else: `lax.show`.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from lax.check import CheckResult, VillageResult, undetermined_words
from lax.criteria import Criteria
from lax.i18n import _, get_lang
from lax.problems import place
from lax.show import value_text

console = Console(highlight=False, soft_wrap=False)


def format_value(value: Any) -> str:
    """A value of the evidence as the CSV and Excel results show it (`lax.show`), a blank said as such."""
    return value_text(value, blank=_("(blank)", "（空）"))


def evidence_text(result: CheckResult, evidence: dict[str, Any]) -> str:
    crit = result.criteria
    return _("; ", "；").join(f"{crit.field(k).title()} = {format_value(v)}" for k, v in evidence.items())


def _name(result: CheckResult, v: VillageResult) -> tuple[str, str]:
    return str(result.value(v, "township") or ""), str(result.value(v, "village") or "")


def _where(v: VillageResult, one_source: bool) -> str:
    """The row, with its file and sheet only when the villages come from more than one place."""
    rec = v.record
    if one_source:
        return str(rec.row)
    if get_lang() == "zh":
        return place(rec.path.rsplit("/", 1)[-1], rec.sheet, rec.row)
    sheet = f"!{rec.sheet}" if rec.sheet else ""
    return f"{rec.path.rsplit('/', 1)[-1]}{sheet}:{rec.row}"


def print_check(result: CheckResult, all_: bool = False, cap: int | None = 200, out: Console | None = None) -> None:
    """Flagged villages with standards and evidence, then undetermined ones, problems and a summary line."""
    console = out or globals()["console"]
    crit = result.criteria
    shown = [v for v in result.villages if all_ or v.matches]
    if shown:
        table = Table(
            title=_("Villages meeting the standards", "符合认定标准的村") if not all_ else _("Villages", "各村情况"),
            box=box.SIMPLE_HEAD,
            title_justify="left",
        )
        table.add_column(_("Township", "乡镇"), no_wrap=True)
        table.add_column(_("Village", "村"), no_wrap=True)
        table.add_column(_("Row", "行"), justify="right")
        table.add_column(_("Standard", "标准"))
        table.add_column(_("Evidence", "依据"), overflow="fold")
        limit = len(shown) if cap is None else min(cap, len(shown))
        one_source = len({(v.record.path, v.record.sheet) for v in result.villages}) == 1
        for v in shown[:limit]:
            township, village = _name(result, v)
            where = _where(v, one_source)
            if not v.matches:
                table.add_row(township, village, where, "—", "")
            # One line per standard met keeps each line short in an 80-column terminal.
            for k, m in enumerate(v.matches):
                first = k == 0
                table.add_row(
                    township if first else "",
                    village if first else "",
                    where if first else "",
                    m.id,
                    evidence_text(result, m.evidence),
                )
        console.print(table)
        met = sorted({m.id for v in shown for m in v.matches}, key=crit.ids.index)
        for cid in met:  # a legend, so the table itself stays narrow
            console.print(f"  {cid}  {crit.criterion(cid).title()}", markup=False)
        if limit < len(shown):
            console.print(
                _(
                    f"… {len(shown) - limit} more not shown (use --format json, csv or xlsx for all)",
                    f"……另有 {len(shown) - limit} 个村未显示（用 --format json、csv 或 xlsx 查看全部）",
                )
            )
    undetermined = [v for v in result.villages if v.undetermined]
    if undetermined:
        table = Table(
            title=_("Undetermined (blank values)", "待定（有空值）"), box=box.SIMPLE_HEAD, title_justify="left"
        )
        table.add_column(_("Township", "乡镇"))
        table.add_column(_("Village", "村"))
        table.add_column(_("Standards", "标准"))
        table.add_column(_("Blank fields", "空白项"), overflow="fold")  # Chinese is folded, never cut
        limit = len(undetermined) if cap is None else min(cap, len(undetermined))
        for v in undetermined[:limit]:
            township, village = _name(result, v)
            ids = _(", ", "、").join(cid for cid, _m in v.undetermined)
            missing = sorted({f for _c, fs in v.undetermined for f in fs}, key=lambda f: crit.index[f])
            cols = v.record.columns  # None for YAML/JSON items, where a blank and an absent key are alike
            # a standard undetermined with no blank says why: "undetermined: division by zero (party_members = 0)"
            reasons = [
                f"{u[0]} " + _("undetermined: ", "待定：") + w
                for u in v.undetermined
                if (w := undetermined_words(u, crit))
            ]
            table.add_row(
                township,
                village,
                ids,
                _(", ", "、").join(
                    [
                        crit.field(f).title()
                        + (_(" (no column)", "（无此列）") if cols is not None and f not in cols else "")
                        for f in missing
                    ]
                    + reasons
                ),
            )
        console.print(table)
        if limit < len(undetermined):
            console.print(
                _(f"… {len(undetermined) - limit} more not shown", f"……另有 {len(undetermined) - limit} 个未显示")
            )
    if result.problems:
        console.print(_("Problems in the input:", "输入中的问题："), style="bold red")
        limit = len(result.problems) if cap is None else min(cap, len(result.problems))
        for p in result.problems[:limit]:
            console.print(f"  {p}", markup=False, soft_wrap=True)  # one line each, to copy or grep
        if limit < len(result.problems):
            console.print(
                _(
                    f"  … {len(result.problems) - limit} more problems not shown",
                    f"  ……另有 {len(result.problems) - limit} 处问题未显示",
                )
            )
    if result.notices:
        from lax.check import notice_lines

        console.print(_("Notices (read, but check these):", "提示（已读取，请核对）："), style="bold yellow")
        for line in notice_lines(result):
            console.print(f"  {line}", markup=False, soft_wrap=True)
    s = result.summary()
    by = _(", ", "，").join(f"{k}{_(': ', '：')}{n}" for k, n in s["by_criterion"].items())
    line = _(
        f"{s['villages']} villages checked, {s['flagged']} flagged, {s['undetermined']} undetermined, "
        f"{s['problems']} problems" + (f", {s['notices']} notices" if s["notices"] else ""),
        f"共检查 {s['villages']} 个村，{s['flagged']} 个符合认定标准，{s['undetermined']} 个待定，{s['problems']} 处问题"
        + (f"，{s['notices']} 条提示" if s["notices"] else ""),
    )
    console.print(line + (_(f" ({by})", f"（{by}）") if by else ""), markup=False, soft_wrap=True)


def print_criteria(crit: Criteria) -> None:
    table = Table(title=crit.name(), title_justify="left")
    table.add_column(_("ID", "编号"))
    table.add_column(_("Standard", "标准"))
    table.add_column(_("When", "认定条件"), overflow="fold")  # Chinese has no spaces to wrap at: folded, never cut
    from lax.render.form import describe_when  # the words the blank form writes; `--format json` keeps `when`

    for c in crit.criteria:
        table.add_row(c.id, c.title(), describe_when(c, crit))
    console.print(table)
    p = crit.policy
    console.print(
        _(
            f"Time limit {p.rectify_months} months after identification; watch {p.watch_months} months "
            f"after acceptance; pass score {p.pass_score:g}. From {crit.path}",
            f"认定后整改时限 {p.rectify_months} 个月；验收后巩固观察 {p.watch_months} 个月；验收合格分 {p.pass_score:g}。"
            f"来自 {crit.path}",
        ),
        markup=False,
    )


def criteria_data(crit: Criteria) -> dict[str, Any]:
    """The standards in force and the policy, as `lax criteria --format json` prints them."""
    return {
        "path": crit.path,
        "version": crit.version,
        "name": crit.name(),
        "policy": {
            "rectify_months": crit.policy.rectify_months,
            "watch_months": crit.policy.watch_months,
            "pass_score": crit.policy.pass_score,
        },
        "criteria": [{"id": c.id, "title": c.title(), "when": c.when} for c in crit.criteria],
        "fields": [
            {"id": f.id, "type": f.type, "required": f.required, "title": f.title(), "profile": f.profile}
            for f in crit.fields
        ],
    }
