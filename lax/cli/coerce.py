"""Typer's option values without pydantic: `install()` makes every option and argument of lax's commands reach
the command as Typer itself would give it, without importing pydantic.

Typer 0.29 coerces every option value through a pydantic `TypeAdapter`; importing pydantic and building the
adapters costs about 0.2 s of every command, more than `lax ledger list` over 10,000 villages needs for its
own work. The values lax's options hold are a `str`, a `bool`, a `pathlib.Path`, a choice (an `Enum`), an
`int` or a `float` (bounded or not), or a list of one of those (`lax check FILE...`, `--measure` given twice),
read from the command line or the environment. For the values a person types, Typer's adapters give back the
text as it is, the flag as it is, `Path(text)` (then its own path checks), the member its own choice matching
finds, the number a plain decimal spells, and a list of those item by item: that much is done here.

Everything else goes to Typer's own coercion, built when first needed: a value this module does not handle
exactly as pydantic would (a number written `1_000`, `+5`, ` 7 `, `1e3` or `３`, a list of files one of which
does not exist, a choice that matches none, a number outside its bounds …) is handed to Typer's adapter, so
that its value or its error message is Typer's own, word for word. Only such a value imports pydantic.
`tests/test_cli_coerce.py` checks that both give the same values and the same errors for every option lax has.

If Typer's internals differ from what this expects (another version), `install` changes nothing.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_installed = False

# The numbers pydantic reads exactly as Python does: plain ASCII decimals of a sensible length. Anything else
# (signs, spaces, underscores, exponents, full-width digits, huge numbers) goes to Typer's adapter.
_INT = re.compile(r"-?[0-9]{1,18}")
_FLOAT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")


class _Unplain(Exception):
    """This value is not one this module coerces: Typer's adapter decides (its value or its error)."""


def install() -> None:
    """Make Typer coerce lax's option values without pydantic (once)."""
    global _installed
    if _installed:
        return
    try:
        from typer import _coercion, core
        from typer._param_types import coerce_cli_choice, coerce_cli_path
    except ImportError:
        return
    original = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if original is None or base is None or original is not getattr(_coercion, "build_runtime_param", None):
        return

    def leaf(kind: Any, info: Any) -> Any:
        """The coercion of one value of `kind` (raising `_Unplain` where Typer's adapter must decide)."""
        low, high = getattr(info, "min", None), getattr(info, "max", None)

        def bounded(number: Any) -> Any:
            if (low is not None and number < low) or (high is not None and number > high):
                raise _Unplain  # Typer's adapter says so, in its words
            return number

        if isinstance(kind, type) and issubclass(kind, Enum):
            choices = list(kind)

            def choice(value: Any, param: Any, ctx: Any) -> Any:
                try:
                    return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
                except ValueError:
                    raise _Unplain from None

            return choice
        if kind is str or kind is bool:

            def same(value: Any, param: Any, ctx: Any) -> Any:
                if type(value) is kind:  # Typer's adapter returns a text or a flag unchanged
                    return value
                raise _Unplain

            return same
        if kind is Path:

            def path(value: Any, param: Any, ctx: Any) -> Any:
                if type(value) is str or isinstance(value, Path):
                    # pydantic reads a text as Path(text); Typer's path checks (exists, dir_okay ...) follow
                    given = value if isinstance(value, Path) else Path(value)
                    return coerce_cli_path(given, info, path_type=Path, param=param, ctx=ctx)
                raise _Unplain

            return path
        if kind is int or kind is float:
            pattern = _INT if kind is int else _FLOAT

            def number(value: Any, param: Any, ctx: Any) -> Any:
                if type(value) is kind:
                    return bounded(value)
                if type(value) is str and pattern.fullmatch(value):
                    return bounded(kind(value))
                raise _Unplain

            return number
        return None

    class PlainRuntimeParam(base):  # type: ignore[misc, valid-type]
        """An option of a plain type (or a list of one): its usual values here, anything else by Typer's adapter."""

        def __init__(self, descriptor: Any, one: Any, many: bool):
            object.__setattr__(self, "parameter_info", descriptor.parameter_info)
            object.__setattr__(self, "annotation", descriptor.annotation)
            object.__setattr__(self, "_descriptor", descriptor)
            object.__setattr__(self, "_one", one)
            object.__setattr__(self, "_many", many)
            object.__setattr__(self, "_full", None)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if not self._many:
                    return self._one(value, param, ctx)
                # Typer's list adapter: a lone value is a list of one; the items one by one, into a list
                items = value if isinstance(value, (list, tuple)) else [value]
                return [self._one(item, param, ctx) for item in items]
            except Exception:  # _Unplain, or a path check failed: Typer's adapter says it exactly as it does
                pass
            if self._full is None:
                object.__setattr__(self, "_full", original(self._descriptor))
            return self._full._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        annotation = descriptor.annotation
        plain = (
            descriptor.file_annotation is None
            and getattr(info, "parser", None) is None
            and getattr(info, "path_type", None) is None
            and not getattr(info, "clamp", False)
        )
        many = get_origin(annotation) is list
        if many:
            args = get_args(annotation)
            kind = args[0] if len(args) == 1 else None
        else:
            kind = annotation
        if kind is bool and many:
            kind = None  # a list of flags: none in lax; Typer's adapter
        one = leaf(kind, info) if plain and kind is not None else None
        if one is None:
            return original(descriptor)
        return PlainRuntimeParam(descriptor, one, many)

    core.build_runtime_param = build_runtime_param
    _installed = True
