"""The documentation keeps up with the program: every command and option of `lax` is documented under
`docs/` with a paste-able example, every relative link in README.md and docs/ resolves, the default
standards are listed as the packaged file says, and the library examples in docs/dev/api.md run.

The command tree is read from the Typer app itself (as sqlite-utils does for its CLI reference), so a new
command or option without a line in the docs fails here, naming it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

import lax.cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"


def doc_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def markdown_files() -> list[Path]:
    return [README, *doc_pages()]


def commands() -> list[tuple[str, object]]:
    """Every visible command of the app as ("lax ledger open", click command), the root included."""
    found = []

    def walk(cmd, path):
        found.append((path, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            if not getattr(sub, "hidden", False):
                walk(sub, f"{path} {name}")

    walk(typer.main.get_command(lax.cli.app), "lax")
    return found


COMMANDS = commands()


def option_pattern(opt: str) -> re.Pattern:
    # `--criteria` must not be found inside `--criteria-file`, nor `-o` inside `--output` or `-of`.
    return re.compile(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])")


def pages_about(path: str) -> list[Path]:
    """The docs pages that speak of a command: they name it in full (`lax ledger open`); for `lax` itself
    (its own options) every page does."""
    if path == "lax":
        return doc_pages()
    return [p for p in doc_pages() if path in p.read_text(encoding="utf-8")]


def test_the_app_has_the_commands_this_test_walks():
    # If the walk found nothing (Typer changed how groups keep their commands) every check below would pass.
    names = {path for path, _ in COMMANDS}
    assert {"lax check", "lax criteria", "lax form", "lax report", "lax ledger open", "lax ledger export"} <= names


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda p: p.replace(" ", "-"))
def test_every_command_has_a_page_and_a_pasteable_example(path):
    if path == "lax":
        return
    pages = pages_about(path)
    assert pages, f"`{path}` is named in no page under docs/"
    # A paste-able example: a line of a shell block that runs the command (a group: one of its commands).
    example = re.compile(r"^(?:\$ )?(?:\w+=\S+ )*" + re.escape(path) + r"(?: |$)", re.M)
    blocks = [b for p in doc_pages() for b in re.findall(r"```sh\n(.*?)```", p.read_text(encoding="utf-8"), re.S)]
    assert any(example.search(b) for b in blocks), f"`{path}` has no example in a ```sh block under docs/"


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p.replace(" ", "-") for p, _ in COMMANDS])
def test_every_option_is_documented_with_its_command(path, cmd):
    pages = pages_about(path)
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    missing = []
    for param in cmd.params:
        if param.param_type_name != "option" or getattr(param, "hidden", False):
            continue
        for opt in [*param.opts, *param.secondary_opts]:
            if not option_pattern(opt).search(text):
                missing.append(opt)
    where = ", ".join(str(p.relative_to(ROOT)) for p in pages)
    assert missing == [], f"`{path}` options not documented in the pages that name it ({where}): {missing}"


def test_option_pattern_tells_options_apart():
    assert option_pattern("--criteria").search("`--criteria FILE`")
    assert not option_pattern("--criteria").search("`--criteria-file FILE`")
    assert not option_pattern("-o").search("--output")
    assert option_pattern("-o").search("`--output FILE`, `-o`")


# ------------------------------------------------------------------------------------------------ links


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped (letters of any script, digits,
    spaces, `-` and `_` kept), spaces to hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.M):
        slug = github_slug(heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'<img [^>]*src="([^"]+)"', text)


def test_github_slug():
    assert github_slug("A year's work in ten minutes") == "a-years-work-in-ten-minutes"
    assert github_slug("Recording a check: `lax check --record`") == "recording-a-check-lax-check---record"
    assert github_slug("Sheet 排查表 (the form)") == "sheet-排查表-the-form"


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            broken.append(f"{target} (no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest})")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {dest.relative_to(ROOT)})")
    assert broken == [], f"{page.relative_to(ROOT)}: broken links: {broken}"


def test_the_readme_links_every_docs_page():
    readme = README.read_text(encoding="utf-8")
    unlinked = [str(p.relative_to(ROOT)) for p in doc_pages() if f"]({p.relative_to(ROOT).as_posix()}" not in readme]
    assert unlinked == [], f"README.md does not point to {unlinked}"


# ------------------------------------------------------------------------------------------------ content


def test_readme_is_short_and_says_how_to_set_up():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    linux = (
        "python3 -m venv .venv && . .venv/bin/activate && python3 -m pip install . && lax check examples/yujiang.xlsx"
    )
    tests = "python3 -m venv .venv && . .venv/bin/activate && python3 -m pip install '.[test]' && python3 -m pytest"
    assert linux in readme and tests in readme
    assert (
        r"py -m venv .venv; .\.venv\Scripts\Activate.ps1; python -m pip install .; lax check examples\yujiang.xlsx"
        in readme
    )


def test_ci_runs_the_readmes_test_command_as_written():
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_line = next(line for line in readme.splitlines() if "'.[test]'" in line and "pytest" in line)
    assert test_line in ci.splitlines()
    assert ci.index("export HYPOTHESIS_PROFILE=ci") < ci.index(test_line)


def test_the_first_setup_command_exits_1_as_the_readme_says():
    assert "The set-up command exits with status 1" in README.read_text(encoding="utf-8")
    result = CliRunner().invoke(lax.cli.app, ["check", str(ROOT / "examples" / "yujiang.xlsx")])
    assert result.exit_code == 1, result.output
    assert "0 problems" in result.output


def test_no_references_to_a_spec_outside_the_repository():
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in markdown_files()
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"SPEC\b|§", line)
    ]
    assert offenders == []


def test_the_default_standards_are_listed_as_the_packaged_file_has_them():
    from lax.criteria import packaged_path

    data = yaml.safe_load(packaged_path("criteria.yaml").read_text(encoding="utf-8"))
    page = (DOCS / "standards.md").read_text(encoding="utf-8")
    for c in data["criteria"]:
        row = f"| {c['id']} | {c['title']['zh']} | {c['title']['en']} | `{c['when'].replace('|', chr(92) + '|')}` |"
        assert row in page, f"docs/standards.md does not list {c['id']} as criteria.yaml has it: {row}"
    for f in data["fields"]:
        assert f"| `{f['id']}` | {f['type']} | {f.get('unit', '')} | {f['title']['zh']} |" in page, f["id"]
    for key, value in data["policy"].items():
        assert f"`{key}: {value}`" in page


def test_every_top_level_module_and_package_is_in_the_architecture_page():
    page = (DOCS / "dev" / "architecture.md").read_text(encoding="utf-8")
    names = [
        p.name
        for p in (ROOT / "lax").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists() and p.name != "data")
        or (p.suffix == ".py" and p.name not in ("__init__.py", "__main__.py"))
    ]
    missing = [
        n for n in sorted(names) if not re.search(r"(?<![\w/])" + re.escape(n.removesuffix(".py")) + r"(\.py|/)", page)
    ]
    assert missing == [], f"docs/dev/architecture.md does not describe lax/{missing}"


def test_the_library_examples_run(tmp_path, monkeypatch):
    """Each ```python block of docs/dev/api.md, in order, in a folder set up as the page says (one process,
    each block in a namespace of its own, so that a block relying on an earlier one's names fails)."""
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "dev" / "api.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 3
    for name in ("dengbu.xlsx", "villages.csv"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    env = {"LAX_NOW": "2026-09-30T10:15:00+08:00", "LAX_USER": "李明", "LAX_LANG": "en", "LAX_LEDGER": None}
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(lax.cli.app, ["check", "villages.csv", "--as-of", "2026-09-30", "--record"], env=env)
    assert made.exit_code == 1 and "4 opened" in made.output, made.output
    runner = (
        "import sys\n"
        "for i, block in enumerate(sys.argv[1:], 1):\n"
        "    print(f'--- example {i}', file=sys.stderr)\n"
        "    exec(compile(block, f'docs/dev/api.md example {i}', 'exec'), {'__name__': '__main__'})\n"
    )
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **{k: v for k, v in env.items() if v is not None}}
    run_env.pop("LAX_LEDGER", None)
    run = subprocess.run(
        [sys.executable, "-c", runner, *blocks], cwd=tmp_path, env=run_env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "罗坪村 ['C05', 'C13', 'C15']" in run.stdout
    assert (tmp_path / "2026Q4.docx").stat().st_size > 0
    assert "召开党员大会重新选举" in (tmp_path / "ledger" / "春涛乡-罗坪村.yaml").read_text(encoding="utf-8")
