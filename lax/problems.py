"""Problems with the input a person gave, and the one exception the library raises.

A *problem* is bad input found while reading (a bad cell, a missing column, a duplicate village, a file
that cannot be read). It is data, never an exception: readers collect every problem of a file in one
pass and carry on with the valid rows. It is different from a *finding* (a village meets a standard),
which lives in `lax.check`. A *notice* has the same shape but is not bad input: something read in a way
the person should know about (a column that names no field, a merged spelling, a far examination date);
it is shown beside the problems and never changes the exit code.

`LaxError` is raised when a command cannot go on at all (a malformed criteria file, an unknown
village, a refused ledger transition); the CLI prints its one-line message and exits with its code.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lax.i18n import _, get_lang


def place(
    path: str,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    line: int | None = None,
    item: bool = False,
) -> str:
    """Where something is in the input, as a person reads it in the current language: the one formatter of
    locations (problems, notices, a village's row, a ledger event's source).

    English: `dengbu.xlsx, sheet 排查表, row 9, column F`; Chinese: `邓埠镇.xlsx，排查表，第9行，F列`; a CSV has
    no sheet (`村.csv，第9行，F列`); `item=True` counts items of a YAML/JSON list (`item 3`, `第3项`). A text
    file's line stays `FILE:LINE` in both languages: it is the reference editors, terminals and grep
    understand, and it holds no word to translate."""
    if line is not None and sheet is None and row is None and column is None:
        return f"{path}:{line}"
    if get_lang() == "zh":
        parts = [str(path)]
        if sheet:
            parts.append(str(sheet))
        if row is not None:
            parts.append(f"第{row}项" if item else f"第{row}行")
        if column:
            parts.append(f"{column}列")
        return "，".join(parts)
    parts = [str(path)]
    if sheet:
        parts.append(f"sheet {sheet}")
    if row is not None:
        parts.append(f"item {row}" if item else f"row {row}")
    if column:
        parts.append(f"column {column}")
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad input, with where it is and a stable kebab-case code."""

    code: str
    message: str
    path: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    value: Any = None
    line: int | None = None

    def where(self) -> str:
        """`dengbu.xlsx, sheet 排查表, row 17, column E` (`dengbu.xlsx，排查表，第17行，E列`) — or `FILE:LINE`
        for text files (`place`)."""
        if self.line is not None and self.sheet is None and self.column is None:
            return place(self.path, line=self.line)
        return place(self.path, self.sheet, self.row, self.column)

    def __str__(self) -> str:
        # `FILE:LINE: message` is the compiler's form editors jump from, kept in both languages
        text_line = self.line is not None and self.sheet is None and self.column is None
        return f"{self.where()}{': ' if text_line else _(': ', '：')}{self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        d = {
            "code": self.code,
            "path": self.path,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": value,
            "message": self.message,
        }
        if self.line is not None:
            d["line"] = self.line
        return d


@dataclass(frozen=True, slots=True)
class Notice(Problem):
    """Something the reader did not take as written, said so a person can judge it: a column that names no
    field, a field the standards use that a sheet lacks, a name spelled two ways and merged, an examination
    date far from the check. Same shape as a `Problem`, but it does not change the exit code."""


class LaxError(Exception):
    """A command cannot go on; `str(err)` is the one line shown to the user."""

    def __init__(self, message: str, exit_code: int = 2, details: list[str] | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.details = details or []


# The operating system's reasons a write fails, in Chinese (its own text, `strerror`, is English).
_OS_REASONS_ZH = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EFBIG: "文件过大",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许此操作",
    errno.EROFS: "只读文件系统",
    errno.EIO: "输入/输出错误",
    errno.EPIPE: "管道已关闭",
    errno.EBADF: "文件描述符无效",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "不是文件夹",
    errno.EISDIR: "是文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.EXDEV: "跨文件系统",
}


def os_reason(e: OSError) -> str:
    """Why an operating-system call failed, in the current language: `No space left on device` /
    `磁盘空间不足` (the English is the system's own `strerror`)."""
    english = e.strerror or (os.strerror(e.errno) if e.errno else str(e))
    return _(english, _OS_REASONS_ZH.get(e.errno, english) if e.errno is not None else english)


# The parsers' own reasons (PyYAML, json, Python's for a `when` expression) in Chinese: pattern -> Chinese,
# applied in turn; a reason no pattern knows is shown as the parser wrote it.
_PARSER_REASONS_ZH = [
    (r"did not find expected ',' or '\}'", "缺少预期的“,”或“}”"),
    (r"did not find expected ',' or '\]'", "缺少预期的“,”或“]”"),
    (r"did not find expected node content", "缺少预期的内容"),
    (r"did not find expected key", "缺少预期的键（可能是缩进不齐）"),
    (r"did not find expected '-' indicator", "缺少预期的“-”"),
    (r"did not find expected comment or line break", "此处应为注释或换行"),
    (r"could not find expected ':'", "找不到预期的“:”"),
    (r"mapping values are not allowed here", "此处不能有“键: 值”（可能是冒号后缺空格或缩进有误）"),
    (
        r"found character (?:'\\t' )?that cannot start any token",
        "此处有不能作为开头的字符（缩进请用空格，不要用制表符）",
    ),
    (
        r"found a tab character (?:that violates indentation|where an indentation space is expected)",
        "制表符不能用于缩进（请用空格缩进）",
    ),
    (r"found character (.+) that cannot start any token", r"字符 \1 不能出现在此处"),
    (r"found undefined alias (.+)", r"未定义的别名 \1"),
    (r"found unexpected end of stream", "文件意外结束"),
    (r"found unknown escape character (.+)", r"未知的转义字符 \1"),
    (r"found unexpected ':'", "意外的“:”"),
    (r"found duplicate anchor (.+)", r"重复的锚点 \1"),
    (r"expected (.+), but found (.+)", r"应为 \1，实际为 \2"),
    (r"while scanning a quoted scalar", "引号没有闭合"),
    (r"while parsing a (block|flow) (mapping|collection|sequence|node)", "结构不完整"),
    (r"Expecting value", "此处应有值"),
    (r"Expecting property name enclosed in double quotes", "此处应有用双引号括起的键名"),
    (r"Expecting '(.)' delimiter", r"此处应有“\1”"),
    (r"Extra data", "数据之后还有多余内容"),
    (r"Unterminated string starting at", "字符串没有结束"),
    (r"Invalid control character at", "无效的控制字符"),
    (r"Invalid \\uXXXX escape", "无效的转义（应为 4 位十六进制数）"),
    (r"Invalid \\escape", "无效的转义"),
    (r"invalid syntax(?:\. Perhaps you forgot a comma\?)?", "语法错误"),
    (r"unexpected EOF while parsing", "表达式意外结束"),
    (r"'(.)' was never closed", r"“\1”没有闭合"),
    (r"unmatched '(.)'", r"多余的“\1”"),
    (r"closing parenthesis '(.)' does not match opening parenthesis '(.)'", r"右括号“\1”与左括号“\2”不匹配"),
    (r"invalid decimal literal", "无效的数字"),
    (r"unterminated string literal.*", "字符串没有结束"),
]


def parser_reason(text: str) -> str:
    """A parser's reason (`did not find expected key`, `Expecting value`, `invalid syntax`) in the current
    language: as written in English, in Chinese where it is known."""
    if get_lang() != "zh":
        return text
    for pattern, chinese in _PARSER_REASONS_ZH:
        text = re.sub(pattern, chinese, text)
    return text


# Line breaks to YAML (and to `str.splitlines`) but not to editors: NEL, LS, PS.
YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def editor_lines(text: str) -> Callable[[int], int]:
    """YAML's line number -> the line an editor shows, for messages saying `FILE:LINE`.

    YAML also breaks lines at NEL, LS and PS (U+0085, U+2028, U+2029); editors, and lax's other line
    counts, break only at CR and LF. A file holding one of them (pasted from a web page or a PDF, in a note)
    would otherwise be reported a line or more further down than the mistake."""
    if not YAML_ONLY_BREAKS.search(text):
        return lambda line: line
    table = [1]  # YAML line - 1 -> editor line
    line = 1
    for m in _YAML_BREAKS.finditer(text):
        if m.group() not in ("\x85", "\u2028", "\u2029"):
            line += 1
        table.append(line)
    return lambda n: table[max(0, min(n - 1, len(table) - 1))]
