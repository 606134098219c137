"""Values of a core-table row (as pandas gives them) made ready for a published file."""
from __future__ import annotations

from datetime import datetime

import pandas as pd


def when(value) -> datetime | None:
    """A timezone-aware datetime, or None for a missing value (None, NaT, NaN)."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).to_pydatetime()


def iso(value) -> str | None:
    """ISO 8601 with its offset, or None."""
    moment = when(value)
    return moment.isoformat() if moment else None
