"""Decode partner HTML to text, including the Thai legacy encodings.

Older Thai government sites serve TIS-620 / windows-874, sometimes declared only in a <meta>
tag, sometimes wrongly declared in the header. We try the declared charsets strictly, then UTF-8,
then charset detection, and fail loudly rather than store mojibake.
"""
from __future__ import annotations

import re

from charset_normalizer import from_bytes

# cp874 (windows-874) is a superset of TIS-620 and ISO-8859-11; decode all three with it.
_ALIASES = {"tis-620": "cp874", "tis620": "cp874", "tis_620": "cp874", "windows-874": "cp874",
            "x-windows-874": "cp874", "iso-8859-11": "cp874", "iso8859-11": "cp874", "cp874": "cp874"}
# A header charset that never fails to decode proves nothing about Thai pages.
_PERMISSIVE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*['\"]?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*['\"]?([\w.:-]+)", re.I)


class DecodeError(ValueError):
    pass


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    return _ALIASES.get(name, name)


def declared_charsets(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    return (_canonical(header.group(1)) if header else None,
            _canonical(meta.group(1).decode("ascii", "replace")) if meta else None)


def decode_text(body: bytes, content_type: str | None = None) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8")
    header, meta = declared_charsets(body, content_type)
    candidates = []
    if header and not (header in _PERMISSIVE and meta):
        candidates.append(header)
    # Our partners are Thai: when nothing declared fits, windows-874 is by far the likeliest legacy charset
    # (detection guesses wrong on short Thai snippets). It still rejects bytes it does not define.
    candidates += [c for c in (meta, "utf-8", "cp874") if c]
    for charset in candidates:
        try:
            return body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(body).best()
    if best is None:
        raise DecodeError(f"cannot decode {len(body)} bytes (declared header={header}, meta={meta})")
    return str(best)
