"""Thai text clean-up shared by parsers and the gazetteer.

Partner sources write the same name many ways: Thai digits, decomposed sara am (U+0E4D U+0E32),
doubled vowels, administrative prefixes (เขต, แขวง, จังหวัด) and stray spaces. Everything that
compares or stores Thai text goes through these functions first.
"""
from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Iterator

from pythainlp import thai_tonemarks
from pythainlp.util import normalize as _pythainlp_normalize
from pythainlp.util import Trie, thai_digit_to_arabic_digit

_SPACES = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")
# A doubled sara e before the prefix (เเขตวัฒนา in the district-office app list) is a typing slip;
# pythainlp folds เเ into แ, giving "แขต", which is no Thai word.
_DOUBLED_SARA_E_PREFIX = re.compile("^แขต")
_ADMIN_PREFIXES = ("จังหวัด", "แขวง", "เขต")


def normalize_thai(text: str | None) -> str:
    """NFC, pythainlp normalisation (fixes decomposed sara am), no zero-width marks, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    may_change = _pythainlp_may_change()
    if may_change is None or may_change.search(text):
        text = _pythainlp_normalize(text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _pythainlp_may_change() -> re.Pattern | None:
    """Every pattern pythainlp's `normalize` rewrites with, as one regex: text none of them matches comes
    back unchanged from each of its steps, so the ~60 substitutions (most of a notice's parse) are
    skipped. Built from pythainlp's own rule tables; None (always normalise) if they are not there."""
    try:
        rules = importlib.import_module("pythainlp.util.normalize")
        parts = ["[\u200b\u200c]", "  ", "\n", "^\s", "\s$",                    # zero width, spacing, strip
                 *(pattern for pattern, _ in rules._REORDER_PAIRS + rules._NOREPEAT_PAIRS),
                 f"[{thai_tonemarks}]{{2,}}", rules._RE_REMOVE_SPACES_BEFORE_NONBASE.pattern,
                 rules._RE_REMOVE_DANGLINGS.pattern, rules._RE_REMOVE_DANGLINGS_AFTER_SPACE.pattern]
    except (ImportError, AttributeError):
        return None
    return re.compile("|".join(f"(?:{p})" for p in parts))


def arabic_digits(text: str) -> str:
    """Thai digits ๐–๙ become 0–9; everything else is kept."""
    return thai_digit_to_arabic_digit(text) if text else text


def strip_admin_prefix(name: str) -> str:
    """Drop repeated เขต/แขวง/จังหวัด prefixes ("เขตเขตบึงกุ่ม" -> "บึงกุ่ม")."""
    name = _DOUBLED_SARA_E_PREFIX.sub("เขต", normalize_thai(name))
    changed = True
    while changed:
        changed = False
        for prefix in _ADMIN_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix):].lstrip()
                changed = True
    return name


def fold_latin(name: str) -> str:
    """Lower-case Latin name with only letters kept, for romanisation matching ("Bang Sue" -> "bangsue")."""
    name = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in name.lower() if ch.isalpha() and ch.isascii())


class WordSet(Trie):
    """A pythainlp `Trie` answered from two hash sets: built in a tenth of the time.

    pythainlp's tokenizers only ask a dictionary for `prefixes(text, start)` (newmm) and `word in
    dictionary` (longest). Building its node-per-character trie from the 60,000-word list costs about
    a second in every process; a set of the words and a set of their proper prefixes answer the same
    questions, in the same order (tests/test_thai_text.py compares both on real text).
    """

    def __init__(self, words: Iterable[str]):  # noqa: super().__init__ would build the node trie
        self._words = frozenset(w for w in words if w)
        self._partial = frozenset(w[:i] for w in self._words for i in range(1, len(w)))
        self._word_count = len(self._words)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        found, end = [], start + 1
        while end <= len(text):
            piece = text[start:end]
            if piece in self._words:
                found.append(piece)
            if piece not in self._partial:
                break
            end += 1
        return found

    def __contains__(self, key: str) -> bool:
        return key in self._words

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return self._word_count

    def add(self, word: str) -> None:
        raise TypeError("a WordSet is built once from its words")

    remove = add


@lru_cache(maxsize=8)
def word_set(extra: frozenset[str] = frozenset()) -> WordSet:
    """pythainlp's Thai word list plus `extra` words, as a WordSet built once per process.

    The tokenizers' own default (`word_tokenize` without `custom_dict`) builds pythainlp's node trie
    from the same list on first use: about 1.6 s in each process that tokenizes (profiled)."""
    from pythainlp.corpus import thai_words

    return WordSet(set(thai_words()) | set(extra))
