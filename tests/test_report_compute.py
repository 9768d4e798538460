"""The report's shortcuts for a province against the plain definitions they replace.

`lifecycle.state_as_of` replays over local variables instead of `Replay.step`; `measured.befores_afters` skips
events that measure none of the tracked fields and reads each evidence once; `words.names_by_township` groups
runs of one township. Each is compared here with the plain definition over many generated histories and
lists (every event type, values of the wrong type, events out of date order, townships interleaved), and the
county report of a realistic ledger is drafted through the CLI and checked against the same definitions.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import Policy
from lax.ledger.measured import ACCEPTANCE_KEYS, befores_afters, event_value, round_start
from lax.lifecycle import EVENT_TYPES, Event, Replay, state_as_of
from lax.report.words import group_by_township, names_by_township, series

TOWNSHIPS = ["邓埠镇", "黄溪镇", "洪湖乡", "中童镇", "锦江镇"]
VILLAGES = ["宋三村", "东阳村", "塘桥村", "塔洲村", "团黄村", "潜山村", "上清村", "杨溪村"]
TRACKED = ("satisfaction", "collective_petitions", "leapfrog_petitions")
POLICY = Policy(rectify_months=6, watch_months=12, pass_score=80)
AS_OF = dt.date(2026, 12, 31)


def _value(rng: random.Random):
    return rng.choice([0, 1, 3, 58, 92.5, True, False, None, "", "12", float("nan"), [1, 2], {"x": 1}])


def _measures(rng: random.Random) -> dict:
    keys = rng.sample([*TRACKED, "party_members", "asset_cases", "committee_vacancies"], rng.randint(0, 4))
    return {k: _value(rng) for k in keys}


def _event(rng: random.Random, day: dt.date, line: int) -> Event:
    etype = rng.choice([*EVENT_TYPES, "identified", "progress", "acceptance", "surveyed"])
    data: dict = {}
    if rng.random() < 0.6:
        data["criteria"] = rng.choice([["C03"], ["C07", "C14"], "C05", "", None, 7, ["C03", "C03"]])
    if rng.random() < 0.5:
        data["deadline"] = rng.choice([day + dt.timedelta(days=90), "2027-03-01", None, dt.datetime(2027, 1, 1)])
    if rng.random() < 0.5:
        data["channel"] = rng.choice(["self", "mass", "spot", "department", None, ""])
    if rng.random() < 0.5:
        data["passed"] = rng.choice([True, False, "yes", 1, None])
    if rng.random() < 0.5:
        data["funds"] = rng.choice([2600, 1250.5, "300", True, None])
    if rng.random() < 0.5:
        data["profile"] = rng.choice([_measures(rng), _measures(rng), "31", None])
    if rng.random() < 0.5:
        data["evidence"] = rng.choice(
            [{"C03": _measures(rng)}, {"C07": _measures(rng), "C14": _measures(rng)}, {"C05": "否"}, ["C03"]]
        )
    for key in ACCEPTANCE_KEYS:
        if rng.random() < 0.3:
            data[key] = _value(rng)
    return Event(day, etype, data, line)


def _history(rng: random.Random) -> list[Event]:
    day = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
    events = []
    for line in range(rng.randint(0, 9)):
        # mostly in date order, sometimes a step back (a hand-edited file), and some after the report's end
        day += dt.timedelta(days=rng.choice([0, 3, 20, 60, 120, 200, -30]))
        events.append(_event(rng, day, line + 5))
    return events


def _plain_state(events, as_of, policy):
    r = Replay(policy)
    for event in events:
        if event.date <= as_of:
            r.step(event)
    return r.snapshot(as_of)


def _plain_befores_afters(events, fields, as_of):
    start = round_start(events, as_of)
    out: dict = {}
    if start is None:
        return out
    for ev in events:
        if as_of is not None and ev.date > as_of:
            break
        for f in fields:
            value = event_value(ev, f)
            if value is not None:
                out.setdefault(f, [None, None])[0 if ev.date <= start else 1] = (ev.date, value)
    return {f: (pair[0], pair[1]) for f, pair in out.items()}


def _plain_names(villages, lang, limit=None):
    villages = list(villages)
    total = len(villages)
    shown = villages if limit is None or total <= limit else villages[: max(int(limit), 0)]
    groups = group_by_township(shown)
    rest = total - len(shown)
    if lang == "zh":
        parts = [f"{t}{'、'.join([str(v['village']) for v in vs])}" for t, vs in groups]
        text = ("，" if any(len(vs) > 1 for _t, vs in groups) else "、").join(parts)
        return f"{text}等{total}个村" if rest else text
    parts = [f"{series((v['village'] for v in vs), lang)} in {t}" for t, vs in groups]
    if rest:
        parts.append(f"{rest} other village{'s' if rest != 1 else ''}")
    last_multi = (len(groups[-1][1]) > 1) if groups and not rest else False
    return series(parts, lang, last_sep=", and " if (last_multi and len(parts) > 2) else None)


def _same(a, b) -> bool:
    """Equal, NaN equal to NaN (a measured NaN is not a number, but the comparison must not trip on it)."""
    return json.dumps(a, default=repr, ensure_ascii=False) == json.dumps(b, default=repr, ensure_ascii=False)


def test_the_state_replayed_over_locals_is_the_replay_of_every_history():
    rng = random.Random(14)
    kinds = set()
    for _ in range(4000):
        events = _history(rng)
        for as_of in (AS_OF, dt.date(2025, 6, 30), events[len(events) // 2].date if events else AS_OF):
            fast, plain = state_as_of(events, as_of, POLICY), _plain_state(events, as_of, POLICY)
            assert fast == plain, (events, as_of)
            assert type(fast.funds) is type(plain.funds) and type(fast.overdue) is type(plain.overdue)
            kinds.add(fast.status)
    assert kinds == {None, "identified", "rectifying", "accepted", "closed"}


def test_befores_and_afters_are_the_plain_definition_over_every_history():
    rng = random.Random(15)
    measured = 0
    for _ in range(4000):
        events = _history(rng)
        fields = rng.choice([TRACKED, TRACKED[::-1], ("satisfaction",), ("party_members", "leapfrog_petitions")])
        for as_of in (AS_OF, None, dt.date(2025, 9, 30)):
            fast, plain = befores_afters(events, fields, as_of), _plain_befores_afters(events, fields, as_of)
            assert _same(list(fast.items()), list(plain.items())), (events, fields, as_of)
            measured += bool(fast)
    assert measured > 1000  # the histories measure something often enough to compare


def test_villages_named_by_township_are_the_plain_grouping():
    rng = random.Random(16)
    for _ in range(1500):
        n = rng.choice([0, 1, 2, 5, 12, 40])
        villages = [
            {"township": rng.choice(TOWNSHIPS + [3]), "village": rng.choice(VILLAGES + [1201])} for _ in range(n)
        ]
        if rng.random() < 0.5:  # a report's lists are in township order
            villages.sort(key=lambda v: str(v["township"]))
        limit = rng.choice([None, 0, 1, 3, 8, 30])
        for lang in ("zh", "en"):
            for given in (villages, tuple(villages), iter(villages)):
                assert names_by_township(given, lang, limit) == _plain_names(villages, lang, limit)
    assert names_by_township([{"township": "洪湖乡", "village": "东阳村"}] * 2, "zh") == "洪湖乡东阳村、东阳村"


def _ledger(tmp_path, n=80):
    """A county of `n` villages in five townships: plans, progress, acceptances failed and passed, rebounds,
    closings, and satisfaction measured at identification, by a later sheet and at acceptance."""
    import yaml

    led = tmp_path / "ledger"
    led.mkdir()
    rng = random.Random(n)
    for i in range(n):
        township, village = TOWNSHIPS[i % 5], f"{VILLAGES[i % 8][:-1]}{i:02d}村"
        day = dt.date(2025, 10, 1) + dt.timedelta(days=i * 3)
        events = [
            {
                "date": day,
                "type": "identified",
                "channel": ["self", "mass", "spot", "department"][i % 4],
                "criteria": ["C03", "C07"][: 1 + i % 2],
                "evidence": {"C03": {"asset_cases": 1, "satisfaction": 55 + i % 20}},
                "deadline": day + dt.timedelta(days=180),
            }
        ]
        if i % 3:
            events.append(
                {
                    "date": day + dt.timedelta(days=10),
                    "type": "planned",
                    "measures": ["召开党员大会重新选举", "县乡联合督导"],
                    "helping_unit": "县财政局",
                }
            )
            events.append(
                {"date": day + dt.timedelta(days=40), "type": "progress", "note": "修订村规民约", "funds": 2600}
            )
            events.append(
                {"date": day + dt.timedelta(days=60), "type": "profile", "profile": {"satisfaction": 70 + i % 9}}
            )
        if i % 3 == 2:
            if i % 2:
                events.append(
                    {
                        "date": day + dt.timedelta(days=100),
                        "type": "acceptance",
                        "passed": False,
                        "score": 70,
                        "deadline": day + dt.timedelta(days=200),
                    }
                )
            events.append(
                {
                    "date": day + dt.timedelta(days=130),
                    "type": "acceptance",
                    "passed": True,
                    "score": 90,
                    "satisfaction": 88 + rng.randint(0, 9),
                    "collective_petitions": rng.randint(0, 2),
                }
            )
        path = led / f"{township}-{village}.yaml"
        body = {"township": township, "village": village, "code": f"360622{i:06d}", "events": events}
        path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return led


def test_a_county_report_says_what_the_plain_definitions_say(tmp_path, monkeypatch):
    led = _ledger(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["report", "--year", "2026", "--ledger", str(led), "--format", "json", "-o"]
    out = tmp_path / "r.json"
    result = runner.invoke(app, [*args, str(out)])
    assert result.exit_code == 0, result.output
    ctx = json.loads(out.read_text(encoding="utf-8"))
    from lax.ledger import load_entries

    entries, _problems = load_entries(led)
    by_name = {(e.township, e.village): e for e in entries}
    as_of = dt.date.fromisoformat(ctx["period"]["as_of"])
    assert len(ctx["villages"]) == 80
    for v in ctx["villages"]:
        events = by_name[(v["township"], v["village"])].events
        plain = _plain_state(events, as_of, POLICY)
        assert (v["status"], v["overdue"], v["watching"], v["rounds"]) == (
            plain.status,
            plain.overdue,
            plain.watching,
            plain.rounds,
        )
    # satisfaction averaged over the villages measured before and after, as the plain definition finds them
    both = []
    for v in ctx["villages"]:
        found = _plain_befores_afters(by_name[(v["township"], v["village"])].events, TRACKED, as_of)
        before, after = found.get("satisfaction", (None, None))
        if before and after:
            both.append((before[1], after[1]))
    assert both
    b, a = sum(x for x, _ in both) / len(both), sum(y for _, y in both) / len(both)
    said = f"{b:.1f}".rstrip("0").rstrip(".")
    line = next(x for x in ctx["results"]["lines"] if x.startswith("Mass satisfaction"))
    assert f"from {said}% on average" in line and f"to {f'{a:.1f}'.rstrip('0').rstrip('.')}%" in line
    assert f"({len(both)} villages:" in line
