"""Area codes are dotted paths (52.03.07.2012): ancestry is read from the code, no query.
In core because figures (core) and the domain apps both need it."""

from __future__ import annotations


def ancestor_codes(code: str) -> list[str]:
    """'52.03.07.2012' -> ['52.03.07', '52.03', '52'] (nearest first, the area itself left out)."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
