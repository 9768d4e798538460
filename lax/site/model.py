"""The status site's content as plain data: what each page shows, computed from the ledger as of a date.

Owns: the page model of `lax site` — the county overview (headline figures, villages by standard, events by
quarter, one row per township with its villages by status and its quarterly submissions), the wall chart
(one tile per listed village), each village's page (identity, standards with evidence and source, the
events on a time axis), and the to-do list. It decides no rule itself: the overview's figures and the
township rows are `lax.report.build_context` for the year up to the date (what `lax report --year` says
that day), the villages are the rows of `lax ledger list` (`lax.due.village_states`), the to-do list is
`lax.due.due_data`. What it adds is only arrangement: grouping, ordering, and counting events by quarter.

Pure: entries, township records, criteria, the date and the language come in; dicts go out. Writing the
html is `lax.site.pages`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

# The classes a tile can have, in the order the legend and the stacked bars show them. `accepted` is split in
# two for the eye (still watched, or the watch year is over); the tile keeps `st-accepted` either way.
STATUS_ORDER = ("identified", "rectifying", "watching", "closable", "closed")

HEADLINE_KEYS = ("identified", "rectifying", "overdue", "accepted", "watching", "closable", "closed", "rebounds")

VILLAGE_DIR = "v"


def page_name(entry: Any) -> str:
    """The village page's file, `v/<12 hex digits>.html`: ASCII whatever the village is called (a USB stick
    or a Windows share may not keep Chinese file names), and the same from one run to the next."""
    digest = hashlib.sha1(entry.path.name.encode("utf-8")).hexdigest()[:12]
    return f"{VILLAGE_DIR}/{digest}.html"


def shade(row: Mapping[str, Any], state: Any) -> str:
    """The tile's colour: the `ledger list` status, with `accepted` split into watching / closable."""
    if row["status"] == "accepted":
        return "watching" if state.watching else "closable"
    return row["status"]


def year_period(as_of: dt.date):
    """The year up to `as_of`: the period of `lax report --year YYYY` run on that day."""
    from lax.report import make_period

    return make_period(today=as_of, year=as_of.year)


def quarter_counts(entries: Sequence[Any], as_of: dt.date, lang: str, last: int = 8) -> list[dict]:
    """Events by the quarter they happened in, up to `as_of`: rounds opened (identified), acceptances passed,
    accounts closed; the `last` quarters up to the one holding `as_of`."""
    from lax.report import quarter_label

    def index(d: dt.date) -> int:
        return d.year * 4 + (d.month - 1) // 3

    end = index(as_of)
    first = end - last + 1
    counts = {i: [0, 0, 0] for i in range(first, end + 1)}
    for e in entries:
        for ev in e.events:
            if ev.date > as_of:
                continue
            i = index(ev.date)
            if i < first:
                continue
            t = ev.type
            if t == "identified":
                counts[i][0] += 1
            elif t == "acceptance" and ev.data.get("passed") is True:
                counts[i][1] += 1
            elif t == "closed":
                counts[i][2] += 1
    out = []
    for i in range(first, end + 1):
        y, q = divmod(i, 4)
        out.append(
            {
                "key": f"{y}Q{q + 1}",
                "label": quarter_label(y, q + 1, lang),
                "identified": counts[i][0],
                "accepted": counts[i][1],
                "closed": counts[i][2],
            }
        )
    return out


def _timeline(entry: Any, as_of: dt.date, titles: Mapping[str, str]) -> list[dict]:
    """Every event up to `as_of`, oldest first, with the few keys the page shows."""
    from lax.ledger import json_value
    from lax.ledger.recorder import source_text

    out = []
    for ev in entry.events:
        if ev.date > as_of:
            continue
        d = ev.data
        rec = d.get("recorded")
        item = {
            "date": ev.date.isoformat(),
            "day": ev.date,
            "type": ev.type,
            "line": ev.line,
            "by": str(rec.get("by")) if isinstance(rec, dict) and rec.get("by") is not None else None,
            "at": str(json_value(rec.get("at"))) if isinstance(rec, dict) and rec.get("at") is not None else None,
            "source": source_text(d["source"]) if d.get("source") not in (None, "", {}) else None,
            "details": {k: json_value(v) for k, v in d.items() if k not in ("recorded", "source", "evidence")},
        }
        if ev.type in ("identified", "reopened", "amended", "missed_inclusion"):
            ids = d.get("criteria")
            ids = [str(x) for x in ids] if isinstance(ids, (list, tuple)) else ([str(ids)] if ids else [])
            item["standards"] = [{"id": c, "title": titles.get(c, c)} for c in ids]
        out.append(item)
    return out


def _standards(entry: Any, state: Any, as_of: dt.date, titles: Mapping[str, str], field_title) -> list[dict]:
    """The current round's standards, each with the evidence and the source (file, sheet, row) of the event
    that named it: the round's identification, a standard added later, or a rebound."""
    from lax.ledger import json_value
    from lax.ledger.recorder import source_text

    found: dict[str, dict] = {}
    start = state.identified_on
    for ev in entry.events:
        if ev.date > as_of:
            continue
        if start is not None and ev.date < start:
            continue
        if ev.type not in ("identified", "amended", "reopened"):
            continue
        evidence = ev.data.get("evidence")
        source = ev.data.get("source")
        ids = ev.data.get("criteria")
        ids = [str(x) for x in ids] if isinstance(ids, (list, tuple)) else ([str(ids)] if ids else [])
        for cid in ids:
            if cid in found:
                continue
            fields = evidence.get(cid) if isinstance(evidence, dict) else None
            items = []
            if isinstance(fields, dict):
                items = [
                    {"field": str(k), "title": field_title(str(k)), "value": json_value(v)} for k, v in fields.items()
                ]
            found[cid] = {
                "id": cid,
                "title": titles.get(cid, cid),
                "evidence": items,
                "date": ev.date.isoformat(),
                "event": ev.type,
                "source": source_text(source) if source not in (None, "", {}) else None,
                "source_parts": json_value(source) if isinstance(source, dict) else None,
            }
    return [
        found.get(c)
        or {
            "id": c,
            "title": titles.get(c, c),
            "evidence": [],
            "date": None,
            "event": None,
            "source": None,
            "source_parts": None,
        }
        for c in state.criteria
    ]


def _people(entry: Any, as_of: dt.date) -> dict[str, str]:
    """The responsible people the latest plans name (each role from the latest plan naming it)."""
    from lax.terms import ROLES

    people: dict[str, str] = {}
    for ev in entry.events:
        if ev.date > as_of:
            continue
        if ev.type == "planned":
            for role in ROLES:
                value = ev.data.get(role)
                if value is not None and str(value).strip():
                    people[role] = str(value).strip()
    return people


def build_site(
    entries: Sequence[Any],
    townships: Mapping[str, Sequence[Any]],
    criteria: Any,
    as_of: dt.date,
    lang: str,
    within: int = 30,
    start: str | None = None,
) -> dict:
    """The whole site as data (see the module docstring); `start`: the ledger's first quarter, if set."""
    from lax.due import due_data, village_states
    from lax.report import build_context, known_townships
    from lax.terms import ROLES

    policy = criteria.policy
    period = year_period(as_of)
    context = build_context(entries, townships, criteria, period, lang=lang, level="county", start=start)
    states = village_states(entries, as_of, policy)
    due = due_data(entries, townships, criteria, as_of, 2 * within, lang, states=states, start=start)  # 30 and 60 days

    titles = {c.id: c.title(lang) for c in criteria.criteria}
    field_titles: dict[str, str] = {}

    def field_title(fid: str) -> str:
        if fid not in field_titles:
            try:
                field_titles[fid] = criteria.field(fid).title(lang)
            except (KeyError, IndexError):
                field_titles[fid] = fid
        return field_titles[fid]

    order = known_townships(entries, townships)
    rank = {t: i for i, t in enumerate(order)}
    soon = as_of + dt.timedelta(days=within)
    villages: list[dict] = []
    for entry, state, row in states:
        due_soon = (
            not state.overdue
            and state.status in ("identified", "rectifying")
            and state.deadline is not None
            and state.deadline <= soon
        )
        villages.append(
            {
                **row,
                "page": page_name(entry),
                "shade": shade(row, state),
                "watching": state.watching,
                "due_soon": due_soon,
                "entry": entry,
                "state": state,
            }
        )
    villages.sort(key=lambda v: (rank.get(v["township"], len(rank)), v["code"] or "\uffff", v["village"]))

    # The townships as the report has them (its figures), each with its villages by colour from the list.
    by_township: dict[str, list[dict]] = {}
    for v in villages:
        by_township.setdefault(v["township"], []).append(v)
    township_rows = []
    for row in context["townships"]:
        t = row["township"]
        shades = {s: 0 for s in STATUS_ORDER}
        for v in row["villages"]:
            key = v["status"]
            if key == "accepted":
                key = "watching" if v["watching"] else "closable"
            shades[key] = shades.get(key, 0) + 1
        subs = {"on_time": 0, "late": 0, "missing": 0}
        for s in row["submissions"]:
            subs[s["status"]] += 1
        township_rows.append(
            {
                "township": t,
                "anchor": f"t{rank.get(t, 0)}",
                "figures": {
                    k: row[k]
                    for k in (
                        "identified",
                        "rectifying",
                        "overdue",
                        "accepted",
                        "watching",
                        "closed",
                        "rebounds",
                        "missed_inclusions",
                        "funds",
                        "funds_total",
                    )
                },
                "shades": shades,
                "submissions": subs,
                "submission_rows": row["submissions"],
                "listed": len(by_township.get(t, ())),
            }
        )

    headline = {k: context[k]["count"] for k in HEADLINE_KEYS}
    headline["awaiting_plan"] = context["awaiting_plan"]["count"]
    headline["funds_total"] = context["funds"]["total"]
    headline["funds_period"] = context["funds"]["period"]

    import lax

    fingerprint = hashlib.sha1(
        repr((lax.__version__, criteria.name(lang), criteria.version, sorted(titles.items()), policy)).encode()
    )
    return {
        "as_of": as_of.isoformat(),
        "as_of_date": as_of,
        "lang": lang,
        "within": within,
        "fingerprint": fingerprint.hexdigest()[:16],
        "criteria_name": criteria.name(lang),
        "period": context["period"],
        "headline": headline,
        "listed": len(villages),
        "standards": [
            {"id": s["id"], "title": s["title"], "count": s["count"], "in_period": s["in_period"]}
            for s in context["standards"]
        ],
        "quarters": quarter_counts(entries, as_of, lang),
        "submission_quarters": context["submissions"]["quarters"],
        "townships": township_rows,
        "villages": villages,
        "due": due,
        "titles": titles,
        "roles": [(role, t.en, t.zh) for role, t in ROLES.items()],
        "field_title": field_title,
    }


def village_detail(site: Mapping[str, Any], village: Mapping[str, Any]) -> dict:
    """What one village's page shows besides its `ledger list` row: the standards with their evidence and
    source, the responsible people, and the timeline."""
    entry, state = village["entry"], village["state"]
    as_of = dt.date.fromisoformat(site["as_of"])
    return {
        "standards": _standards(entry, state, as_of, site["titles"], site["field_title"]),
        "people": _people(entry, as_of),
        "timeline": _timeline(entry, as_of, site["titles"]),
    }
