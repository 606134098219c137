"""Which columns an expectation suite reads: only those need to leave DuckDB for Great Expectations."""
from __future__ import annotations

# Expectations about the row count alone read no column; any other table-level one needs them all.
_ROW_COUNT_ONLY = ("ExpectTableRowCountToBeBetween", "ExpectTableRowCountToEqual")


def columns_read(expectations: list, columns: list[str]) -> list[str]:
    """The columns of `columns` (in their order) that `expectations` look at."""
    named: set[str] = set()
    for e in expectations:
        found = [getattr(e, k, None) for k in ("column", "column_A", "column_B")]
        found = [c for c in found if isinstance(c, str)] + list(getattr(e, "column_list", None) or [])
        if not found and type(e).__name__ not in _ROW_COUNT_ONLY:
            return list(columns)
        named.update(found)
    return [c for c in columns if c in named]
