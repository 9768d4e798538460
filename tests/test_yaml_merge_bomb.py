"""A merge-key bomb (`<<: [*a, *a, …]` nested) in any YAML file lax reads is one line with its place, at once."""

import time

from typer.testing import CliRunner

from lax.cli import app

BOMB = ["a0: &a0 {k0: 1, k1: 2}"] + [
    f"a{i}: &a{i} {{<<: [" + ", ".join([f"*a{i - 1}"] * 10) + f"], k{i + 1}: 0}}" for i in range(1, 12)
]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_merge_key_bomb_in_a_village_list_is_one_problem(tmp_path):
    f = tmp_path / "邓埠镇.yaml"
    f.write_text("\n".join(BOMB) + "\nvillages:\n- {township: 邓埠镇, village: 宋三村}\n", encoding="utf-8")
    # CPU time of this process: the work done, not how busy the machine is (two test workers, other jobs)
    started = time.process_time()
    r = run("check", f, "--format", "json")
    assert time.process_time() - started < 10
    assert r.exit_code == 2
    assert "merge keys (<<) would expand this mapping past 10,000 entries" in r.stdout
    assert "Traceback" not in r.output


def test_a_merge_key_bomb_in_a_ledger_file_is_refused_at_once(tmp_path):
    led = tmp_path / "ledger"
    led.mkdir()
    (led / "邓埠镇-宋三村.yaml").write_text("\n".join(BOMB) + "\n", encoding="utf-8")
    started = time.process_time()
    r = run("ledger", "verify", "--ledger", led)
    assert time.process_time() - started < 10
    assert r.exit_code == 2
    # ledger files refuse anchors outright, before any merge is expanded
    assert (
        r.stdout == f"{led / '邓埠镇-宋三村.yaml'}:1: anchors and aliases (& and *) are not allowed in a ledger file\n"
    )


def test_an_ordinary_merge_key_still_reads(tmp_path):
    crit = tmp_path / "criteria.yaml"
    from lax.criteria import packaged_path

    crit.write_text(packaged_path("criteria.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    f = tmp_path / "v.yaml"
    f.write_text(
        "base: &b {township: 邓埠镇, election_completed: 否}\n"
        "villages:\n- {<<: *b, village: 宋三村}\n- {<<: *b, village: 江头村}\n",
        encoding="utf-8",
    )
    r = run("check", f, "--criteria", crit, "--format", "json")
    assert '"flagged": 2' in r.stdout


def test_merge_keys_chained_thousands_deep_are_one_line_not_an_internal_error(tmp_path):
    crit = tmp_path / "criteria.yaml"
    crit.write_text(
        "\n".join(["a0: &a0 {k0: 1}"] + [f"a{i}: &a{i} {{<<: *a{i - 1}, k{i}: 1}}" for i in range(1, 3000)]) + "\n",
        encoding="utf-8",
    )
    r = run("criteria", "--criteria", crit)
    assert r.exit_code == 2
    assert r.output.strip() == f"{crit}:3000: YAML syntax error: merge keys (<<) are chained too deeply"
