"""The criteria loader: the shipped 15 standards, the expression whitelist, three-valued logic, FILE:LINE errors."""

import textwrap

import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import load_criteria, packaged_path
from lax.problems import LaxError

runner = CliRunner()

SPEC_TABLE = {
    "C01": ("党组织书记长期缺职", "Secretary post long vacant", "secretary_vacant_months >= 3"),
    "C02": (
        "书记不胜任现职、工作不在状态",
        "Secretary unfit for the post or often absent",
        "secretary_unfit or secretary_absent_days >= 30",
    ),
    "C03": ("班子不团结、内耗严重", "Team disunited, serious infighting", "team_disunity"),
    "C04": ("班子配备不齐", "Two committees not fully staffed", "committee_vacancies >= 2"),
    "C05": ('"两委"换届未能顺利完成', "Two-committee election not completed", "not election_completed"),
    "C06": ("换届选举拉票贿选问题突出", "Vote-buying in elections", "vote_buying_cases >= 1"),
    "C07": (
        '组织生活不正常，"三会一课"不落实',
        'Organisational life not held ("three meetings and one lesson")',
        "not org_life_held",
    ),
    "C08": ("两年以上未发展党员", "No new Party member for two years or more", "years_since_new_member >= 2"),
    "C09": ("宗族宗教和黑恶势力干扰渗透", "Clan, religious or gang interference", "gang_interference"),
    "C10": (
        "村务财务公开和民主管理混乱",
        "Village affairs and finances not disclosed",
        "disclosure_missed_months >= 3",
    ),
    "C11": ('集体"三资"管理混乱、处置不公', "Collective assets mismanaged or unfairly disposed", "asset_cases >= 1"),
    "C12": (
        "信访矛盾纠纷集中",
        "Petitions and disputes concentrated",
        "collective_petitions >= 3 or leapfrog_petitions >= 1",
    ),
    "C13": ("村干部违纪违法", "Village cadres violated discipline or law", "cadre_violations >= 1"),
    "C14": (
        "社会治安和安全问题突出",
        "Public order and safety problems",
        "mass_incidents >= 1 or forest_fires >= 1 or illegal_buildings >= 10",
    ),
    "C15": ("群众满意度低", "Mass satisfaction below 60 %", "satisfaction < 60"),
}

SPEC_FIELDS = {
    "township": ("text", True, "乡镇"),
    "village": ("text", True, "村名"),
    "code": ("text", False, "村代码"),
    "party_members": ("int", False, "党员人数"),
    "activists": ("int", False, "入党积极分子"),
    "secretary_vacant_months": ("int", False, "书记空缺月数"),
    "secretary_unfit": ("bool", False, "书记不胜任"),
    "secretary_absent_days": ("int", False, "书记脱岗天数"),
    "team_disunity": ("bool", False, "班子不团结"),
    "committee_vacancies": ("int", False, "两委缺额人数"),
    "election_completed": ("bool", False, "换届完成"),
    "vote_buying_cases": ("int", False, "拉票贿选案件数"),
    "org_life_held": ("bool", False, "三会一课落实"),
    "years_since_new_member": ("int", False, "未发展党员年数"),
    "gang_interference": ("bool", False, "宗族宗教黑恶势力干扰"),
    "disclosure_missed_months": ("int", False, "村务财务未公开月数"),
    "asset_cases": ("int", False, "集体资产处置问题数"),
    "collective_petitions": ("int", False, "集体访次数"),
    "leapfrog_petitions": ("int", False, "越级访次数"),
    "cadre_violations": ("int", False, "干部违纪违法人次"),
    "mass_incidents": ("int", False, "群体性事件数"),
    "forest_fires": ("int", False, "森林火灾次数"),
    "illegal_buildings": ("int", False, "违章建筑户数"),
    "has_venue": ("bool", False, "有固定活动场所"),
    "satisfaction": ("percent", False, "群众满意度"),
    "collective_income": ("number", False, "村集体经济收入(万元)"),
    "checked_on": ("date", False, "排查日期"),
}


def test_shipped_criteria_are_exactly_the_spec_table():
    crit = load_criteria(packaged_path("criteria.yaml"))
    assert crit.version == 1
    assert [c.id for c in crit.criteria] == list(SPEC_TABLE)
    for c in crit.criteria:
        assert (c.title_zh, c.title_en, c.when) == SPEC_TABLE[c.id]
    assert crit.policy.rectify_months == 6 and crit.policy.watch_months == 12 and crit.policy.pass_score == 70


def test_shipped_fields_have_spec_types_and_aliases_in_both_languages():
    crit = load_criteria(packaged_path("criteria.yaml"))
    assert [f.id for f in crit.fields] == list(SPEC_FIELDS)
    for f in crit.fields:
        ftype, required, zh_alias = SPEC_FIELDS[f.id]
        assert (f.type, f.required) == (ftype, required), f.id
        assert crit.field_for_header(zh_alias) == f.id
        assert any(a.isascii() for a in f.aliases), f"{f.id} has no English alias"
        assert crit.field_for_header(f.title_en) == f.id


@pytest.mark.parametrize(
    "header, field",
    [
        ("书记缺职月数", "secretary_vacant_months"),
        ("两委缺额\n人数", "committee_vacancies"),
        ("村集体经济收入（万元）", "collective_income"),
        ("  群众满意度 ", "satisfaction"),
        ("Secretary vacant (months)", "secretary_vacant_months"),
        ("行政区划代码", "code"),
        ("越级访", "leapfrog_petitions"),
    ],
)
def test_header_spellings(header, field):
    assert load_criteria(packaged_path("criteria.yaml")).field_for_header(header) == field


def _values(crit, **kw):
    values = [None] * len(crit.fields)
    for k, v in kw.items():
        values[crit.index[k]] = v
    return tuple(values)


def _outcome(crit, cid, **kw):
    return dict(zip(crit.ids, crit.evaluate(_values(crit, **kw))))[cid]


def test_three_valued_logic():
    crit = load_criteria(packaged_path("criteria.yaml"))
    # True or unknown is true; False or unknown is unknown
    assert _outcome(crit, "C02", secretary_unfit=True) is True
    assert _outcome(crit, "C02", secretary_unfit=False) is None
    assert _outcome(crit, "C02", secretary_unfit=False, secretary_absent_days=10) is False
    assert _outcome(crit, "C02", secretary_absent_days=45) is True
    # a blank value is undetermined, never silently "not met"
    assert _outcome(crit, "C15") is None
    assert _outcome(crit, "C05") is None
    assert _outcome(crit, "C05", election_completed=False) is True
    assert _outcome(crit, "C14", mass_incidents=0, forest_fires=0) is None
    assert _outcome(crit, "C14", mass_incidents=0, forest_fires=0, illegal_buildings=9) is False
    assert _outcome(crit, "C14", forest_fires=2) is True


def _write(tmp_path, body, name="criteria.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


BASE = """\
version: 1
fields:
  - id: township
    type: text
    required: true
  - id: village
    type: text
    required: true
  - id: satisfaction
    type: percent
  - id: fires
    type: int
  - id: done
    type: bool
criteria:
  - id: X1
    title: {zh: 测试, en: Test}
    when: {when}
"""


def _three_valued_fixture(tmp_path, when):
    return _write(tmp_path, BASE.replace("{when}", when))


def test_false_and_unknown_is_false(tmp_path):
    crit = load_criteria(_three_valued_fixture(tmp_path, "fires >= 1 and satisfaction < 60"))
    assert crit.evaluate(_values(crit, fires=0)) == (False,)
    assert crit.evaluate(_values(crit, fires=2)) == (None,)
    assert crit.evaluate(_values(crit, fires=2, satisfaction=50)) == (True,)


def test_in_arithmetic_and_not(tmp_path):
    crit = load_criteria(_three_valued_fixture(tmp_path, '"(fires + 1) * 2 / 2 in [3, 4] and not done"'))
    assert crit.evaluate(_values(crit, fires=2, done=False)) == (True,)
    assert crit.evaluate(_values(crit, fires=5, done=False)) == (False,)
    assert crit.evaluate(_values(crit, fires=2)) == (None,)


def test_division_by_zero_is_undetermined(tmp_path):
    crit = load_criteria(_three_valued_fixture(tmp_path, "'satisfaction / fires > 1'"))
    assert crit.evaluate(_values(crit, satisfaction=50, fires=0)) == (None,)
    assert crit.evaluate(_values(crit, satisfaction=50, fires=10)) == (True,)


@pytest.mark.parametrize(
    "when, words",
    [
        ("unknown_field >= 3", "unknown field 'unknown_field'"),
        ("\"__import__('os').system('echo hi')\"", "function calls are not allowed"),
        ("fires.real > 1", "attribute access are not allowed"),
        ('"(lambda: 1)() > 0"', "function calls are not allowed"),
        ('"(lambda x: x) > 0"', "lambdas are not allowed"),
        ('"[1][0] > 0"', "subscripts are not allowed"),
        ('"[x for x in [1]] == 1"', "comprehensions are not allowed"),
        ("fires >=", "cannot parse expression"),
        ("fires ** 2 > 1", "only + - * /"),
        ("satisfaction < 'high'", "cannot compare num with text"),
        ("fires", "must be a condition"),
    ],
)
def test_refused_expressions_name_file_and_line(tmp_path, when, words):
    path = _three_valued_fixture(tmp_path, when)
    with pytest.raises(LaxError) as e:
        load_criteria(path)
    assert str(e.value).startswith(f"{path}:18: criterion 'X1': ")
    assert words in str(e.value)


@pytest.mark.parametrize(
    "deep", ["not " * 100 + "done", "(" * 1000 + "fires" + ")" * 1000 + " > 1", " + ".join(["fires"] * 3000) + " > 1"]
)
def test_very_deep_nesting_is_refused(tmp_path, deep):
    path = _three_valued_fixture(tmp_path, f"'{deep}'")
    with pytest.raises(LaxError) as e:
        load_criteria(path)
    assert any(w in str(e.value) for w in ("nested too deeply", "cannot parse", "too long"))


def test_every_problem_is_listed_with_its_line_and_exit_2(tmp_path):
    path = _write(
        tmp_path,
        """\
        version: one
        policy:
          rectify_months: -1
        fields:
          - id: township
            type: text
          - id: village
            type: txt
          - id: Bad-Id
        criteria:
          - id: C01
            title: 一
            when: nosuch > 1
          - id: C01
            title: 二
            when: township == '邓埠镇'
        """,
    )
    result = runner.invoke(app, ["criteria", "--criteria", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"{path}: 6 problems in the criteria file"
    assert lines[1:] == [
        f"{path}:1: 'version' must be a whole number such as 1",
        f"{path}:3: policy 'rectify_months' must be a positive number, got -1",
        f"{path}:8: field 'village': type 'txt' is not one of text, int, number, percent, bool, date",
        f"{path}:9: field id 'Bad-Id' must be lower-case letters, digits and _",
        f"{path}:13: criterion 'C01': unknown field 'nosuch'",
        f"{path}:14: criterion 'C01' is defined twice (first at line 11)",
    ]


@pytest.mark.parametrize(
    "content, words",
    [
        ("", "must be a mapping"),
        ("fields: [\n  - id: x\n", "YAML syntax error"),
        ("!!python/object/apply:os.system ['echo pwned']\n", "YAML"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_broken_criteria_files(tmp_path, content, words):
    path = _write(tmp_path, content)
    result = runner.invoke(app, ["criteria", "--criteria", str(path)])
    assert result.exit_code == 2
    assert str(path) + ":" in result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_missing_criteria_file(tmp_path):
    result = runner.invoke(app, ["criteria", "--criteria", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope.yaml'}: criteria file not found"


def test_criteria_command_lists_the_standards_in_chinese():
    result = runner.invoke(app, ["criteria", "--lang", "zh", "--criteria", str(packaged_path("criteria.yaml"))])
    assert result.exit_code == 0, result.output
    assert "C15" in result.stdout and "群众满意度低" in result.stdout
    assert "验收合格分 70" in result.stdout


def test_criteria_json():
    import json

    result = runner.invoke(app, ["criteria", "--format", "json", "--criteria", str(packaged_path("criteria.yaml"))])
    data = json.loads(result.stdout)
    assert [c["id"] for c in data["criteria"]] == list(SPEC_TABLE)
    assert data["policy"] == {"rectify_months": 6, "watch_months": 12, "pass_score": 70}


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\u2029"])
def test_a_criteria_problem_below_a_unicode_line_break_names_the_editors_line(tmp_path, odd):
    text = packaged_path("criteria.yaml").read_text(encoding="utf-8")
    text = text.replace("Secretary post long vacant", f"Secretary post{odd}long vacant", 1)
    text = text.replace("when: satisfaction < 60", "when: satisfacton < 60", 1)
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.split("\n"), 1) if "satisfacton" in t)  # as an editor numbers it
    with pytest.raises(LaxError) as e:
        load_criteria(path)
    assert str(e.value).startswith(f"{path}:{line}: ")
