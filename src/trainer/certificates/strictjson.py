"""JSON read strictly: what a signed document says must have one meaning only."""

from __future__ import annotations

import json


def loads(data: bytes) -> object:
    """Strict JSON: UTF-8, no repeated keys, no NaN or infinity. Raises ValueError."""

    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        found: dict[str, object] = {}
        for key, value in pairs:
            if key in found:
                raise ValueError(f"the key {key!r} appears twice")
            found[key] = value
        return found

    def constant(name: str) -> object:
        raise ValueError(f"{name} is not a JSON number")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at character {exc.pos}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
