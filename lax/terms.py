"""The one glossary: the channels, statuses, event types, roles, report levels and kinds of work lax
names, each in English and Chinese.

Every place that shows one of these words to a person (a report, `ledger show` and `ledger log`, the
Excel ledger, a rebound's reason) takes it from here, so the ledger and the report cannot call one
channel by two names. The Chinese names follow the terms of the work ("mass satisfaction evaluation"
群众满意度测评, reports from county departments 县直部门通报, the township leader 乡镇包村领导); the other
spellings offices write are kept in `accepted`, read on input (an imported Excel ledger) but never written.

Pure data and two lookups; importing this module costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str  # as the ledger files and the JSON spell it
    en: str
    zh: str
    accepted: tuple[str, ...] = ()  # other spellings read on input

    def text(self, lang: str) -> str:
        """The name in a document's language (a report's, which is not always the messages')."""
        return self.zh if lang == "zh" else self.en

    def label(self) -> str:
        """The name in the language of lax's messages (`--lang`, LAX_LANG)."""
        from lax.i18n import _

        return _(self.en, self.zh)


def _table(*terms: Term) -> dict[str, Term]:
    return {t.key: t for t in terms}


# The four ways a village comes onto the list, in the order the documents give them.
CHANNELS = _table(
    Term("self", "township self-examination", "乡镇自查", ("自查", "乡镇排查", "排查")),
    Term("mass", "mass satisfaction evaluation", "群众满意度测评", ("群众评议", "群众")),
    Term("spot", "county spot check", "县级抽查", ("抽查", "县委抽查")),
    Term("department", "county department report", "县直部门通报", ("部门报告", "部门移交", "部门")),
)

# The people a plan names, as the ledger's `planned` events spell them.
ROLES = _table(
    Term(
        "county_leader",
        "county contact leader",
        "县级联系领导",
        ("联系县领导", "县领导", "县级领导", "县级联系领导干部"),
    ),
    Term("township_leader", "township leader", "乡镇包村领导", ("乡镇责任人", "包村领导", "乡镇领导")),
    Term("first_secretary", "first secretary", "第一书记", ("驻村第一书记",)),
    Term("helping_unit", "paired helping unit", "结对帮扶单位", ("帮扶单位", "结对单位", "挂点单位")),
)

# A village's status as of a date, and "not listed" for a village with no open round.
STATUSES = _table(
    Term("identified", "identified", "已认定"),
    Term("rectifying", "rectifying", "整改中"),
    Term("accepted", "accepted", "已验收（观察期）"),
    Term("closed", "closed", "已销号"),
)
NOT_LISTED = Term("", "not listed", "未列入")

# The levels a report is drafted at.
LEVELS = _table(
    Term("county", "county", "县级"),
    Term("township", "township", "乡镇级"),
    Term("village", "village", "村级"),
)

# The events of a ledger file, as `ledger show` and `ledger log` name them.
EVENT_TYPES = _table(
    Term("identified", "identified", "认定"),
    Term("planned", "plan", "整改措施"),
    Term("progress", "progress", "整改进展"),
    Term("acceptance", "acceptance", "验收"),
    Term("reopened", "rebound", "反弹"),
    Term("closed", "closed", "销号"),
    Term("missed_inclusion", "missed inclusion", "漏报"),
    Term("amended", "standards added", "追加认定情形"),
    Term("profile", "profile", "基本情况"),
    Term("submission", "submission", "报送"),
    Term("work", "work record", "工作记录"),  # `_work/`: what the county or a township did (`ledger log`)
)


# The kinds of work the county and the townships record (`lax ledger work --kind`), in the order the
# reports' 二、主要做法 takes them, as the county summaries group their practices.
WORK_KINDS = _table(
    Term("organisation", "organisation (leading group, work teams)", "组织领导", ("领导小组", "工作组", "组织")),
    Term("documents", "documents issued", "制发文件", ("文件", "发文")),
    Term("meetings", "meetings", "会议部署", ("会议", "开会")),
    Term("publicity", "publicity", "宣传发动", ("宣传",)),
    Term("training", "training", "教育培训", ("培训",)),
    Term("inspection", "inspection and spot checks", "督导检查", ("督查", "检查", "抽查", "督导")),
    Term("system", "system building", "制度建设", ("制度",)),
    Term("funds", "funds guarantee", "经费保障", ("经费", "资金保障")),
    Term("other", "other", "其他", ("其它",)),
)


def name(table: dict[str, Term], key: object, lang: str | None = None) -> str:
    """`key`'s name from `table` in `lang` (None: the messages' language); an unknown key as it is."""
    term = table.get(key) if isinstance(key, str) else None
    if term is None:
        return str(key or "")
    return term.label() if lang is None else term.text(lang)


def spellings(table: dict[str, Term]) -> dict[str, tuple[str, ...]]:
    """Every spelling read on input for each key: the Chinese name, then the accepted others."""
    return {k: (t.zh, *t.accepted) for k, t in table.items()}
