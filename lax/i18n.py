"""The language people read lax in: English or Chinese.

Every sentence a person reads is written in both languages at the place it is produced, as
`_(english, chinese)`; the CLI picks the language once per run from `--lang` or `LAX_LANG`.
Input is read in either language whatever this setting.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")
_current = "en"


def set_lang(lang: str | None) -> str:
    """Set the language for this run (`None` falls back to `LAX_LANG`, then English)."""
    global _current
    lang = (lang or os.environ.get("LAX_LANG") or "en").strip().lower()
    if lang not in LANGS:
        raise ValueError(lang)
    _current = lang
    return _current


def get_lang() -> str:
    return _current


def has_cjk(text: str) -> bool:
    """Whether a text holds Chinese characters: a header written in Chinese is answered with Chinese titles."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _(en: str, zh: str) -> str:
    """Pick the sentence for the current language."""
    return zh if _current == "zh" else en
