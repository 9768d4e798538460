"""The `when` expressions: checked against a whitelist, compiled, and evaluated with three-valued logic.

Expressions are parsed with Python's `ast` module, checked against a small whitelist (comparisons,
`and`/`or`/`not`, `+ - * /`, literals, `in` with a literal list) and then turned into Python source by
our own emitter, so no text from the file is ever executed as written. All standards are compiled into
one function that evaluates a record in a single call; the common case (no blank value involved) runs
as plain Python, and only records with blanks go through the three-valued evaluator, where a standard
whose outcome depends on a blank is *undetermined* (`None`), never silently "not met".
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lax.criteria.model import Criteria, Criterion
from lax.i18n import _
from lax.problems import parser_reason


class ExpressionError(ValueError):
    """A `when` expression uses a name or a construct that is not allowed."""


@dataclass(frozen=True)
class Compiled:
    fields: tuple[str, ...]
    evaluate: Callable[[tuple], bool | None]
    evidence_fields: Callable[[tuple], tuple[str, ...]]
    fast_source: str  # plain Python over x<i> locals, valid only when none of them is blank


@dataclass(frozen=True)
class _Ctx:
    index: dict[str, int]  # field id -> position in the values tuple
    dates: frozenset[str]  # date fields: a text literal compared with one is read as a date
    bools: frozenset[str] = frozenset()  # yes/no fields: a yes/no word in an `in` list is read as true/false


_CMP = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_CMP_FN = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_BIN = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
}
_KIND = {"text": "text", "int": "num", "number": "num", "percent": "num", "bool": "bool", "date": "date"}
_LITERAL_NAMES = {"true": True, "false": False, "True": True, "False": False}


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: _("attribute access", "属性访问"),
        ast.Subscript: _("subscripts", "下标"),
        ast.Call: _("function calls", "函数调用"),
        ast.Lambda: _("lambdas", "lambda"),
        ast.ListComp: _("comprehensions", "推导式"),
        ast.SetComp: _("comprehensions", "推导式"),
        ast.DictComp: _("comprehensions", "推导式"),
        ast.GeneratorExp: _("comprehensions", "推导式"),
        ast.IfExp: _("if-expressions", "条件表达式"),
        ast.NamedExpr: _("assignments", "赋值"),
        ast.Starred: _("starred values", "星号展开"),
        ast.JoinedStr: _("f-strings", "f-字符串"),
        ast.Dict: _("dictionaries", "字典"),
        ast.Await: "await",
        ast.Yield: "yield",
    }
    return names.get(type(node), type(node).__name__)


def compile_expression(text: str, types: dict[str, str], index: dict[str, int]) -> Compiled:
    """Check a `when` expression against the whitelist and compile it; raise ExpressionError."""
    src = " ".join(text.split())  # a folded YAML block may hold line breaks
    if len(src) > 2000:
        raise ExpressionError(_("expression is too long (more than 2000 characters)", "表达式过长（超过 2000 个字符）"))
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        raise ExpressionError(
            _(f"cannot parse expression: {e.msg}", f"无法解析表达式：{parser_reason(e.msg)}")
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(_("expression is nested too deeply", "表达式嵌套过深")) from None
    used: list[str] = []
    try:
        kind = _check(tree.body, types, used, depth=0)
    except RecursionError:
        raise ExpressionError(_("expression is nested too deeply", "表达式嵌套过深")) from None
    if kind not in ("bool", "any"):
        raise ExpressionError(
            _(
                "expression must be a condition (a comparison, and/or/not, or a yes/no field)",
                "表达式应为条件（比较、and/or/not 或是/否字段）",
            )
        )
    fields = tuple(dict.fromkeys(used))
    ctx = _Ctx(
        index,
        frozenset(f for f, t in types.items() if t == "date"),
        frozenset(f for f, t in types.items() if t == "bool"),
    )
    fast = _emit(tree.body, ctx)
    slow = _tv(tree.body, ctx)

    def evaluate(values: tuple, _slow=slow) -> bool | None:
        try:
            return _slow(values)
        except Exception:  # noqa: BLE001 - a value of an unexpected type makes the outcome unknown
            return None

    top = tree.body
    if isinstance(top, ast.BoolOp) and isinstance(top.op, ast.Or):
        parts = [(_tv(v, ctx), tuple(dict.fromkeys(_names(v)))) for v in top.values]

        def evidence_fields(values: tuple, _parts=parts, _all=fields) -> tuple[str, ...]:
            out: list[str] = []
            for fn, names in _parts:
                try:
                    if fn(values) is True:
                        out.extend(n for n in names if n not in out)
                except Exception:  # noqa: BLE001
                    pass
            return tuple(out) or _all
    else:

        def evidence_fields(values: tuple, _all=fields) -> tuple[str, ...]:
            return _all

    return Compiled(fields, evaluate, evidence_fields, fast)


def _names(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id not in _LITERAL_NAMES]


def _check(node: ast.AST, types: dict[str, str], used: list[str], depth: int) -> str:
    """Validate one node; return its kind: num, text, bool, date, list or any."""
    if depth > 50:
        raise ExpressionError(_("expression is nested too deeply", "表达式嵌套过深"))
    d = depth + 1
    if isinstance(node, ast.Name):
        if node.id in _LITERAL_NAMES:
            return "bool"
        if node.id not in types:
            raise ExpressionError(_(f"unknown field '{node.id}'", f"未知字段“{node.id}”"))
        used.append(node.id)
        return _KIND[types[node.id]]
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, (int, float)):
            return "num"
        if isinstance(v, str):
            return "text"
        if v is None:
            raise ExpressionError(
                _("None is not allowed; a blank value is handled for you", "不允许使用 None；空值会自动处理")
            )
        raise ExpressionError(_(f"literal {v!r} is not allowed", f"不允许的字面量 {v!r}"))
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            # A number or text joined by and/or would be taken for its Python truth value, and the plain and
            # the three-valued evaluators would disagree on `(satisfaction or team_disunity) == 1`.
            if _check(v, types, used, d) not in ("bool", "any"):
                raise ExpressionError(
                    _(
                        "and/or join conditions: compare a number or text first "
                        "(e.g. satisfaction < 60 or team_disunity)",
                        "and/or 只能连接条件：数字或文字须先比较（例如 satisfaction < 60 or team_disunity）",
                    )
                )
        return "bool"
    if isinstance(node, ast.UnaryOp):
        k = _check(node.operand, types, used, d)
        if isinstance(node.op, ast.Not):
            return "bool"
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if k not in ("num", "any"):
                raise ExpressionError(_("a sign (+ or -) needs a number", "正负号只能用于数字"))
            return "num"
        raise ExpressionError(
            _(f"operator {type(node.op).__name__} is not allowed", f"不允许的运算符 {type(node.op).__name__}")
        )
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BIN:
            raise ExpressionError(
                _(
                    f"operator {type(node.op).__name__} is not allowed (only + - * /)",
                    f"不允许的运算符 {type(node.op).__name__}（只能用 + - * /）",
                )
            )
        for side in (node.left, node.right):
            if _check(side, types, used, d) not in ("num", "any"):
                raise ExpressionError(_("arithmetic (+ - * /) needs numbers", "算术运算（+ - * /）只能用于数字"))
        return "num"
    if isinstance(node, ast.Compare):
        left = _check(node.left, types, used, d)
        for op, right_node in zip(node.ops, node.comparators):
            if type(op) not in _CMP:
                raise ExpressionError(
                    _(f"comparison {type(op).__name__} is not allowed", f"不允许的比较 {type(op).__name__}")
                )
            if isinstance(op, (ast.In, ast.NotIn)):
                if right_node is not node.comparators[-1]:  # `x in [1, 2] == y` would compare the list itself
                    raise ExpressionError(
                        _(
                            "'in [...]' must end a comparison; use parentheses: (x in [1, 2]) == y",
                            "“in [...]”须位于比较的末尾；请加括号：(x in [1, 2]) == y",
                        )
                    )
                if not isinstance(right_node, (ast.List, ast.Tuple, ast.Set)):
                    raise ExpressionError(
                        _('\'in\' needs a literal list such as ["是", "有"]', '“in”后应为字面量列表，例如 ["是", "有"]')
                    )
                for elt in right_node.elts:
                    item = _list_item(elt)
                    if item is None:
                        raise ExpressionError(
                            _(
                                "the list after 'in' may hold only numbers, texts and true/false",
                                "“in”后的列表只能包含数字、文字和 true/false",
                            )
                        )
                    # Each item is compared like `==`: a text is read as a date for a date, and a number
                    # never equals a text (it would load and never match).
                    kind = "bool" if isinstance(item, bool) else "num" if isinstance(item, (int, float)) else "text"
                    shown = _show_item(item)
                    if left == "date":
                        if kind != "text":
                            raise ExpressionError(
                                _(
                                    f'{shown} in the list is not a date like "2026-09-30"',
                                    f'列表中的 {shown} 不是 "2026-09-30" 这样的日期',
                                )
                            )
                        _date_literal(item)
                    elif left == "bool" and kind == "text":
                        _bool_word(item)
                    elif left != "any" and left != kind and not {left, kind} <= {"num", "bool"}:
                        raise ExpressionError(
                            _(
                                f"cannot compare {left} with {kind} {shown} in the list after 'in'",
                                f"无法将 {left} 与“in”后列表中的 {kind} {shown} 比较",
                            )
                        )
                left = "bool"
                continue
            right = _check(right_node, types, used, d)
            if left == "date" and right == "text" and isinstance(right_node, ast.Constant):
                _date_literal(right_node.value)
            elif right == "date" and left == "text" and isinstance(node.left, ast.Constant):
                _date_literal(node.left.value)
            elif "any" not in (left, right) and left != right and not {left, right} <= {"num", "bool"}:
                raise ExpressionError(_(f"cannot compare {left} with {right}", f"无法比较 {left} 与 {right}"))
            elif isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) and "bool" in (left, right):
                raise ExpressionError(_("yes/no values cannot be ordered with < or >", "是/否值不能用 < 或 > 比较大小"))
            left = right
        return "bool"
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        raise ExpressionError(_("a list is allowed only after 'in'", "列表只能用在“in”之后"))
    raise ExpressionError(_(f"{_describe(node)} are not allowed in a standard", f"标准中不允许使用{_describe(node)}"))


def _list_item(node: ast.AST) -> Any:
    """The value of an item of an `in [...]` list: a number, a text, or true/false (spelt either way); else None."""
    if isinstance(node, ast.Name):
        return _LITERAL_NAMES.get(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, str)):
        return node.value
    return None


def _show_item(item: Any) -> str:
    return (
        f'"{item}"' if isinstance(item, str) else ("true" if item is True else "false" if item is False else repr(item))
    )


def _in_items(node: ast.AST, left: ast.AST, ctx: _Ctx) -> tuple:
    """The items of an `in [...]` list, texts read as dates when the left side is a date field."""
    items = tuple(map(_list_item, node.elts))
    if _is_date_field(left, ctx):
        items = tuple(_date_literal(i) for i in items)
    elif isinstance(left, ast.Name) and left.id in ctx.bools:
        items = tuple(_bool_word(i) if isinstance(i, str) else i for i in items)
    return items


def _bool_word(text: str) -> bool:
    """A yes/no word in an `in` list of a yes/no field (`"否"` is false), read as a cell would be."""
    from lax.read.values import to_bool

    try:
        value = to_bool(text)
    except ValueError:
        value = None
    if value is None:
        raise ExpressionError(
            _(
                f'"{text}" in the list is not yes or no (是/否, true/false)',
                f"列表中的“{text}”不是是或否（是/否、true/false）",
            )
        )
    return value


@functools.lru_cache(maxsize=256)
def _divisors(when: str, index_items: tuple, dates: frozenset) -> tuple:
    """(evaluator, field ids) of each divisor in a checked expression, for `undetermined_reason`."""
    tree = ast.parse(" ".join(when.split()), mode="eval")
    ctx = _Ctx(dict(index_items), dates)
    return tuple(
        (_tv(n.right, ctx), tuple(dict.fromkeys(_names(n.right))))
        for n in ast.walk(tree)
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)
    )


def undetermined_reason(criteria: Criteria, criterion: Criterion, values: tuple) -> tuple[str, str] | None:
    """Why a standard none of whose fields is blank is undetermined: ("division by zero", "party_members = 0")
    when a divisor is 0 for this village; None when no reason is found."""
    dates = frozenset(f.id for f in criteria.fields if f.type == "date")
    for fn, names in _divisors(criterion.when, tuple(criteria.index.items()), dates):
        try:
            divisor = fn(values)
        except Exception:  # noqa: BLE001 - a nested division by zero: the outer one is named
            divisor = None
        if divisor == 0 and divisor is not False:  # (None == 0 is false; False == 0 is not)
            shown = ", ".join(f"{n} = {values[criteria.index[n]]!r}" for n in names) or "0"
            return "division by zero", shown
    return None


def _date_literal(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ExpressionError(
            _(f"'{text}' is not a date like 2026-09-30", f"“{text}”不是 2026-09-30 这样的日期")
        ) from None


def _emit(node: ast.AST, ctx: _Ctx) -> str:
    """Plain Python source for a checked expression, over locals x<i> (one per field position)."""
    if isinstance(node, ast.Name):
        if node.id in _LITERAL_NAMES:
            return repr(_LITERAL_NAMES[node.id])
        return f"x{ctx.index[node.id]}"
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return "(" + joiner.join(_emit(v, ctx) for v in node.values) + ")"
    if isinstance(node, ast.UnaryOp):
        sign = {ast.Not: "not ", ast.USub: "-", ast.UAdd: "+"}[type(node.op)]
        return f"({sign}{_emit(node.operand, ctx)})"
    if isinstance(node, ast.BinOp):
        return f"({_emit(node.left, ctx)} {_BIN[type(node.op)][0]} {_emit(node.right, ctx)})"
    if isinstance(node, ast.Compare):
        parts = [_emit_operand(node.left, node.comparators[0], ctx)]
        prev = node.left
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                items = _in_items(right, prev, ctx)
                if items and isinstance(items[0], dt.date):
                    items_src = "(" + "".join(f"_date({d.year}, {d.month}, {d.day}), " for d in items) + ")"
                else:
                    items_src = repr(items)
                parts.append(f"{_CMP[type(op)]} {items_src}")
            else:
                parts.append(f"{_CMP[type(op)]} {_emit_operand(right, prev, ctx)}")
            prev = right
        return "(" + " ".join(parts) + ")"
    raise ExpressionError(type(node).__name__)  # unreachable after _check


def _emit_operand(node: ast.AST, other: ast.AST, ctx: _Ctx) -> str:
    # A text literal compared with a date field becomes a date constant.
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_date_field(other, ctx):
        d = _date_literal(node.value)
        return f"_date({d.year}, {d.month}, {d.day})"
    return _emit(node, ctx)


def _is_date_field(node: ast.AST, ctx: _Ctx) -> bool:
    return isinstance(node, ast.Name) and node.id in ctx.dates


def _tv(node: ast.AST, ctx: _Ctx) -> Callable[[tuple], Any]:
    """A three-valued evaluator for a checked expression: `None` stands for unknown (a blank)."""
    if isinstance(node, ast.Name):
        if node.id in _LITERAL_NAMES:
            value = _LITERAL_NAMES[node.id]
            return lambda v: value
        i = ctx.index[node.id]
        return lambda v: v[i]
    if isinstance(node, ast.Constant):
        value = node.value
        return lambda v: value
    if isinstance(node, ast.BoolOp):
        parts = [_tv(x, ctx) for x in node.values]
        if isinstance(node.op, ast.And):

            def and_(v):
                unknown = False
                for p in parts:
                    r = p(v)
                    if r is None:
                        unknown = True
                    elif not r:
                        return False
                return None if unknown else True

            return and_

        def or_(v):
            unknown = False
            for p in parts:
                r = p(v)
                if r is None:
                    unknown = True
                elif r:
                    return True
            return None if unknown else False

        return or_
    if isinstance(node, ast.UnaryOp):
        inner = _tv(node.operand, ctx)
        if isinstance(node.op, ast.Not):
            return lambda v: None if (r := inner(v)) is None else (not r)
        if isinstance(node.op, ast.USub):
            return lambda v: None if (r := inner(v)) is None else -r
        return inner
    if isinstance(node, ast.BinOp):
        left, right = _tv(node.left, ctx), _tv(node.right, ctx)
        fn = _BIN[type(node.op)][1]

        def binop(v):
            a, b = left(v), right(v)
            if a is None or b is None:
                return None
            try:
                return fn(a, b)
            except ZeroDivisionError:
                return None

        return binop
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        steps = []
        for k, (op, right) in enumerate(zip(node.ops, node.comparators)):
            left_node = operands[k]
            if isinstance(op, (ast.In, ast.NotIn)):
                items = _in_items(right, left_node, ctx)
                lf = _tv(left_node, ctx)
                neg = isinstance(op, ast.NotIn)
                steps.append(
                    lambda v, lf=lf, items=items, neg=neg: None if (a := lf(v)) is None else ((a in items) != neg)
                )
            else:
                lf = _tv_operand(left_node, right, ctx)
                rf = _tv_operand(right, left_node, ctx)
                fn = _CMP_FN[type(op)]
                steps.append(
                    lambda v, lf=lf, rf=rf, fn=fn: None if (a := lf(v)) is None or (b := rf(v)) is None else fn(a, b)
                )

        def compare(v):
            unknown = False
            for s in steps:
                r = s(v)
                if r is None:
                    unknown = True
                elif not r:
                    return False
            return None if unknown else True

        return compare
    raise ExpressionError(type(node).__name__)  # unreachable after _check


def _tv_operand(node: ast.AST, other: ast.AST, ctx: _Ctx) -> Callable[[tuple], Any]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_date_field(other, ctx):
        d = _date_literal(node.value)
        return lambda v: d
    return _tv(node, ctx)


def _evaluate_all(
    criteria: Iterable[Criterion], index: dict[str, int]
) -> tuple[Callable[[tuple], tuple], Callable[[tuple], tuple | None]]:
    """Two generated functions over a values tuple: `evaluate` and `screen`.

    `evaluate(v)` gives every standard's outcome (True, False or None). `screen(v)` gives None when no
    standard is met and none is undetermined — the case of nine villages in ten — and otherwise the same
    tuple as `evaluate`, and it may raise where `evaluate` would fall back to the careful path (callers
    then call `evaluate`: a try costs nothing when nothing is raised). Both are generated from the checked expressions: when none of the fields a
    standard uses is blank, the plain Python expression decides; otherwise (or if the plain form raises,
    e.g. a division by zero) its three-valued evaluator does. `screen` tests all standards in one
    short-circuit expression, which keeps 100,000 villages near 0.1 s.
    """
    criteria = list(criteria)
    namespace: dict[str, Any] = {"__builtins__": {}, "bool": bool, "_date": dt.date}
    positions = sorted({index[f] for c in criteria for f in c.fields})
    load = [f"    x{i} = v[{i}]" for i in positions]
    items = []
    for k, c in enumerate(criteria):
        namespace[f"_s{k}"] = c.evaluate
        guard = " and ".join(f"x{index[f]} is not None" for f in c.fields) or "True"
        items.append(f"        (bool({c.fast_source}) if {guard} else _s{k}(v)),")
    src = "def _all(v):\n" + "\n".join(load) + "\n    return (\n" + "\n".join(items) + "\n    )\n"
    # screen: one C-level test for blanks over the used fields, then one short-circuit `or` of all standards.
    names = ", ".join(f"x{i}" for i in positions)
    # itemgetter gives a tuple only for two or more positions; zero or one take the slower general form.
    namespace["_used"] = (
        operator.itemgetter(*positions)
        if len(positions) > 1
        else (lambda v, _p=tuple(positions): tuple(v[i] for i in _p))
    )
    any_met = " or ".join(f"({c.fast_source})" for c in criteria) or "False"
    src += (
        "def _screen(v):\n    t = _used(v)\n"
        "    if None in t:\n        return _all(v)\n"
        + (f"    {names}{',' if len(positions) == 1 else ''} = t\n" if positions else "")
        + f"    if {any_met}:\n        return _all(v)\n    return None\n"
    )
    exec(compile(src, "<criteria>", "exec"), namespace)  # noqa: S102 - generated from whitelisted ASTs only
    fast_all, fast_screen = namespace["_all"], namespace["_screen"]
    slow = [c.evaluate for c in criteria]

    def evaluate(values: tuple) -> tuple:
        try:
            return fast_all(values)
        except Exception:  # noqa: BLE001 - e.g. a division by zero: fall back to the careful path
            return tuple(s(values) for s in slow)

    return evaluate, fast_screen


def findings_function(criteria: Criteria, wrap: type) -> Callable[[tuple, tuple], list]:
    """One generated function `found(values, outcome)` giving the findings of a village whose standards'
    outcome (`Criteria.evaluate`) is known: a list of `wrap((standard id, evidence))`, one per standard
    whose outcome is True, in the standards' order; `wrap` is a tuple subclass (`lax.check.Match`).

    The evidence is the same dict `{field: value}` as `{f: v[index[f]] for f in c.evidence_fields(v) if
    v[index[f]] is not None}`, built without looking anything up per village: each standard's fields and
    their positions are written into the code. For an either-or standard (`a or b`) the evidence names
    only the branches that held; which ones did is decided by the branch's plain Python expression when
    none of its fields is blank (the three-valued evaluator, as before, when one is or when the plain
    form raises), and the field list of each combination of branches is worked out once and kept.
    Compiled once per criteria file and kept (`lru_cache`): a check calls it per village met."""
    index = criteria.index
    dates = frozenset(f.id for f in criteria.fields if f.type == "date")
    bools = frozenset(f.id for f in criteria.fields if f.type == "bool")
    key = tuple((c.id, c.when, c.fields) for c in criteria.criteria)
    return _findings_function(key, tuple(index.items()), dates, bools, wrap)


@functools.lru_cache(maxsize=32)
def _findings_function(
    standards: tuple[tuple[str, str, tuple[str, ...]], ...],
    index_items: tuple,
    dates: frozenset,
    bools: frozenset,
    wrap: type,
) -> Callable[[tuple, tuple], list]:
    index = dict(index_items)
    ctx = _Ctx(index, dates, bools)
    namespace: dict[str, Any] = {"__builtins__": {}, "Exception": Exception, "_date": dt.date}
    namespace["_new"], namespace["_W"] = tuple.__new__, wrap
    namespace["_held"] = _held
    src: list[str] = []
    body = ["def _found(v, o):", "    out = []"]
    if standards:  # one unpacking instead of a subscript per standard
        body.append("    " + "".join(f"o{k}, " for k in range(len(standards))) + "= o")
    for k, (cid, when, fields) in enumerate(standards):
        tree = ast.parse(" ".join(when.split()), mode="eval").body  # checked when the file was loaded
        if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.Or):
            evidence = f"_e{k}(v)"
            src.append(_either_or_source(k, tree, fields, ctx, namespace))
        else:
            evidence = _evidence_source(k, fields, index, namespace)
        body.append(f"    if o{k} is True:")
        body.append(f"        out.append(_new(_W, ({cid!r}, {evidence})))")
    body.append("    return out")
    code = "\n".join(src + body) + "\n"
    exec(compile(code, "<findings>", "exec"), namespace)  # noqa: S102 - generated from whitelisted ASTs only
    return namespace["_found"]


def _held(branch: Callable[[tuple], Any], values: tuple) -> bool:
    """Whether an either-or branch held by the three-valued evaluator (a branch that raises did not)."""
    try:
        return branch(values) is True
    except Exception:  # noqa: BLE001 - a value of an unexpected type: the branch is not evidence
        return False


def _evidence_of(pairs: tuple[tuple[str, int], ...], values: tuple) -> dict[str, Any]:
    """{field: value} over (field, position) pairs, blanks left out."""
    return {f: x for f, i in pairs if (x := values[i]) is not None}


def _evidence_source(k: int, fields: tuple[str, ...], index: dict[str, int], namespace: dict) -> str:
    """Source of the evidence of a standard that is not either-or: all its fields, blanks left out. The
    usual case (none blank: the standard was met) is one dict display; a blank goes the general way."""
    if not fields:
        return "{}"
    pairs = tuple((f, index[f]) for f in fields)
    if len(pairs) == 1:
        ((f, i),) = pairs
        return f"({{{f!r}: a}} if (a := v[{i}]) is not None else {{}})"
    namespace[f"_ev{k}"] = functools.partial(_evidence_of, pairs)
    display = ", ".join(f"{f!r}: a{j}" for j, (f, _i) in enumerate(pairs))
    test = " and ".join(f"(a{j} := v[{i}]) is not None" for j, (_f, i) in enumerate(pairs))
    return f"({{{display}}} if {test} else _ev{k}(v))"


def _either_or_source(k: int, tree: ast.BoolOp, fields: tuple[str, ...], ctx: _Ctx, namespace: dict) -> str:
    """Source of `_e<k>(v)`, the evidence of the either-or standard number k: the fields of the branches
    that held, in the order `evidence_fields` gives them, or all its fields when none held alone."""
    index = ctx.index
    branches = [(b, tuple(dict.fromkeys(_names(b)))) for b in tree.values]
    positions = sorted({index[f] for f in fields})
    lines = [f"def _e{k}(v):"]
    lines += [f"    x{i} = v[{i}]" for i in positions]
    lines.append("    m = 0")
    for j, (branch, names) in enumerate(branches):
        namespace[f"_p{k}_{j}"] = _tv(branch, ctx)
        # The plain form's truth is the evaluator's `is True` when nothing is blank: a bare yes/no field is
        # compared with True itself (as the evaluator's value is the field's own); every other branch
        # (comparisons, not, and/or of conditions) gives True or False both ways.
        if isinstance(branch, ast.Name) and branch.id not in _LITERAL_NAMES:
            test = f"x{index[branch.id]} is True"
        else:
            test = _emit(branch, ctx)
        guard = " and ".join(f"x{index[n]} is not None" for n in names) or "True"
        lines += [
            f"    if {guard}:",
            "        try:",
            f"            if {test}:",
            f"                m |= {1 << j}",
            "        except Exception:",
            f"            if _held(_p{k}_{j}, v):",
            f"                m |= {1 << j}",
            f"    elif _held(_p{k}_{j}, v):",
            f"        m |= {1 << j}",
        ]
    table: dict[int, tuple[tuple[str, int], ...]] = {}

    def pairs_for(mask: int, _branches=tuple(names for _b, names in branches)) -> tuple[tuple[str, int], ...]:
        out: list[str] = []
        for j, names in enumerate(_branches):
            if mask >> j & 1:
                out.extend(n for n in names if n not in out)
        table[mask] = pairs = tuple((f, index[f]) for f in (tuple(out) or fields))
        return pairs

    namespace[f"_t{k}"], namespace[f"_pairs{k}"] = table, pairs_for
    lines += [
        f"    p = _t{k}.get(m)",
        "    if p is None:",
        f"        p = _pairs{k}(m)",
        "    return {f: x for f, i in p if (x := v[i]) is not None}",
    ]
    return "\n".join(lines) + "\n"
