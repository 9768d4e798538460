"""`lax site` in a real browser: headless Chromium opens the generated pages from disk.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: the browser reads
commands from fd 3 and writes answers and events to fd 4, each a JSON text ending in NUL), with the standard
library only: no new dependency, nothing downloaded, and the same browser binary the county's PCs run. The
test skips, saying why, when there is no `chromium` on PATH (`.ci/run` installs Debian's package).

It asserts: no console error, no script exception and no failed load on any page; every link of every page
resolves (the file exists, and so does the `#anchor` in it); the wall chart has one tile per village of
`lax ledger list` with that village's status class; the search and the filters narrow the tiles; a village
page shows its timeline; a village named `<img src=x onerror=alert(1)>` shows as text and opens no dialog;
the pages read with JavaScript off; and every page loads within a second. Screenshots go to a temporary
folder (`LAX_SCREENSHOTS=DIR` keeps them, e.g. as CI artifacts).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium; .ci/run installs it when it can)"
)
HOSTILE = "<img src=x onerror=alert(1)>"
AS_OF = "2026-09-30"


# ------------------------------------------------------------------------------ the DevTools pipe client


class Browser:
    """Headless Chromium with one page, spoken to over `--remote-debugging-pipe`."""

    FLAGS = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--remote-debugging-pipe",
        "--allow-file-access-from-files",
    ]

    def __init__(self, executable: str):
        self.profile = tempfile.mkdtemp(prefix="lax-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds() -> None:  # in the child: the protocol's fixed descriptors (moved up first: either may be 3 or 4)
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)
            r, w = os.dup2(r, 100), os.dup2(w, 101)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [executable, *self.FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=fds,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next = 0
        self._answers: dict[int, dict] = {}
        self._cond = threading.Condition()
        self.events: queue.Queue = queue.Queue()
        self.log: list[dict] = []  # console errors, exceptions, failed loads, dialogs: every one is a failure
        threading.Thread(target=self._read, daemon=True).start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=1280, height=860, deviceScaleFactor=1, mobile=False)

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._answers[-1] = {"error": "browser closed the pipe"}
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._answers[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self._event(msg)

    def _event(self, msg: dict) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.log.append({"console": [a.get("value", a.get("description")) for a in params.get("args", [])]})
        elif method == "Runtime.exceptionThrown":
            self.log.append({"exception": params.get("exceptionDetails", {}).get("text")})
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.log.append({"log": params["entry"].get("text"), "url": params["entry"].get("url")})
        elif method == "Network.loadingFailed":
            self.log.append({"failed": params.get("errorText"), "type": params.get("type")})
        elif method == "Page.javascriptDialogOpening":
            self.log.append({"dialog": params.get("message")})
            self.send("Page.handleJavaScriptDialog", accept=True)
        self.events.put(msg)

    def call(self, method: str, timeout: float = 30, session: bool = False, **params) -> dict:
        self._next += 1
        n = self._next
        msg = {"id": n, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while n not in self._answers:
                if -1 in self._answers:
                    raise RuntimeError(self._answers[-1]["error"])
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(method)
                self._cond.wait(left)
            answer = self._answers.pop(n)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def send(self, method: str, **params) -> dict:
        return self.call(method, session=True, **params)

    def open(self, path: Path) -> float:
        """Load a page from disk and wait for its load event; the seconds it took."""
        while not self.events.empty():
            self.events.get_nowait()
        start = time.perf_counter()
        self.send("Page.navigate", url=path.resolve().as_uri())
        deadline = time.monotonic() + 30
        while True:
            msg = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            if msg.get("method") == "Page.loadEventFired":
                return time.perf_counter() - start

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full: bool = False) -> None:
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", **params)["data"]))

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


# ------------------------------------------------------------------------------------------ the county


def _ledger(folder: Path) -> Path:
    """Ten villages of three townships at every stage, plus the hostile name (written as lax writes files)."""
    from lax.ledger import dump_township, dump_village, township_file_name, village_file_name
    from lax.lifecycle import Event

    d = dt.date.fromisoformat

    def rec(day):
        return {"by": "张丽", "at": f"{day}T09:30:00+08:00"}

    def ident(day, criteria, row, channel="self", deadline=None):
        data = {
            "channel": channel,
            "criteria": criteria,
            "evidence": {criteria[0]: {"election_completed": False}},
            "source": {"path": "邓埠镇2026Q1排查.xlsx", "sheet": "排查表", "row": row},
            "recorded": rec(day),
        }
        if deadline:
            data["deadline"] = d(deadline)
        return Event(d(day), "identified", data)

    def plan(day):
        return Event(
            d(day), "planned", {"measures": ["召开党员大会重新选举"], "first_secretary": "王强", "recorded": rec(day)}
        )

    def accept(day, passed=True, deadline=None):
        data = {"passed": passed, "score": 85 if passed else 60, "by": "县委组织部", "recorded": rec(day)}
        if deadline:
            data["deadline"] = d(deadline)
        return Event(d(day), "acceptance", data)

    villages = [
        (
            "邓埠镇",
            "宋三村",
            "360622101201",
            [
                ident("2026-01-10", ["C05"], 5),
                plan("2026-01-20"),
                Event(d("2026-03-05"), "progress", {"note": "完成换届", "funds": 31500, "recorded": rec("2026-03-05")}),
            ],
        ),
        ("邓埠镇", "塔洲村", "360622101202", [ident("2026-04-08", ["C01", "C13"], 6), plan("2026-04-15")]),
        (
            "邓埠镇",
            "新店村",
            "360622101203",
            [ident("2025-03-01", ["C04"], 7), plan("2025-03-10"), accept("2025-08-20")],
        ),
        ("邓埠镇", "方丘村", "360622101204", [ident("2026-08-20", ["C15"], 8, "mass")]),
        (
            "黄溪镇",
            "东阳村",
            "360622102201",
            [ident("2025-06-01", ["C12"], 3), plan("2025-06-10"), accept("2025-11-20")],
        ),
        (
            "黄溪镇",
            "渡口村",
            "360622102202",
            [
                ident("2024-05-01", ["C05"], 4),
                plan("2024-05-10"),
                accept("2024-10-01"),
                Event(d("2025-10-08"), "closed", {"recorded": rec("2025-10-08")}),
            ],
        ),
        (
            "黄溪镇",
            "石门村",
            "360622102203",
            [ident("2026-02-01", ["C09"], 5), plan("2026-02-10"), accept("2026-07-01", False, "2026-10-20")],
        ),
        (
            "洪湖乡",
            "塘桥村",
            "360622203201",
            [
                ident("2025-04-01", ["C02"], 9, "spot"),
                plan("2025-04-10"),
                accept("2025-09-01"),
                Event(
                    d("2026-03-01"),
                    "reopened",
                    {
                        "reason": "再次出现越级访",
                        "criteria": ["C12"],
                        "deadline": d("2026-09-01"),
                        "recorded": rec("2026-03-01"),
                    },
                ),
            ],
        ),
        (
            "洪湖乡",
            "柏树村",
            "360622203202",
            [ident("2026-03-15", ["C03", "C05"], 10, "department"), plan("2026-03-25"), accept("2026-08-10")],
        ),
        ("洪湖乡", HOSTILE, "360622203203", [ident("2026-09-01", ["C14"], 11, deadline="2026-11-05")]),
    ]
    folder.mkdir(parents=True)
    for township, village, code, events in villages:
        (folder / village_file_name(township, village)).write_text(
            dump_village(township, village, code, events), encoding="utf-8"
        )
    (folder / "_townships").mkdir()
    for township, subs in {"邓埠镇": [("2026-03-28", "2026Q1")], "黄溪镇": [("2026-04-10", "2026Q1")]}.items():
        events = [Event(d(day), "submission", {"quarter": q, "villages": 20, "recorded": rec(day)}) for day, q in subs]
        (folder / "_townships" / township_file_name(township)).write_text(
            dump_township(township, events), encoding="utf-8"
        )
    return folder


def _lax(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_TODAY=AS_OF)
    return subprocess.run(
        [sys.executable, "-m", "lax", *args], capture_output=True, text=True, env=env, encoding="utf-8"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("site")
    ledger = _ledger(base / "ledger")
    sites = {}
    for lang in ("zh", "en"):
        out = base / f"site-{lang}"
        done = _lax("site", str(out), "--ledger", str(ledger), "--lang", lang)
        assert done.returncode == 0, done.stderr
        sites[lang] = out
    listed = json.loads(_lax("ledger", "list", "--format", "json", "--ledger", str(ledger)).stdout)["villages"]
    return sites, listed


@pytest.fixture(scope="module")
def browser():
    b = Browser(CHROMIUM)
    yield b
    b.close()


@pytest.fixture(scope="module")
def shots():
    keep = os.environ.get("LAX_SCREENSHOTS")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="lax-site-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", site / "wall.html", site / "todo.html", *sorted((site / "v").glob("*.html"))]


# ------------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_loads_fast_without_errors_and_every_link_resolves(built, browser, shots, lang):
    site = built[0][lang]
    for page in _pages(site):
        browser.log.clear()
        seconds = browser.open(page)
        assert browser.log == [], f"{page.name}: {browser.log}"
        assert seconds < 1.0, f"{page.name} took {seconds:.2f} s"
        hrefs = browser.js(
            "Array.from(document.querySelectorAll('a[href], link[href], script[src]')).map(a => a.href || a.src)"
        )
        assert hrefs
        for href in hrefs:
            url = urlparse(href)
            assert url.scheme == "file", f"{page.name}: {href} leaves the folder"
            target = Path(unquote(url.path))
            assert target.is_file(), f"{page.name}: {href} does not resolve"
            if url.fragment:
                assert f'id="{url.fragment}"' in target.read_text(encoding="utf-8"), f"{page.name}: {href}"
        if page.parent == site:
            browser.screenshot(shots / f"{lang}-{page.stem}.png")


def test_wall_chart_has_one_tile_per_listed_village_with_its_status(built, browser):
    site, listed = built[0]["zh"], built[1]
    browser.open(site / "wall.html")
    tiles = browser.js(
        "Array.from(document.querySelectorAll('a.tile')).map(t => "
        "({name: t.querySelector('span').textContent, cls: t.className, href: t.getAttribute('href')}))"
    )
    assert len(tiles) == len(listed) == 10
    by_name = {t["name"]: t for t in tiles}
    for v in listed:
        classes = by_name[v["village"]]["cls"].split()
        assert f"st-{v['status']}" in classes
        assert ("overdue" in classes) == v["overdue"]
    assert "overdue" in by_name["宋三村"]["cls"] and "due-soon" in by_name["塔洲村"]["cls"]
    assert "s-closable" in by_name["新店村"]["cls"] and "s-watching" in by_name["东阳村"]["cls"]
    # A tile opens its village.
    browser.open(site / by_name["塔洲村"]["href"])
    assert browser.js("document.querySelector('h1').textContent").startswith("塔洲村")


def test_search_and_filters_narrow_the_wall_chart(built, browser):
    site = built[0]["zh"]
    browser.open(site / "wall.html")
    visible = "Array.from(document.querySelectorAll('a.tile')).filter(t => !t.hidden).map(t => t.querySelector('span').textContent)"
    assert len(browser.js(visible)) == 10
    assert browser.js("document.getElementById('filter').hidden") is False

    def set_field(name: str, value: str) -> None:
        browser.js(
            f"(() => {{ const f = document.getElementById('filter'); f.elements[{json.dumps(name)}].value = "
            f"{json.dumps(value)}; f.dispatchEvent(new Event('input')); }})()"
        )

    set_field("q", "塔洲")
    assert browser.js(visible) == ["塔洲村"]
    assert browser.js("document.getElementById('filter').elements['n'].value") == "1 / 10"
    set_field("q", "黄溪镇")
    assert sorted(browser.js(visible)) == ["东阳村", "渡口村", "石门村"]
    set_field("q", "")
    set_field("s", "overdue")
    assert sorted(browser.js(visible)) == ["塘桥村", "宋三村"]
    # Sections with nothing left are hidden too.
    assert browser.js("document.querySelectorAll('section.township:not([hidden])').length") == 2
    set_field("s", "")
    set_field("c", "C05")
    assert sorted(browser.js(visible)) == ["宋三村", "柏树村", "渡口村"]
    set_field("c", "")
    set_field("t", browser.js("document.querySelector('select[name=t] option:nth-child(4)').value"))
    assert sorted(browser.js(visible)) == sorted(["塘桥村", "柏树村", HOSTILE])


def test_village_page_shows_its_timeline(built, browser, shots):
    site = built[0]["zh"]
    browser.open(site / "wall.html")
    href = browser.js(
        "Array.from(document.querySelectorAll('a.tile')).find(t => t.textContent.includes('塘桥村'))"
        ".getAttribute('href')"
    )
    browser.log.clear()
    browser.open(site / href)
    assert browser.log == []
    dots = browser.js("Array.from(document.querySelectorAll('svg.timeline g.ev')).map(g => g.className.baseVal)")
    assert dots == ["ev e-identified", "ev e-planned", "ev e-acceptance", "ev e-reopened"]
    assert browser.js("document.querySelector('svg.timeline .today text').textContent") == f"今天 {AS_OF}"
    assert browser.js("document.querySelector('svg.timeline .m-deadline text').textContent") == "整改时限 2026-09-01"
    rows = browser.js(
        "Array.from(document.querySelectorAll('table.events tbody tr')).map(r => "
        "Array.from(r.cells).map(c => c.textContent))"
    )
    assert [r[0] for r in rows] == ["2025-04-01", "2025-04-10", "2025-09-01", "2026-03-01"]
    assert rows[3][1] == "反弹，重新整改" and "再次出现越级访" in rows[3][2]
    assert rows[0][3] == "张丽 · 2025-04-01T09:30:00+08:00"
    assert "邓埠镇2026Q1排查.xlsx，排查表，第9行" in browser.js("document.querySelector('.standards').textContent")
    browser.screenshot(shots / "zh-village.png")


def test_hostile_village_name_is_text_and_runs_nothing(built, browser):
    for site in built[0].values():
        for page in (site / "wall.html", site / "todo.html"):
            browser.log.clear()
            browser.open(page)
            time.sleep(0.2)  # an onerror would fire as soon as the broken image failed
            assert not any("dialog" in entry for entry in browser.log), browser.log
            assert browser.js("document.querySelectorAll('img').length") == 0
            assert HOSTILE in browser.js("document.body.innerText"), page
        browser.open(site / "wall.html")
        href = browser.js(
            f"Array.from(document.querySelectorAll('a.tile')).find(t => t.textContent.includes("
            f"{json.dumps(HOSTILE)})).getAttribute('href')"
        )
        browser.log.clear()
        browser.open(site / href)
        time.sleep(0.2)
        assert browser.log == []
        assert browser.js("document.querySelector('h1').textContent").startswith(HOSTILE)
        assert browser.js("document.title").endswith(HOSTILE)


def test_pages_read_with_javascript_off(built, browser):
    site = built[0]["en"]
    browser.send("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.open(site / "wall.html")
        assert browser.js("document.querySelectorAll('a.tile').length") == 10
        # The filters need the script: without it they are not shown at all, and every tile is.
        assert browser.js("getComputedStyle(document.getElementById('filter')).display") == "none"
        assert browser.js("Array.from(document.querySelectorAll('a.tile')).every(t => t.offsetParent !== null)")
        browser.open(site / "index.html")
        assert "Dengbu" not in browser.js("document.body.innerText")  # names are the ledger's, not translated
        assert browser.js("document.querySelectorAll('table.townships tbody tr').length") == 3
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", value=False)


def test_township_table_sorts_by_a_column(built, browser):
    site = built[0]["en"]
    browser.open(site / "index.html")
    column = (
        "Array.from(document.querySelectorAll('table.townships tbody tr')).map(r => "
        "[r.dataset.township, Number(r.cells[1].dataset.v)])"
    )
    assert browser.js(column) == [["邓埠镇", 4], ["黄溪镇", 2], ["洪湖乡", 3]]  # the report's order (by code)
    browser.js("document.querySelectorAll('table.townships th')[1].click()")  # listed, ascending
    assert browser.js(column) == [["黄溪镇", 2], ["洪湖乡", 3], ["邓埠镇", 4]]
    browser.js("document.querySelectorAll('table.townships th')[1].click()")  # descending
    assert browser.js(column) == [["邓埠镇", 4], ["洪湖乡", 3], ["黄溪镇", 2]]
    assert browser.js("document.querySelectorAll('table.townships th')[1].getAttribute('aria-sort')") == "descending"
    browser.js("document.querySelectorAll('table.townships th')[0].click()")  # by name
    assert browser.js("document.querySelectorAll('table.townships th')[1].getAttribute('aria-sort')") is None
    assert len(browser.js(column)) == 3
