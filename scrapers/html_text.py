"""Untrusted partner HTML to plain text. Scripts, styles and markup never survive; only text does."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from hub.charset import decode_text
from hub.thai_text import normalize_thai

_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "template")


def soup_of(body: bytes, content_type: str | None) -> BeautifulSoup:
    soup = BeautifulSoup(decode_text(body, content_type), "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    return soup


def text_of(node, separator: str = " ") -> str:
    """Visible text of a node, whitespace folded, Thai normalised."""
    if node is None:
        return ""
    return normalize_thai(re.sub(r"\s+", " ", node.get_text(separator)))
