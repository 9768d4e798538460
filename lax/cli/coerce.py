"""Typer's option values for the plain types without pydantic: `install()` makes a text, a flag or a path
option of a command reach the command as Typer itself would give it, without importing pydantic.

Typer 0.29 coerces every option value through a pydantic `TypeAdapter`; importing pydantic and building the
adapters costs about 0.2 s of every command, more than `lax ledger list` over 10,000 villages needs for its
own work. Most values lax's options hold are a `str`, a `bool`, a `pathlib.Path` or a choice read from the command
line or the environment, and for those Typer's adapters give back the text as it is, the flag as it is, and
`Path(text)` (then its own path checks), and for a choice (an `Enum`) the member its own matching finds:
that much is done here. Every other type or value (numbers with bounds, lists, a choice that matches none,
anything unexpected) goes to Typer's own coercion, built when first needed.
`tests/test_cli_coerce.py` checks that both give the same values for every option lax has.

If Typer's internals differ from what this expects (another version), `install` changes nothing.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

_installed = False


def install() -> None:
    """Make Typer coerce plain `str`, `bool` and `Path` option values without pydantic (once)."""
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

    class PlainRuntimeParam(base):  # type: ignore[misc, valid-type]
        """A `str`, `bool` or `Path` option: its usual values here, anything else by Typer's own adapter."""

        def __init__(self, descriptor: Any, kind: type):
            object.__setattr__(self, "parameter_info", descriptor.parameter_info)
            object.__setattr__(self, "annotation", descriptor.annotation)
            object.__setattr__(self, "_descriptor", descriptor)
            object.__setattr__(self, "_kind", kind)
            object.__setattr__(self, "_full", None)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = self._kind
            if kind is Enum:  # a choice: Typer's adapter returns what its own matching gives
                try:
                    return coerce_cli_choice(
                        value, choices=list(self.annotation), case_sensitive=self.parameter_info.case_sensitive, ctx=ctx
                    )
                except ValueError:
                    pass  # not one of them: Typer's adapter says so, in its words
            elif type(value) is kind and kind is not Path:  # str or bool: Typer's adapter returns it unchanged
                return value
            if kind is Path and (type(value) is str or isinstance(value, Path)):
                # pydantic reads a text as Path(text); Typer's path checks (exists, dir_okay ...) follow
                given = value if isinstance(value, Path) else Path(value)
                return coerce_cli_path(given, self.parameter_info, path_type=Path, param=param, ctx=ctx)
            if self._full is None:
                object.__setattr__(self, "_full", original(self._descriptor))
            return self._full._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        plain = (
            descriptor.file_annotation is None
            and getattr(info, "parser", None) is None
            and getattr(info, "path_type", None) is None
        )
        annotation = descriptor.annotation
        if plain and isinstance(annotation, type) and issubclass(annotation, Enum):
            return PlainRuntimeParam(descriptor, Enum)
        if plain and not descriptor.is_choice and annotation in (str, bool, Path):
            return PlainRuntimeParam(descriptor, annotation)
        return original(descriptor)

    core.build_runtime_param = build_runtime_param
    _installed = True
