"""Who recorded an event and when: the `recorded: {by: NAME, at: TIMESTAMP}` every event lax writes carries.

The name is resolved here, in one place, for every writing command: the name given on the command line
(`--recorded-by`), else `LAX_USER`, else `git config user.name` as seen from the ledger folder (the office
keeps its ledger under git), else the account's user name. The time is not read here: the command line
takes it once per command (`lax.cli.common.now`) and passes it in, so one run stamps all its events alike
and tests can pin it with `LAX_NOW`.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lax.i18n import _, get_lang
from lax.problems import LaxError, place

MAX_NAME = 100


def clean_name(value: Any) -> str | None:
    """A recorder's name as written to the ledger: trimmed, one line, printable; None if unusable."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > MAX_NAME or any(unicodedata.category(ch)[0] == "C" for ch in text):
        return None
    return text


def _checked(value: str, where: str) -> str:
    name = clean_name(value)
    if name is None:
        raise LaxError(
            _(
                f"{where}: '{value}' is not a usable name (1 to {MAX_NAME} characters, one line)",
                f"{where}：“{value}”不是可用的姓名（1 至 {MAX_NAME} 个字符，单行）",
            )
        )
    return name


def _git_user(folder: Path) -> str | None:
    """`git config user.name` run in the ledger folder (or the nearest folder above it that exists)."""
    import subprocess  # here: most commands never get this far (a name was given or LAX_USER is set)

    where = Path(folder).absolute()
    while not where.is_dir():
        if where.parent == where:
            return None
        where = where.parent
    try:
        done = subprocess.run(
            ["git", "config", "user.name"],
            cwd=where,
            capture_output=True,
            timeout=3,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None  # no git, a hung git, an unreadable folder: the next source of a name is used
    if done.returncode != 0:
        return None
    try:
        return clean_name(done.stdout.decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _os_user() -> str | None:
    try:
        import getpass

        return clean_name(getpass.getuser())
    except Exception:  # noqa: BLE001 - getpass raises OSError, KeyError or ImportError when there is no user entry
        return None


def recorder_name(
    given: str | None, folder: Path, env: Mapping[str, str] | None = None, given_as: str = "recorded by"
) -> str:
    """Who is recording: `given`, else LAX_USER, else git's user.name in the ledger folder, else the OS user,
    else `unknown`. A bad given name or LAX_USER is an error (exit 2), never replaced; `given_as` names
    where the given name came from in that message (the CLI says `--recorded-by`)."""
    env = os.environ if env is None else env
    if given is not None:
        return _checked(given, given_as)
    from_env = env.get("LAX_USER")
    if from_env:
        return _checked(from_env, "LAX_USER")
    return _git_user(folder) or _os_user() or "unknown"


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp with seconds and a UTC offset (`2026-09-30T10:15:00+08:00`), else None."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str) and "T" in value:
        try:
            stamp = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return stamp if stamp.tzinfo is not None and stamp.utcoffset() is not None else None


def timestamp_text(when: dt.datetime) -> str:
    """`2026-09-30T10:15:00+08:00`: seconds, no fraction, with its offset."""
    if when.tzinfo is None:
        when = when.astimezone()
    return when.replace(microsecond=0).isoformat()


def recorded(name: str, when: dt.datetime) -> dict[str, str]:
    """The `recorded` value of an event."""
    return {"by": name, "at": timestamp_text(when)}


def source_text(value: Any) -> str:
    """A `source` as one line for people: `dengbu.xlsx:排查表:5`, in Chinese `dengbu.xlsx，排查表，第5行`
    (`lax.problems.place`); text sources as they are."""
    if isinstance(value, dict) and get_lang() == "zh":
        row = value.get("row")
        return place(str(value.get("path", "")), value.get("sheet"), row if isinstance(row, int) else None)
    if isinstance(value, dict):
        parts = [str(value.get("path", ""))]
        if value.get("sheet") is not None:
            parts.append(str(value["sheet"]))
        if value.get("row") is not None:
            parts.append(str(value["row"]))
        return ":".join(parts)
    return str(value)
