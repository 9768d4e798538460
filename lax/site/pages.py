"""The status site's html: the page model (`lax.site.model`) written as plain files into a folder.

Owns: the pages (`index.html` the county overview, `wall.html` the wall chart, `todo.html` the to-do list,
`v/<id>.html` one per village), their shared header, and copying `assets/` (css, a small vanilla script).
Every text from the ledger goes through `esc`; links are relative, so the folder opens from disk, a USB
stick or a Windows share with no server and no network, and every page reads with JavaScript off (the
script only adds sorting and the wall chart's search and filters).

`publish` writes the whole site into a fresh folder beside OUT and then puts it in OUT's place, so a
failure half-way leaves the previous site as it was.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from lax.i18n import _
from lax.site import svg
from lax.site.model import STATUS_ORDER, village_detail
from lax.site.svg import esc

MARKER = ".lax-site"  # in every folder lax wrote a site into: only such a folder is replaced by the next run
ASSETS = ("site.css", "site.js")


def status_names() -> dict[str, str]:
    return {
        "identified": _("identified, no plan yet", "已确定，待制定方案"),
        "rectifying": _("rectifying", "整改中"),
        "watching": _("accepted, in the watch year", "验收合格，观察期内"),
        "closable": _("watch year over, can be closed", "观察期满，可销号"),
        "closed": _("closed", "已销号"),
        "accepted": _("accepted", "验收合格"),
    }


def event_names() -> dict[str, str]:
    return {
        "identified": _("identified", "确定为整顿对象"),
        "planned": _("plan", "制定整改方案"),
        "progress": _("progress", "整改进展"),
        "acceptance": _("acceptance", "验收"),
        "reopened": _("rebound, reopened", "反弹，重新整改"),
        "closed": _("closed", "销号"),
        "missed_inclusion": _("missed inclusion", "漏报"),
        "amended": _("standards added", "追加认定情形"),
        "profile": _("profile updated", "基本情况更新"),
    }


def key_names() -> dict[str, str]:
    return {
        "channel": _("channel", "渠道"),
        "criteria": _("standards", "情形"),
        "deadline": _("time limit", "时限"),
        "note": _("note", "备注"),
        "measures": _("measures", "措施"),
        "county_leader": _("county leader", "县级联系领导"),
        "township_leader": _("township leader", "乡镇责任人"),
        "first_secretary": _("first secretary", "第一书记"),
        "helping_unit": _("helping unit", "帮扶单位"),
        "funds": _("funds (yuan)", "资金（元）"),
        "passed": _("passed", "通过"),
        "score": _("score", "得分"),
        "by": _("by", "单位"),
        "reason": _("reason", "原因"),
        "funds_confirmed": _("amount confirmed", "金额已确认"),
        "profile": _("profile", "基本情况"),
    }


def channel_names() -> dict[str, str]:
    return {
        "self": _("township self-examination", "乡镇自查"),
        "mass": _("mass evaluation", "群众满意度测评"),
        "spot": _("county spot check", "县级抽查"),
        "department": _("department report", "县直部门通报"),
    }


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes", "是") if value else _("no", "否")
    if value is None:
        return _("blank", "空")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_value(v)}" for k, v in value.items())
    return str(value)


def _money(value: Any, lang: str) -> str:
    from lax.report import money

    try:
        return money(value or 0, lang)
    except TypeError:
        return str(value)


def _yuan(value: Any) -> str:
    from lax.report import yuan

    try:
        return yuan(value or 0)
    except TypeError:
        return str(value)


# ------------------------------------------------------------------------------------------ the frame


def _head(title: str, site: Mapping[str, Any], depth: int, page: str, extra: str = "") -> str:
    up = "../" * depth
    lang = "zh-CN" if site["lang"] == "zh" else "en"
    nav = [
        ("index.html", _("Overview", "全县概况"), "overview"),
        ("wall.html", _("Wall chart", "挂图作战"), "wall"),
        ("todo.html", _("To-do", "待办事项"), "todo"),
    ]
    links = "".join(
        f'<a href="{up}{href}"{" aria-current=page" if key == page else ""}>{esc(text)}</a>' for href, text, key in nav
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(title)}</title><link rel="stylesheet" href="{up}assets/site.css">{extra}'
        f'<script src="{up}assets/site.js" defer></script></head><body class="p-{page}">'
        f'<header class="top"><span class="brand">{esc(site["criteria_name"])}</span><nav>{links}</nav>'
        f'<span class="asof">{esc(_("as of", "截至"))} <time>{esc(site["as_of"])}</time></span></header><main>'
    )


def _foot(site: Mapping[str, Any]) -> str:
    as_of = site["as_of"]
    text = _(
        f"Generated by lax from the ledger as of {as_of}; the figures are those of lax report --year on that day.",
        f"lax 根据台账生成，数据截至 {as_of}；数字与当日 lax report --year 一致。",
    )
    return f"</main><footer>{esc(text)}</footer></body></html>"


def _legend() -> str:
    names = status_names()
    return (
        '<ul class="legend">'
        + "".join(f'<li><span class="sw s-{s}"></span>{esc(names[s])}</li>' for s in STATUS_ORDER)
        + f'<li><span class="sw flag-overdue"></span>{esc(_("overdue", "已超期"))}</li>'
        + f'<li><span class="sw flag-due"></span>{esc(_("time limit within 30 days", "30天内到期"))}</li></ul>'
    )


# ---------------------------------------------------------------------------------------- the overview


def overview(site: Mapping[str, Any]) -> str:
    lang = site["lang"]
    h = site["headline"]
    names = status_names()
    cards = [
        ("identified", _("listed", "列入整顿")),
        ("rectifying", _("rectifying", "正在整改")),
        ("overdue", _("overdue", "超期未完成")),
        ("accepted", _("accepted", "验收合格")),
        ("watching", _("in the watch year", "巩固观察期")),
        ("closable", _("can be closed", "可销号")),
        ("closed", _("closed", "已销号")),
        ("rebounds", _("rebounds", "反弹")),
    ]
    out = [
        _head(_("County overview", "全县概况"), site, 0, "overview"),
        f"<h1>{esc(_('County overview', '全县概况'))} <small>{esc(site['period']['label'])}</small></h1>",
        '<section class="cards">',
    ]
    for key, label in cards:
        out.append(f'<div class="card c-{key}" data-key="{key}"><b>{h[key]}</b><span>{esc(label)}</span></div>')
    out.append(
        f'<div class="card c-funds" data-key="funds"><b>{esc(_money(h["funds_total"], lang))}</b>'
        f"<span>{esc(_('funds invested', '投入资金'))}</span></div></section>"
    )
    extra = site["listed"] - h["identified"]
    if extra > 0:
        out.append(
            f'<p class="note">{esc(_(f"The wall chart also shows {extra} village(s) closed before this year.", f"挂图另含 {extra} 个本年度以前已销号的村。"))}</p>'
        )

    out.append(
        f'<section class="charts"><figure><figcaption>{esc(_("Villages by standard", "按认定情形分"))}</figcaption>'
    )
    out.append(
        svg.bars(
            [(s["id"], s["title"], s["count"]) for s in site["standards"]], _("Villages by standard", "按认定情形分")
        )
    )
    out.append(
        "</figure><figure><figcaption>"
        f"{esc(_('By quarter: identified, accepted, closed', '按季度：确定、验收合格、销号'))}</figcaption>"
    )
    out.append(
        svg.columns(
            [(q["key"], (q["identified"], q["accepted"], q["closed"])) for q in site["quarters"]],
            [
                ("q-identified", _("identified", "确定")),
                ("q-accepted", _("accepted", "验收合格")),
                ("q-closed", _("closed", "销号")),
            ],
            _("By quarter", "按季度"),
        )
    )
    out.append("</figure></section>")

    scale = max([sum(t["shades"].values()) for t in site["townships"]] + [1])
    quarters = _(", ", "、").join(q["label"] for q in site["submission_quarters"]) or _("none yet", "尚无")
    out.append(
        f"<h2>{esc(_('Townships', '各乡镇'))}</h2>{_legend()}"
        f'<p class="note">{esc(_("Quarterly examinations due this year: ", "本年度应报送的季度排查："))}'
        f'{esc(quarters)}{esc(_(". ", "。"))}<span class="js-only" hidden>{esc(_("Click a heading to sort.", "点击表头排序。"))}</span></p>'
        '<table class="sortable townships"><thead><tr>'
    )
    heads = [
        ("text", _("Township", "乡镇")),
        ("num", _("Listed", "列入")),
        ("num", _("Rectifying", "整改中")),
        ("num", _("Overdue", "超期")),
        ("num", _("Accepted", "验收合格")),
        ("num", _("Closed", "销号")),
        ("num", _("Rebounds", "反弹")),
        ("num", _("Funds (yuan)", "资金（元）")),
        ("none", _("Villages by status", "各状态村数")),
        ("num", _("On time", "按时报送")),
        ("num", _("Late", "逾期报送")),
        ("num", _("Missing", "未报送")),
    ]
    for kind, label in heads:
        out.append(f'<th data-sort="{kind}" scope="col">{esc(label)}</th>')
    out.append("</tr></thead><tbody>")
    for t in site["townships"]:
        f, s, sub = t["figures"], t["shades"], t["submissions"]
        parts = [(f"s-{k}", names[k], s.get(k, 0)) for k in STATUS_ORDER]
        cells = [f'<td data-v="{esc(t["township"])}"><a href="wall.html#{t["anchor"]}">{esc(t["township"])}</a></td>']
        for key in ("identified", "rectifying", "overdue", "accepted", "closed", "rebounds"):
            cells.append(f'<td class="n" data-v="{f[key]}">{f[key]}</td>')
        cells.append(f'<td class="n" data-v="{f["funds_total"]}">{esc(_yuan(f["funds_total"]))}</td>')
        cells.append(f"<td>{svg.stacked(parts, scale)}</td>")
        for key in ("on_time", "late", "missing"):
            cls = " warn" if key != "on_time" and sub[key] else ""
            cells.append(f'<td class="n{cls}" data-v="{sub[key]}">{sub[key]}</td>')
        out.append(f'<tr data-township="{esc(t["township"])}">{"".join(cells)}</tr>')
    out.append("</tbody></table>")
    out.append(_foot(site))
    return "".join(out)


# -------------------------------------------------------------------------------------- the wall chart


def wall(site: Mapping[str, Any]) -> str:
    names = status_names()
    over, soon = _("overdue", "已超期"), _("time limit within 30 days", "30天内到期")
    out = [
        _head(
            _("Wall chart", "挂图作战"),
            site,
            0,
            "wall",
            '<style media="print">@page { size: A4 landscape; margin: 8mm; }</style>',
        ),
        f"<h1>{esc(_('Wall chart', '挂图作战'))} <small>{site['listed']} {esc(_('villages', '个村'))}</small></h1>",
        _legend(),
    ]
    townships = [t["township"] for t in site["townships"]]
    anchors = {t["township"]: t["anchor"] for t in site["townships"]}
    standards = [(s["id"], s["title"]) for s in site["standards"]]
    out.append(
        '<form id="filter" class="filter" hidden onsubmit="return false">'
        f'<label>{esc(_("Search", "搜索"))} <input type="search" name="q" '
        f'placeholder="{esc(_("village, township or code", "村名、乡镇或村代码"))}"></label>'
        f'<label>{esc(_("Township", "乡镇"))} <select name="t"><option value="">{esc(_("all", "全部"))}</option>'
        + "".join(f'<option value="{esc(anchors[t])}">{esc(t)}</option>' for t in townships)
        + f'</select></label><label>{esc(_("Status", "状态"))} <select name="s">'
        f'<option value="">{esc(_("all", "全部"))}</option>'
        + "".join(f'<option value="{s}">{esc(names[s])}</option>' for s in STATUS_ORDER)
        + f'<option value="overdue">{esc(over)}</option><option value="due">{esc(soon)}</option>'
        f'</select></label><label>{esc(_("Standard", "认定情形"))} <select name="c">'
        f'<option value="">{esc(_("all", "全部"))}</option>'
        + "".join(f'<option value="{esc(cid)}">{esc(cid)} {esc(title[:24])}</option>' for cid, title in standards)
        + '</select></label> <output name="n" aria-live="polite"></output></form>'
    )
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for v in site["villages"]:
        groups.setdefault(v["township"], []).append(v)
    for t in townships + [t for t in groups if t not in anchors]:
        vs = groups.get(t)
        if not vs:
            continue
        anchor = anchors.get(t, "")
        out.append(
            f'<section class="township" id="{esc(anchor)}" data-t="{esc(anchor)}"><h2>{esc(t)} '
            f'<small>{len(vs)}</small></h2><div class="tiles">'
        )
        for v in vs:
            flags = (" overdue" if v["overdue"] else "") + (" due-soon" if v["due_soon"] else "")
            mark = (
                f'<i class="flag" title="{esc(over)}">!</i>'
                if v["overdue"]
                else f'<i class="flag" title="{esc(soon)}">◷</i>'
                if v["due_soon"]
                else ""
            )
            code = v["code"] or ""
            # The status is the colour (and the class); a flagged tile says in its tooltip why and since when.
            why = over if v["overdue"] else soon if v["due_soon"] else None
            tip = f' title="{esc(why + " " + v["deadline"])}"' if why else ""
            out.append(
                f'<a class="tile st-{v["status"]} s-{v["shade"]}{flags}" href="{v["page"]}" '
                f'data-s="{v["shade"]}" data-c="{esc(" ".join(v["criteria"]))}" '
                f'data-n="{esc((v["village"] + " " + t + " " + code).lower())}"{tip}>'
                f"{mark}<span>{esc(v['village'])}</span></a>"
            )
        out.append("</div></section>")
    if not site["villages"]:
        out.append(f'<p class="empty">{esc(_("No village is on the ledger yet.", "台账中还没有村。"))}</p>')
    out.append(_foot(site))
    return "".join(out)


# ----------------------------------------------------------------------------------------- the to-do list


CHUNK = 200  # rows per table of a long to-do section: each is laid out only when it scrolls into view


def _village_table(
    rows: list[Mapping[str, Any]], pages: Mapping[str, str], date_key: str, date_head: str, days_head: str
) -> str:
    """A to-do section's villages as a table. A long one (a prefecture's thousands of overdue villages) is
    cut into tables of `CHUNK` rows with fixed column widths, each laid out by the browser only when it comes
    into view (`content-visibility`), so the page opens at once; those keep the order they are given
    (the most urgent first) and are not sortable."""
    if not rows:
        return f'<p class="empty">{esc(_("None.", "无。"))}</p>'
    names = status_names()
    cols = (
        '<colgroup><col class="w-t"><col class="w-v"><col class="w-s"><col class="w-d"><col class="w-n">'
        '<col class="w-c"></colgroup>'
    )
    head = (
        f'<thead><tr><th data-sort="text">{esc(_("Township", "乡镇"))}</th>'
        f'<th data-sort="text">{esc(_("Village", "村"))}</th><th data-sort="text">{esc(_("Status", "状态"))}</th>'
        f'<th data-sort="text">{esc(date_head)}</th><th data-sort="num">{esc(days_head)}</th>'
        f'<th data-sort="text">{esc(_("Standards", "认定情形"))}</th></tr></thead><tbody>'
    )
    body = []
    for r in rows:
        page = pages.get(r["file"], "")
        days = abs(r["days"]) if r["days"] is not None else ""
        body.append(
            f'<tr><td>{esc(r["township"])}</td><td><a href="{page}">{esc(r["village"])}</a></td>'
            f"<td>{esc(names.get(r['status'], r['status']))}</td><td>{esc(r[date_key] or '')}</td>"
            f'<td class="n" data-v="{days}">{days}</td><td>{esc("、".join(r["criteria"]))}</td></tr>'
        )
    if len(body) <= CHUNK:
        return f'<table class="sortable todo">{head}{"".join(body)}</tbody></table>'
    return "".join(
        f'<div class="chunk"><table class="todo fixed">{cols}{head}{"".join(body[i : i + CHUNK])}</tbody></table></div>'
        for i in range(0, len(body), CHUNK)
    )


def todo(site: Mapping[str, Any]) -> str:
    due = site["due"]
    within = site["within"]
    pages = {v["file"]: v["page"] for v in site["villages"]}
    near = [r for r in due["due"] if r["days"] <= within]
    later = [r for r in due["due"] if r["days"] > within]
    limit, left, over = _("Time limit", "整改时限"), _("Days left", "剩余天数"), _("Days over", "超期天数")
    sections = [
        ("overdue", _("Overdue", "已超期"), due["overdue"], "deadline", limit, over),
        ("due30", _(f"Time limit within {within} days", f"{within} 天内到期"), near, "deadline", limit, left),
        (
            "due60",
            _(f"Time limit in {within + 1}–{2 * within} days", f"{within + 1}–{2 * within} 天内到期"),
            later,
            "deadline",
            limit,
            left,
        ),
        (
            "closable",
            _("Watch year over: can be closed", "观察期满：可销号"),
            due["closable"],
            "watch_until",
            _("Watched until", "观察期至"),
            _("Days since", "已满天数"),
        ),
        (
            "ending",
            _(f"Watch year ending within {2 * within} days", f"{2 * within} 天内观察期满"),
            due["watch_ending"],
            "watch_until",
            _("Watched until", "观察期至"),
            left,
        ),
    ]
    out = [_head(_("To-do", "待办事项"), site, 0, "todo"), f'<h1>{esc(_("To-do", "待办事项"))}</h1><nav class="toc">']
    for key, title, rows, *_rest in sections:
        out.append(f'<a href="#{key}">{esc(title)} <b>{len(rows)}</b></a>')
    late = due["late_submissions"]
    since = due["submissions_from"]
    out.append(f'<a href="#late">{esc(_("Quarterly sheets late", "季度排查逾期"))} <b>{len(late)}</b></a></nav>')
    for key, title, rows, date_key, date_head, days_head in sections:
        out.append(
            f'<section id="{key}"><h2>{esc(title)} <small>{len(rows)}</small></h2>'
            f"{_village_table(rows, pages, date_key, date_head, days_head)}</section>"
        )
    out.append(
        f'<section id="late"><h2>{esc(_("Quarterly examinations late or missing", "季度排查逾期或未报送"))} '
        f'<small>{len(late)}</small></h2><p class="note">'
        f"{esc(_(f'Quarters ending since {since}.', f'自 {since} 起结束的季度。'))}</p>"
    )
    if late:
        out.append(
            f'<table class="sortable"><thead><tr><th data-sort="text">{esc(_("Township", "乡镇"))}</th>'
            f'<th data-sort="text">{esc(_("Quarter", "季度"))}</th><th data-sort="text">{esc(_("Due", "截止日期"))}</th>'
            f'<th data-sort="text">{esc(_("Status", "状态"))}</th></tr></thead><tbody>'
        )
        for r in late:
            out.append(
                f'<tr class="sub-{esc(r["status"])}"><td>{esc(r["township"])}</td><td>{esc(r["quarter_label"])}</td>'
                f"<td>{esc(r['due'])}</td><td>{esc(r['status_text'])}</td></tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append(f'<p class="empty">{esc(_("None.", "无。"))}</p>')
    out.append("</section>" + _foot(site))
    return "".join(out)


# ----------------------------------------------------------------------------------------- a village


_EVENT_CLASS = {
    "identified": "e-identified",
    "planned": "e-planned",
    "progress": "e-progress",
    "acceptance": "e-acceptance",
    "reopened": "e-reopened",
    "closed": "e-closed",
    "missed_inclusion": "e-missed",
    "amended": "e-amended",
}


def village_labels(site: Mapping[str, Any]) -> dict[str, Any]:
    """What every village page shares, made once per site: the page frame around the title, and the labels
    (already escaped)."""
    head = _head("\0", site, 1, "village").split("\0")
    return {
        "head": (head[0], head[1]),
        "foot": _foot(site),
        "status": status_names(),
        "event": event_names(),
        "key": key_names(),
        "channel": channel_names(),
        "anchors": {t["township"]: t["anchor"] for t in site["townships"]},
        "overdue": esc(_("overdue", "已超期")),
        "soon": esc(_("time limit within 30 days", "30天内到期")),
        "today": _("today", "今天"),
        "timeline": _("Timeline", "时间线"),
        "limit": _("time limit", "整改时限"),
        "watch": _("watch year ends", "观察期满"),
        "h_standards": esc(_("Standards met", "认定情形")),
        "h_timeline": esc(_("Timeline", "时间线")),
        "evidence": esc(_("Evidence", "依据")),
        "source": esc(_("Source", "来源")),
        "source_key": _("source", "来源"),
        "none": esc(_("none recorded", "未记录")),
        "not_recorded": esc(_("not recorded", "未记录")),
        "table_head": (
            f'<h2>{esc(_("Events", "事件记录"))}</h2><table class="events"><thead><tr><th>{esc(_("Date", "日期"))}</th>'
            f"<th>{esc(_('Event', '事件'))}</th><th>{esc(_('Details', '详情'))}</th>"
            f"<th>{esc(_('Recorded by', '录入人'))}</th></tr></thead><tbody>"
        ),
        "facts": [
            _("Township", "乡镇"),
            _("Village code", "村代码"),
            _("Status", "状态"),
            _("Time limit", "整改时限"),
            _("Watched until", "观察期至"),
            _("Identified on", "确定日期"),
            _("Channel", "发现渠道"),
            _("Rounds", "轮次"),
            _("Rebounds", "反弹次数"),
            _("Funds this round", "本轮投入资金"),
        ],
        "roles": [(role, zh if site["lang"] == "zh" else en[:1].upper() + en[1:]) for role, en, zh in site["roles"]],
        "file": _("Ledger file", "台账文件"),
    }


def village(site: Mapping[str, Any], v: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    lang = site["lang"]
    detail = village_detail(site, v)
    names, events, keys, channels = labels["status"], labels["event"], labels["key"], labels["channel"]
    as_of = site["as_of_date"]
    shade = v["shade"]
    out = [
        labels["head"][0],
        esc(f"{v['township']} {v['village']}"),
        labels["head"][1],
        f'<p class="crumbs"><a href="../wall.html#{labels["anchors"].get(v["township"], "")}">{esc(v["township"])}</a></p>'
        f"<h1>{esc(v['village'])} <small>{esc(v['code'] or '')}</small> "
        f'<span class="badge s-{shade}">{esc(names[shade])}</span>'
        + (f' <span class="badge flag-overdue">{labels["overdue"]}</span>' if v["overdue"] else "")
        + (f' <span class="badge flag-due">{labels["soon"]}</span>' if v["due_soon"] else "")
        + "</h1>",
    ]
    state = v["state"]
    deadline = state.deadline
    limit = v["deadline"] or "—"
    if deadline is not None and v["status"] in ("identified", "rectifying"):
        days = (deadline - as_of).days
        limit += (
            " ("
            + (_(f"{-days} days over", f"超期 {-days} 天") if days < 0 else _(f"{days} days left", f"剩 {days} 天"))
            + ")"
        )
    values = [
        v["township"],
        v["code"] or "—",
        names[shade],
        limit,
        v["watch_until"] or "—",
        v["identified_on"] or "—",
        channels.get(v["channel"], v["channel"] or "—"),
        str(v["rounds"]),
        str(v["rebounds"]),
        _money(v["funds"], lang),
    ]
    facts = list(zip(labels["facts"], values))
    people = detail["people"]
    for role, title in labels["roles"]:
        if role in people:
            facts.append((title, people[role]))
    facts.append((labels["file"], v["file"]))
    out.append(
        '<section class="profile"><dl>'
        + "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in facts)
        + "</dl></section>"
    )
    out.append(f"<h2>{labels['h_timeline']}</h2>")
    timeline = detail["timeline"]
    if timeline:
        dots = [(e["day"], _EVENT_CLASS.get(e["type"], "e-other"), events.get(e["type"], e["type"])) for e in timeline]
        marks = []
        if deadline is not None and v["status"] in ("identified", "rectifying"):
            marks.append((deadline, "m-deadline", labels["limit"]))
        if state.watch_until is not None and v["status"] == "accepted":
            marks.append((state.watch_until, "m-watch", labels["watch"]))
        out.append(svg.time_axis(dots, marks, as_of, labels["today"], labels["timeline"]))
    out.append(f'<h2>{labels["h_standards"]}</h2><ul class="standards">')
    for s in detail["standards"]:
        ev = _("; ", "；").join(f"{e['title']} = {_value(e['value'])}" for e in s["evidence"])
        colon = _(": ", "：")
        src = s["source"]
        out.append(
            f"<li><b>{esc(s['id'])}</b> {esc(s['title'])}"
            + (f'<div class="evidence">{labels["evidence"]}{colon}{esc(ev)}</div>' if ev else "")
            + (
                f'<div class="source">{labels["source"]}{colon}<code>{esc(src)}</code>'
                f"{_(' (' + s['date'] + ')', '（' + s['date'] + '）') if s['date'] else ''}</div>"
                if src
                else ""
            )
            + "</li>"
        )
    if not detail["standards"]:
        out.append(f"<li>{labels['none']}</li>")
    out.append("</ul>")
    out.append(labels["table_head"])
    for e in timeline:
        details = []
        for k, val in e["details"].items():
            if k == "channel":
                val = channels.get(val, val)
            elif k == "funds" and val is not None:
                val = _money(val, lang)
            details.append(f"{keys.get(k, k)}: {_value(val)}")
        if e["source"]:
            details.append(f"{labels['source_key']}: {e['source']}")
        who = (e["by"] or "") + (f" · {e['at']}" if e["at"] else "")
        out.append(
            f'<tr class="{_EVENT_CLASS.get(e["type"], "e-other")}"><td>{e["date"]}</td>'
            f"<td>{esc(events.get(e['type'], e['type']))}</td><td>{esc('; '.join(details))}</td>"
            f"<td>{esc(who) if who else labels['not_recorded']}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(labels["foot"])
    return "".join(out)


# ------------------------------------------------------------------------------------------- writing


def _village_key(site: Mapping[str, Any], v: Mapping[str, Any], anchor: str) -> str | None:
    """What a village page is made from, as one text: the ledger file as it is on disk (the ledger's own
    cache key: inode, size, modification and change times, so a hand edit is noticed), the date, the
    language, the criteria, lax's version and the township's place. None when the file cannot be stat'ed."""
    try:
        st = os.stat(v["entry"].path)
    except OSError:
        return None
    return (
        f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}|{site['as_of']}|{site['lang']}|"
        f"{site['within']}|{anchor}|{site['fingerprint']}"
    )


def _previous(folder: Path | None) -> dict[str, str]:
    """The keys of the village pages of the site in `folder` (written by the last run), if any."""
    if folder is None:
        return {}
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        pages = data.get("pages") if isinstance(data, dict) else None
        return {str(k): str(val) for k, val in pages.items()} if isinstance(pages, dict) else {}
    except (OSError, ValueError):
        return {}


def write_pages(site: Mapping[str, Any], folder: Path, previous: Path | None = None) -> int:
    """Every page and asset of the site into `folder` (new and empty); the number of files written.

    A village page whose inputs are unchanged since the site in `previous` (the folder this one replaces) is
    taken from it (a hard link, or a copy) instead of being made again: a large ledger's site is rewritten in
    a moment when few villages changed, and a hand-edited file is always made again."""
    (folder / "assets").mkdir()
    (folder / "v").mkdir()
    base = resources.files("lax.site") / "assets"
    for name in ASSETS:
        (folder / "assets" / name).write_bytes((base / name).read_bytes())
    files = 2
    for name, make in (("index.html", overview), ("wall.html", wall), ("todo.html", todo)):
        (folder / name).write_text(make(site), encoding="utf-8")
        files += 1
    labels = village_labels(site)
    old = _previous(previous)
    keys: dict[str, str] = {}
    for v in site["villages"]:
        page = v["page"]
        key = _village_key(site, v, labels["anchors"].get(v["township"], ""))
        if key is not None:
            keys[page] = key
            if old.get(page) == key:
                try:
                    os.link(previous / page, folder / page)  # type: ignore[operator]
                    files += 1
                    continue
                except OSError:
                    try:
                        shutil.copyfile(previous / page, folder / page)  # type: ignore[operator]
                        files += 1
                        continue
                    except OSError:
                        pass
        with open(folder / page, "w", encoding="utf-8") as fh:
            fh.write(village(site, v, labels))
        files += 1
    (folder / MARKER).write_text(
        json.dumps({"written_by": "lax site; the next run replaces this folder", "pages": keys}, ensure_ascii=False),
        encoding="utf-8",
    )
    return files


def publish(out: Path, write: Callable[[Path], int]) -> int:
    """Write the site into a fresh folder beside `out` with `write`, then put it in `out`'s place (the old site,
    if any, is removed only after the new one is complete). Returns what `write` returned."""
    parent = out.parent
    tmp = parent / f".{out.name}.new-{os.getpid()}"
    old = parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        count = write(tmp)
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return count
