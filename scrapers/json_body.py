"""Partner JSON answers: the decoded document, or UnitFailed saying why the answer is unusable."""
from __future__ import annotations

import json

from hub.raw_archive import UnitFailed


def json_document(body: bytes, where: str):
    """An empty body, an HTML error page or a wrong charset is an unusable answer, never zero items."""
    if not body.strip():
        raise UnitFailed(f"{where}: empty body (not JSON)")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnitFailed(f"{where}: not JSON ({exc.__class__.__name__}: {str(exc)[:80]}; "
                         f"starts {body[:40]!r})") from exc
