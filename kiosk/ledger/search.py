"""Turning what a person types into an FTS5 query over tool names, categories and makers."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """Every word must match, each as a prefix: 'cord dri' finds 'Cordless drill'."""
    words = _WORD.findall(query.lower())
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words[:12])
