"""`--help` in Chinese: the translation table of every command's and option's help, and click's own words.

The help strings stay written once, in English, where each command is declared (`lax.cli.check`,
`lax.cli.ledger`, ...); this table gives each its Chinese, keyed by the English text as written. With
`--lang zh` or `LAX_LANG=zh`, `localise` walks the click command tree before it parses the command line and
puts the Chinese in place, and `ZhFormatter` says click's own words (用法, 选项, 参数, 命令, [必填],
[默认：…], [环境变量：…]). Imported only when Chinese help is wanted, so `lax --help` stays instant.

A command or option added without an entry here keeps its English help (never an error); the test
`tests/test_zh_all_the_way.py` names every help text that has no entry, so a new one is added with it.
"""

from __future__ import annotations

import copy
import inspect
import re
import unicodedata
from typing import Any

# English help (as written at the command, `inspect.cleandoc`-ed for a command's docstring) -> Chinese.
HELP_ZH: dict[str, str] = {
    # ------------------------------------------------------------------------------------------ lax
    "Identify and rectify weak and lax (软弱涣散) village-level Party organisations.": ("排查整顿软弱涣散村级党组织。"),
    "Show the version and exit.": "显示版本号后退出。",
    "Show the Python traceback of an internal error (for a bug report; also LAX_DEBUG=1).": (
        "内部错误时显示 Python 调用栈（用于报告问题；也可设置 LAX_DEBUG=1）。"
    ),
    "Show this message and exit.": "显示本帮助后退出。",
    # ------------------------------------------------------------------------------ common options
    "Criteria file (default: ./criteria.yaml if present, else the packaged one).": (
        "认定标准文件（默认：当前文件夹有 ./criteria.yaml 时用它，否则用内置标准）。"
    ),
    "Ledger folder (one YAML file per village).": "台账文件夹（每村一个 YAML 文件）。",
    "Who is recording, kept with every event written (default: LAX_USER, else git's user.name in the ledger "
    "folder, else the login name).": (
        "录入人，随每条写入的记录保存（默认：LAX_USER，其次是台账文件夹中 git 的 user.name，再次是登录名）。"
    ),
    "Language of everything printed: en or zh.": "输出语言：en（英文）或 zh（中文）。",
    # ---------------------------------------------------------------------------------- lax check
    "Apply the definition standards to township spreadsheets and show which villages meet them.\n\n"
    "Exit 0: no village flagged, no problems; 1: villages flagged; 2: problems in the input.\n\n"
    "Example: lax check examples/yujiang.xlsx --format json --output result.json": (
        "用认定标准检查乡镇报来的排查表，列出符合标准的村。\n\n"
        "退出码 0：没有村符合标准，输入无问题；1：有村符合标准；2：输入有问题。\n\n"
        "示例：lax check examples/yujiang.xlsx --format json --output result.json"
    ),
    "Spreadsheets, CSV, YAML or JSON files townships sent.": "乡镇报来的表格文件（Excel、CSV、YAML 或 JSON）。",
    "Read only this sheet.": "只读取这个工作表。",
    "Date of the check (default: today).": "检查日期（默认：今天）。",
    "Output: table, json, csv or xlsx.": "输出格式：table（表格）、json、csv 或 xlsx。",
    "Write the output to this file.": "把结果写入这个文件。",
    "List every village, not only flagged ones.": "列出所有村，不只是符合标准的村。",
    "Record the results in the ledger.": "把结果记入台账。",
    "How the villages were examined (with --record).": "排查方式（与 --record 同用）。",
    # ------------------------------------------------------------------------- lax criteria, form
    "List the definition standards in force and the policy (time limits, pass score).\n\n"
    "Example: lax criteria --lang zh": (
        "列出现行认定标准和政策（整改时限、验收合格分）。\n\n示例：lax criteria --lang zh"
    ),
    "table or json.": "table（表格）或 json。",
    "Write a blank input form townships fill in and `lax check` reads back.\n\nExample: lax form 排查表.xlsx": (
        "生成空白排查表，供乡镇填写，填好后由 `lax check` 读取。\n\n示例：lax form 排查表.xlsx"
    ),
    "Where to write the blank form (.xlsx).": "空白排查表的保存位置（.xlsx）。",
    # --------------------------------------------------------------------------------- lax report
    "Draft the quarterly or yearly summary from the ledger, as of the period's end.\n\n"
    "Example: lax report --quarter 2026Q3 --lang zh --format docx --output 2026Q3.docx": (
        "根据台账起草季度或年度工作总结，数据截至所报期间的最后一天。\n\n"
        "示例：lax report --quarter 2026Q3 --lang zh --format docx --output 2026Q3.docx"
    ),
    "A quarter: 2026Q3 or 2026-Q3.": "季度：2026Q3 或 2026-Q3。",
    "A year: 2026.": "年度：2026。",
    "First day of the period (with --to).": "期间的第一天（与 --to 同用）。",
    "Last day of the period (default: today).": "期间的最后一天（默认：今天）。",
    "county, township or village (default: village with --village, township with --township, else county).": (
        "county（县）、township（乡镇）或 village（村）（默认：给了 --village 为村级，给了 --township 为乡镇级，"
        "否则为县级）。"
    ),
    "The township reported on.": "所报告的乡镇。",
    "The village reported on: a code, a name, or township/village.": "所报告的村：村代码、村名或“乡镇/村”。",
    "md, html or docx (json: the template context).": "md、html 或 docx（json：模板所用的数据）。",
    "Write the report to this file (required for docx).": "把报告写入这个文件（docx 格式必须给出）。",
    "Folder of templates overriding the shipped ones (default: ./templates if present).": (
        "自定义模板文件夹，覆盖内置模板（默认：有 ./templates 时用它）。"
    ),
    "The reporting organisation, for the title and the signature at the end.": "报告单位，用于标题和文末落款。",
    # ----------------------------------------------------------------------------------- lax site
    "Write a static status site of the ledger: county overview, wall chart, village pages, to-do list.\n\n"
    "It opens from the folder (index.html) with no server and no network. Example:\n"
    "lax site site/ --as-of 2026-09-30 --lang zh": (
        "把台账生成静态进度网页：全县概况、挂图作战表、各村页面、待办事项。\n\n"
        "直接打开文件夹中的 index.html 即可查看，无需服务器和网络。\n\n"
        "示例：lax site site/ --as-of 2026-09-30 --lang zh"
    ),
    "Folder to write the site into (new, empty, or an earlier site, which is replaced).": (
        "网页写入的文件夹（新建的、空的，或以前生成的网页文件夹，将被替换）。"
    ),
    "The date the site shows (default: today).": "网页所显示情况的日期（默认：今天）。",
    # --------------------------------------------------------------------------------- lax ledger
    "Keep the per-village rectification ledger: open, plan, progress, accept, reopen, close, show, list; "
    "work records what the county and townships did.": (
        "管理各村整顿台账：列入、整改方案、整改进展、验收、重新整改、销号、查看、清单；work 记录县、乡镇开展的工作。"
    ),
    "List a village for rectification (identified); a closed village starts a new round.\n\n"
    "The time limit is the date plus policy.rectify_months unless --deadline is given. --satisfaction and the\n"
    "petition counts record what was measured at identification (a sheet recorded by check --record holds\n"
    "them already), so the report's results can compare them with the values at acceptance.\n\n"
    "Example: lax ledger open 宋三村 --township 邓埠镇 --standards C05,C13 --satisfaction 58 --date 2026-09-30": (
        "把一个村列入整顿（已认定）；已销号的村开始新一轮整顿。\n\n"
        "整改时限为认定日期加 policy.rectify_months 个月，除非给出 --deadline。--satisfaction 和信访次数记录认定时"
        "测得的数值（check --record 录入的排查表已含这些数值），供报告的“成效”与验收时的数值对比。\n\n"
        "示例：lax ledger open 宋三村 --township 邓埠镇 --standards C05,C13 --satisfaction 58 --date 2026-09-30"
    ),
    "Mass satisfaction (%) measured at identification: the 'before' of the report's results.": (
        "认定时测得的群众满意度（%），即报告“成效”中整顿前的数值。"
    ),
    "Collective petitions counted at identification: the 'before' of the report's results.": (
        "认定时统计的集体访次数，即报告“成效”中整顿前的数值。"
    ),
    "Leapfrog petitions counted at identification: the 'before' of the report's results.": (
        "认定时统计的越级访次数，即报告“成效”中整顿前的数值。"
    ),
    "Village code, name, or township/village.": "村代码、村名或“乡镇/村”。",
    "Township (needed for a village new to the ledger).": "所属乡镇（台账中还没有的村须给出）。",
    "Standards met, e.g. C05,C13.": "符合的认定情形，如 C05,C13。",
    "12-digit village code.": "12 位村代码。",
    "self, mass, spot or department.": "self（乡镇自查）、mass（群众评议）、spot（县级抽查）或 department（部门移交）。",
    "Date of the event (default: today).": "事件日期（默认：今天）。",
    "Time limit (YYYY-MM-DD).": "整改时限（YYYY-MM-DD）。",
    "A note kept with the event.": "随事件保存的备注。",
    "Record the rectification plan: measures and the people responsible (status becomes rectifying).\n\n"
    "Example: lax ledger plan 宋三村 --measure 召开党员大会重新选举 --measure 县乡联合督导 --township-leader 李明 "
    "--date 2026-10-10": (
        "记录整改方案：整改措施和责任人（状态变为整改中）。\n\n"
        "示例：lax ledger plan 宋三村 --measure 召开党员大会重新选举 --measure 县乡联合督导 --township-leader 李明 "
        "--date 2026-10-10"
    ),
    "A rectification measure (repeat for more).": "一项整改措施（多项可重复给出）。",
    "County contact leader.": "县级联系领导。",
    "Responsible township leader.": "乡镇责任领导。",
    "First secretary sent to the village.": "选派的驻村第一书记。",
    "Paired helping unit.": "结对帮扶单位。",
    "Record a dated progress report, with the funds spent.\n\n"
    "--funds above 10^9 yuan is refused unless --force is given (then the event says funds_confirmed: true).\n"
    "--highlight marks a notable step (highlight: true), which the county and township reports name as an\n"
    "example under 二、主要做法.\n\n"
    'Example: lax ledger progress 宋三村 "完成支部换届选举" --funds 31500 --date 2026-11-15': (
        "记录一次整改进展（注明日期）及投入资金。\n\n"
        "--funds 超过 10^9 元时拒绝记录，除非给出 --force（事件中注明 `funds_confirmed: true`）。\n"
        "--highlight 标记一项突出做法，县、乡镇报告在“二、主要做法”中作为事例点名。\n\n"
        '示例：lax ledger progress 宋三村 "完成支部换届选举" --funds 31500 --date 2026-11-15'
    ),
    "What was done.": "做了什么。",
    "Funds spent, in yuan (e.g. 31500).": "投入资金，单位元（如 31500）。",
    "Accept funds above 10^9 yuan (recorded as confirmed).": "接受超过 10^9 元的资金（记为已核实）。",
    "Record the county's acceptance inspection: --pass or --fail, or --score alone to decide by the pass score.\n\n"
    "--pass with a score below policy.pass_score is refused as contradictory (exit 2); --fail with a passing\n"
    "score is allowed (a single veto item fails a village whatever its score). --satisfaction and the petition\n"
    'counts measured at the inspection are the "after" values of the report\'s 成效.\n\n'
    "Example: lax ledger accept 宋三村 --pass --score 85 --by 县委组织部 --date 2027-03-20\n"
    "Example: lax ledger accept 宋三村 --pass --satisfaction 92 --collective-petitions 0 --date 2027-03-20": (
        "记录县级验收：--pass（通过）或 --fail（未通过），或只给 --score 按合格分判定。\n\n"
        "--pass 而得分低于 policy.pass_score 视为矛盾，拒绝记录（退出码 2）；--fail 而得分合格是允许的"
        "（一票否决项不论得分都判为未通过）。验收时测得的群众满意度（--satisfaction）和信访次数是报告“成效”中"
        "整改后的数值。\n\n"
        "示例：lax ledger accept 宋三村 --pass --score 85 --by 县委组织部 --date 2027-03-20\n"
        "示例：lax ledger accept 宋三村 --pass --satisfaction 92 --collective-petitions 0 --date 2027-03-20"
    ),
    "Passed acceptance.": "验收通过。",
    "Failed acceptance (keeps rectifying under a new time limit).": "验收未通过（按新的整改时限继续整改）。",
    "Acceptance score; alone it decides by policy.pass_score.": "验收得分；单独给出时按 policy.pass_score 判定。",
    "Inspecting organisation.": "验收单位。",
    "Mass satisfaction (%) measured at the inspection, for the report's results.": (
        "验收时测得的群众满意度（%），用于报告的“成效”。"
    ),
    "Collective petitions counted at the inspection, for the report's results.": (
        "验收时统计的集体访次数，用于报告的“成效”。"
    ),
    "Leapfrog petitions counted at the inspection, for the report's results.": (
        "验收时统计的越级访次数，用于报告的“成效”。"
    ),
    "New time limit after a failed acceptance (default: date + policy.rectify_months).": (
        "验收未通过后的新整改时限（默认：日期加 policy.rectify_months 个月）。"
    ),
    "Reopen an accepted village whose problem rebounded in its watch year (status back to rectifying).\n\n"
    'Example: lax ledger reopen 宋三村 --reason "再次出现越级访" --standards C12 --date 2027-05-01': (
        "已验收的村在巩固观察期内问题反弹，重新整改（状态回到整改中）。\n\n"
        '示例：lax ledger reopen 宋三村 --reason "再次出现越级访" --standards C12 --date 2027-05-01'
    ),
    "What came back (the rebound).": "反弹的问题。",
    "Standards met again, e.g. C12.": "再次符合的认定情形，如 C12。",
    "Cancel the account (销号): refused unless the last acceptance passed and the watch period ended with no "
    "rebound.\n\nExample: lax ledger close 宋三村 --date 2028-03-21": (
        "销号：只有最近一次验收通过、巩固观察期满且未反弹的村才能销号。\n\n"
        "示例：lax ledger close 宋三村 --date 2028-03-21"
    ),
    "Organisation that cancels the account.": "销号单位。",
    "Show one village: its state on a date and its events up to that date.\n\n"
    "Example: lax ledger show 宋三村 --as-of 2027-01-01 --format json": (
        "查看一个村：某一日期的状态和截至该日的全部记录。\n\n"
        "示例：lax ledger show 宋三村 --as-of 2027-01-01 --format json"
    ),
    "Show the state on this date (default: today).": "查看这一日期的状态（默认：今天）。",
    "List the villages in the ledger with their state on a date.\n\n"
    "Example: lax ledger list --status rectifying --overdue --as-of 2027-04-01": (
        "列出台账中各村在某一日期的状态。\n\n示例：lax ledger list --status rectifying --overdue --as-of 2027-04-01"
    ),
    "identified, rectifying, accepted or closed.": (
        "identified（已认定）、rectifying（整改中）、accepted（已验收）或 closed（已销号）。"
    ),
    "Only this township.": "只看这个乡镇。",
    "Only villages past their time limit.": "只看超过整改时限的村。",
    "table, json, csv or xlsx.": "table（表格）、json、csv 或 xlsx。",
    "Write to this file (needed for xlsx).": "写入这个文件（xlsx 格式必须给出）。",
    "Check every file of the ledger, hand edits included: FILE:LINE: message for each problem (exit 2 if any).\n\n"
    '--format json prints {"files": N, "problems": [{"code", "path", "line", "message", ...}]}, the same\n'
    "problem shape as lax check.\n\n"
    "Example: lax ledger verify --ledger ledger --format json": (
        "检查台账的每个文件（包括手工修改的）：每个问题一行，写作“文件:行号：说明”（有问题时退出码为 2）。\n\n"
        '--format json 输出 {"files": N, "problems": [{"code", "path", "line", "message", ...}]}，'
        "问题的格式与 lax check 相同。\n\n"
        "示例：lax ledger verify --ledger ledger --format json"
    ),
    "table (FILE:LINE: message) or json.": "table（“文件:行号：说明”）或 json。",
    "List the events of the whole ledger in the order they were recorded, with who recorded each.\n\n"
    "Events typed by hand (without `recorded`) come first, by their date, marked as not recorded by lax.\n\n"
    "Example: lax ledger log --since 2026-10-01 --by 李明": (
        "按录入顺序列出整个台账的记录，注明每条的录入人。\n\n"
        "手工写入的记录（没有 `recorded`）按日期排在最前，标为“手工录入”。\n\n"
        "示例：lax ledger log --since 2026-10-01 --by 李明"
    ),
    "Only events recorded on or after this date.": "只看这一日期及以后录入的记录。",
    "Only this village (code, name, or township/village).": "只看这个村（村代码、村名或“乡镇/村”）。",
    "Only events recorded by this name.": "只看这个人录入的记录。",
    "Read an existing Excel ledger (台账) into village files: all rows or, if any cell is bad, none.\n\n"
    "Example: lax ledger import 2026年软弱涣散村整顿台账.xlsx --ledger ledger": (
        "把现有的 Excel 台账读入各村文件：全部行一起读入；任何一个单元格有错，则一行也不读入。\n\n"
        "示例：lax ledger import 2026年软弱涣散村整顿台账.xlsx --ledger ledger"
    ),
    "An existing Excel ledger (台账).": "现有的 Excel 台账。",
    "Identification date for rows without 认定时间 (default: today).": "没有“认定时间”的行所用的认定日期（默认：今天）。",
    "Channel for the imported rounds.": "读入各轮整顿的排查方式。",
    "Write the ledger as an Excel 台账 (one row per village, its current round), readable by lax ledger import.\n\n"
    "Example: lax ledger export 台账.xlsx --as-of 2026-12-31": (
        "把台账导出为 Excel 台账（每村一行，为当前一轮），可由 lax ledger import 读回。\n\n"
        "示例：lax ledger export 台账.xlsx --as-of 2026-12-31"
    ),
    "Excel file to write.": "要写入的 Excel 文件。",
    "Only this status.": "只看这个状态。",
    "The to-do list: villages overdue, time limits within N days, accounts that can be closed (or will be\n"
    "within N days), townships whose quarterly examination is late or missing.\n\n"
    "Example: lax ledger due --within 60 --as-of 2027-04-01": (
        "待办事项：已超期的村、N 天内到期的整改时限、可以销号（或 N 天内可以销号）的村、"
        "季度排查逾期或未报送的乡镇。\n\n"
        "示例：lax ledger due --within 60 --as-of 2027-04-01"
    ),
    "Days ahead to look for time limits and watch years ending.": "向后查看多少天内到期的整改时限和期满的观察期。",
    # ---------------------------------------------- added with the work record, submissions, profile
    "With --record: the quarter every township's submission is for, e.g. 2026Q4 (default: from the sheet's "
    "排查日期, else the quarter of --as-of).": (
        "与 --record 同用：各乡镇本次报送所属的季度，如 2026Q4（默认：取表中的排查日期，没有时取 --as-of 所在季度）。"
    ),
    "A notable step: the reports may name it as an example.": "突出做法：报告中可作为事例点名。",
    "Set (or show) the ledger's first quarter: quarterly submissions are counted as missing only from it on.\n\n"
    "Without it, the ledger starts at the quarter of the first submission recorded. Kept in _ledger.yaml.\n\n"
    "Example: lax ledger start 2026Q3": (
        "设定（或查看）台账的起始季度：从这个季度起才把未报送的季度排查计为未报。\n\n"
        "未设定时，以第一次记录报送的季度为起始季度。保存在 _ledger.yaml 中。\n\n"
        "示例：lax ledger start 2026Q3"
    ),
    "The ledger's first quarter: 2026Q3, 2026-Q3 or 2026年第三季度 (without it: show it).": (
        "台账的起始季度：2026Q3、2026-Q3 或 2026年第三季度（不给出时：显示当前设定）。"
    ),
    "Record what the county or a township did, for the reports' 二、主要做法; or --list the records.\n\n"
    "Kinds: organisation (leading group, work teams), documents, meetings, publicity, training, inspection\n"
    "(spot checks), system (system building), funds (funds guarantee), other. Stored in\n"
    "LEDGER/_work/YEAR.yaml, append-only; the same record given twice is kept once.\n\n"
    'Example: lax ledger work "召开全县整顿工作推进会" --kind meetings --county --people 120 --date 2027-03-05': (
        "记录县或乡镇开展的工作，供报告“二、主要做法”使用；或用 --list 列出已有记录。\n\n"
        "类别：organisation（组织领导：领导小组、工作组）、documents（制发文件）、meetings（会议部署）、"
        "publicity（宣传发动）、training（教育培训）、inspection（督导检查、抽查）、system（制度建设）、"
        "funds（经费保障）、other（其他）。保存在 台账/_work/年份.yaml，只追加不改写；同一条记录给出两次只保留一条。\n\n"
        '示例：lax ledger work "召开全县整顿工作推进会" --kind meetings --county --people 120 --date 2027-03-05'
    ),
    "What was done (not with --list).": "做了什么（不与 --list 同用）。",
    "Kind of work: organisation, documents, meetings, publicity, training, inspection, system, funds, other "
    "(or its Chinese name).": (
        "工作类别：organisation、documents、meetings、publicity、training、inspection、system、funds、other"
        "（也可写中文名称）。"
    ),
    "Work of the county.": "县级开展的工作。",
    "Work of this township.": "这个乡镇开展的工作。",
    "Date of the work (default: today).": "工作日期（默认：今天）。",
    "People trained or attending.": "培训或参会人数。",
    "Villages covered.": "覆盖村数。",
    "Funds, in yuan.": "投入资金，单位元。",
    "List the work records instead of adding one.": "列出工作记录，而不是新增。",
    "With --list: only this year.": "与 --list 同用：只列这一年。",
    "With --list: table or json.": "与 --list 同用：table（表格）或 json。",
    "Add an attachment (附件3) listing, for every figure of the text, its villages and the ledger "
    "FILE:LINE of the events behind it (in html each figure links to its list).": (
        "增加附件3：正文中每个数字对应的村，以及支撑它的台账记录（文件:行）；html 中每个数字链接到对应名单。"
    ),
}

# click's own words in a help page.
HEADINGS_ZH = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}
_EXTRA = re.compile(r"\s*\[((?:required|default: |env var: )[^\[\]]*)\]\s*$")


def translate(text: str | None) -> str | None:
    """The Chinese of one help text, or the text itself if the table has none."""
    if not text:
        return text
    return HELP_ZH.get(inspect.cleandoc(text), text)


def short_help(text: str) -> str:
    """A command's line in its group's list: its first sentence (click's own shortening splits at spaces and
    full stops, which Chinese has not)."""
    first = text.split("\n\n", 1)[0]
    end = first.find("。")
    return first[: end + 1] if end != -1 else first


def localise(cmd: Any) -> Any:
    """A copy of a click command (and, for a group, of every command under it) with the Chinese help, whose
    help page says click's own words in Chinese (`ZhFormatter`). A copy: the English tree is left as it was
    (the test suite builds it once and drives it in both languages)."""
    zh = copy.copy(cmd)
    if zh.help:
        zh.help = translate(zh.help)
        if zh.short_help is None:
            zh.short_help = short_help(zh.help)
    elif zh.short_help:
        zh.short_help = translate(zh.short_help)
    zh.params = []
    for p in cmd.params:
        if getattr(p, "help", None):
            p = copy.copy(p)
            p.help = translate(p.help)
        zh.params.append(p)
    zh.context_class = _zh_context(cmd.context_class)
    if isinstance(getattr(cmd, "commands", None), dict):
        zh.commands = {name: localise(sub) for name, sub in cmd.commands.items()}
    return zh


def extras_zh(text: str) -> tuple[str, str]:
    """An option's help and click's note after it, the note in Chinese: `… [env var: LAX_LEDGER; default:
    ledger]` -> (`…`, `[环境变量：LAX_LEDGER；默认：ledger]`); no note: (text, "")."""
    m = _EXTRA.search(text)
    if not m:
        return text, ""
    words = []
    for part in m.group(1).split("; "):
        if part == "required":
            words.append("必填")
        elif part.startswith("default: "):
            words.append("默认：" + part[len("default: ") :])
        elif part.startswith("env var: "):
            words.append("环境变量：" + part[len("env var: ") :])
        else:
            words.append(part)
    return text[: m.start()], "[" + "；".join(words) + "]"


def usage_zh(args: str) -> str:
    """The usage line's placeholders: `[OPTIONS]` -> `[选项]`, `COMMAND [ARGS]...` -> `命令 [参数]...`."""
    return args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")


def width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character or full-width mark takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Marks a line may not begin with (Chinese typesetting's 避头点): they stay with the character before.
_NO_LINE_START = set("，。、；：？！）》」』”’…%）]")
_NO_LINE_END = set("（《「『“‘")  # and marks a line may not end with
_TOKENS = re.compile(
    r"`[^`]*`|[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…]+|\s+"
)


def wrap(text: str, columns: int) -> list[str]:
    """One paragraph cut into lines of at most `columns` terminal columns: between any two Chinese
    characters, at spaces between words, never before a closing mark, never inside a word or `code`."""
    lines: list[str] = []
    line: list[str] = []  # the tokens of the line being filled
    for tok in _TOKENS.findall(" ".join(text.split("\n"))):
        if tok.isspace():
            if line:
                line.append(" ")
            continue
        if line and width("".join(line)) + width(tok) > columns:
            carried: list[str] = []
            if tok[0] in _NO_LINE_START:  # the character before goes down with the mark (推出)
                while line and (line[-1][0] in _NO_LINE_START or line[-1].isspace()):
                    carried.insert(0, line.pop())
                if len(line) > 1:
                    carried.insert(0, line.pop())
                else:  # nothing to carry: the mark stays, a little over
                    line, carried = line + carried, []
            while len(line) > 1 and line[-1] in _NO_LINE_END:  # an opening mark goes down too (避尾)
                carried.insert(0, line.pop())
            if line:
                lines.append("".join(line).rstrip())
                line = carried[1:] if carried and carried[0].isspace() else carried
        line.append(tok)
    if "".join(line).strip():
        lines.append("".join(line).rstrip())
    return lines or [""]


_contexts: dict[type, type] = {}


def _zh_context(base: type) -> type:
    """A subclass of a command's context class whose help formatter is `ZhFormatter`."""
    if base not in _contexts:
        _contexts[base] = type("ZhContext", (base,), {"formatter_class": _formatter(base.formatter_class)})
    return _contexts[base]


def _formatter(base: type) -> type:
    class ZhFormatter(base):  # type: ignore[misc, valid-type]
        """click's help formatter, its own words in Chinese."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, usage_zh(args), "用法：" if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{HEADINGS_ZH.get(heading, heading)}：\n")

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            out = []
            for p in inspect.cleandoc(text).split("\n\n"):
                # an example is a command line to paste: kept on one line, however long
                lines = [p] if p.startswith("示例：") else wrap(p, self.width - self.current_indent)
                out.append("\n".join(indent + line for line in lines))
            self.write("\n\n".join(out) + "\n")

        def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
            # click's own layout (terms, then their help beside them, or below a long term), with the help
            # in Chinese and wrapped by terminal columns: click counts characters, and a Chinese one takes two.
            rows = [(a, HELP_ZH.get(b, b)) for a, b in rows]
            first_col = min(max((width(a) for a, _b in rows), default=0), col_max) + col_spacing
            pad = " " * self.current_indent
            for first, second in rows:
                self.write(f"{pad}{first}")
                if not second:
                    self.write("\n")
                    continue
                if width(first) <= first_col - col_spacing:
                    self.write(" " * (first_col - width(first)))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                text, note = extras_zh(second)
                columns = max(self.width - first_col - self.current_indent, 20)
                lines = wrap(text, columns) if text else []
                if note:  # kept whole: beside the help if it fits, else on a line of its own
                    if lines and width(lines[-1]) + 2 + width(note) <= columns:
                        lines[-1] += "  " + note
                    else:
                        lines.append(note)
                self.write(lines[0] + "\n")
                for line in lines[1:]:
                    self.write(" " * (first_col + self.current_indent) + line + "\n")

    return ZhFormatter


# click's usage errors (`lax check --bogus`), said in Chinese by `lax.cli._usage_error`: pattern -> Chinese.
_USAGE_ZH = [
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"\(Possible options: ([^)]*)\)", r"（可能是：\1）"),
    (r"Missing argument '([^']*)'\.", r"缺少参数 \1。"),
    (r"Missing option '([^']*)'\.", r"缺少选项 \1。"),
    (r"Missing parameter: (\S+)", r"缺少参数 \1"),
    (r"Missing command\.", "缺少命令。"),
    (r"No such command '([^']*)'\.", r"没有命令 \1。"),
    (r"\.? ?Did you mean ([^?]*)\?", r"是否应为 \1？"),
    (r"Invalid value for ([^:]+): (?:Value error, )?", r"\1 的值无效："),
    (r"Invalid value: (?:Value error, )?", "值无效："),
    (r"'([^']*)' is not one of (.*?)\.?$", r"“\1”不是 \2 之一。"),
    (r"Option '([^']*)' does not take a value\.", r"选项 \1 不带值。"),
    (r"Option '([^']*)' requires an argument\.", r"选项 \1 需要一个值。"),
    (r"Option '([^']*)' requires (\d+) arguments\.", r"选项 \1 需要 \2 个值。"),
    (r"Argument '([^']*)' takes (\d+) values\.", r"参数 \1 需要 \2 个值。"),
    (r"Got unexpected extra arguments? \(([^)]*)\)", r"多余的参数（\1）"),
    (r"Value '([^']*)' is not a valid \w+\.", r"“\1”不是有效的值。"),
    (r"Input should be a valid integer[^(]*", "应为整数"),
    (r"Input should be a valid number[^(]*", "应为数字"),
]


def usage_error_zh(message: str) -> str:
    """One of click's usage errors in Chinese (a message no rule knows stays as click wrote it)."""
    for pattern, chinese in _USAGE_ZH:
        message = re.sub(pattern, chinese, message)
    return message
