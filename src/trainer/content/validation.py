"""Pydantic validation of a parsed file, with each error put back at its file position.

Pydantic's ``loc`` mixes data keys with union tags; it is walked alongside the data and the
model's annotations, so every message can name the key, the kind of thing it belongs to and
the keys that would have been right.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from trainer.content.diagnostics import Diagnostic, did_you_mean, quoted_list
from trainer.content.yamlsource import PathPart, YamlDocument

M = TypeVar("M", bound=BaseModel)

# Human words for the id patterns in models.py, keyed by the pattern itself.
_PATTERN_WORDS = {
    r"^[A-Z][A-Z0-9]*-[0-9]+$": (
        "a guideline id is capital letters, a dash and a number, like CONF-2"
    ),
    r"^[a-z0-9][a-z0-9-]*$": "an id is lower-case letters, digits and dashes, like crash-photo",
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$": "a choice id is letters, digits, '-' or '_', like a or b",
}


def validate_document(doc: YamlDocument, model: type[M], what: str) -> M | None:
    """Validate ``doc.data`` as ``model``; on failure add located diagnostics to ``doc``."""
    if not isinstance(doc.data, dict):
        doc.diagnostics.append(
            doc.error(
                (),
                "wrong-type",
                f"{what} must be a mapping of keys such as 'id: ...', not {describe(doc.data)}",
            )
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            doc.diagnostics.append(_diagnostic(doc, model, err))
        return None


def describe(value: object) -> str:
    """A few words for what a value is, as a person reading YAML sees it."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads true/false as a yes-or-no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Where:
    """Where a pydantic ``loc`` lands: the data path, the model owning the last key, the key."""

    def __init__(self, data: object, model: type[BaseModel], loc: Sequence[int | str]) -> None:
        self.path: list[PathPart] = []
        self.owner: type[BaseModel] = model
        self.field: str | None = None
        self.rest: list[int | str] = []
        current: object = data
        annotation: Any = model
        for i, part in enumerate(loc):
            annotation = _unwrap(annotation)
            if isinstance(current, dict) and isinstance(part, str) and part in current:
                if _is_model(annotation):
                    self.owner = annotation
                    annotation = annotation.model_fields[part].annotation
                else:
                    annotation = _item_type(annotation)
                self.path.append(part)
                self.field = part
                current = current[part]
            elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
                self.path.append(part)
                annotation = _item_type(annotation)
                current = current[part]
            elif isinstance(part, str) and (member := _union_member(annotation, part)) is not None:
                annotation = member  # a discriminated union's tag, not a key in the data
            else:
                if _is_model(annotation):
                    self.owner = annotation
                self.rest = list(loc[i:])
                break
        self.value = current

    @property
    def kind(self) -> str:
        return str(getattr(self.owner, "kind", "item"))

    @property
    def keys(self) -> list[str]:
        return list(self.owner.model_fields)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _item_type(annotation: Any) -> Any:
    args = get_args(_unwrap(annotation))
    return args[-1] if args else Any


def _union_member(annotation: Any, tag: str) -> Any:
    if get_origin(annotation) not in (Union, types.UnionType):
        return None
    for member in get_args(annotation):
        if _is_model(member) and "type" in member.model_fields:
            literal = member.model_fields["type"].annotation
            if get_origin(literal) is Literal and tag in get_args(literal):
                return member
    return None


def _diagnostic(doc: YamlDocument, model: type[BaseModel], err: ErrorDetails) -> Diagnostic:
    where = _Where(doc.data, model, err["loc"])
    kind, etype, ctx = where.kind, err["type"], err.get("ctx", {})
    field = where.field or kind
    value = where.value
    path: list[PathPart] = where.path

    if etype == "missing":
        missing = str(where.rest[0]) if where.rest else field
        return doc.error(path, "missing-key", f"{kind} is missing required key '{missing}'")
    if etype == "extra_forbidden":
        extra = str(err["loc"][-1])
        return doc.error(
            path,
            "unknown-key",
            f"unknown key '{extra}' in {kind}{did_you_mean(extra, where.keys)}",
            key=True,
        )
    if etype in ("union_tag_invalid", "union_tag_not_found"):
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        if etype == "union_tag_not_found":
            return doc.error(
                path,
                "missing-key",
                f"step is missing required key 'type': one of {quoted_list(expected)}",
            )
        tag = str(ctx.get("tag", ""))
        return doc.error(
            [*path, "type"],
            "invalid-value",
            f"step type '{tag}' is not one of {quoted_list(expected)}{did_you_mean(tag, expected)}",
        )
    if etype == "literal_error":
        expected = [
            t.strip(" '") for t in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
        ]
        shown = value if isinstance(value, str) else describe(value)
        return doc.error(
            path,
            "invalid-value",
            f"'{shown}' is not a valid {field}: expected {quoted_list(expected, limit=10)}"
            f"{did_you_mean(str(value), expected)}",
        )
    if etype == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(ctx.get("pattern")), f"it must match {ctx.get('pattern')}")
        return doc.error(
            path, "invalid-value", f"'{_short(str(value))}' is not a valid {field}: {words}"
        )
    return doc.error(path, _code(etype), _type_message(etype, field, value, ctx, err["msg"]))


def _code(etype: str) -> str:
    if etype.endswith(("_type", "_parsing")) or etype in ("model_attributes_type",):
        return "wrong-type"
    return "invalid-value"


def _type_message(etype: str, field: str, value: object, ctx: dict[str, Any], msg: str) -> str:
    got = describe(value)
    quote_hint = (
        "; put it in quotes to make it text" if isinstance(value, bool | int | float) else ""
    )
    if etype == "string_type":
        return f"'{field}' must be text, not {got}{quote_hint}"
    if etype in ("int_type", "int_parsing", "int_from_float"):
        return f"'{field}' must be a whole number, not {got}"
    if etype in ("float_type", "float_parsing"):
        return f"'{field}' must be a number, not {got}"
    if etype in ("bool_type", "bool_parsing"):
        return f"'{field}' must be true or false, not {got}"
    if etype == "list_type":
        return f"'{field}' must be a list (one '- ' item per line), not {got}"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{field}' must be a mapping of keys, not {got}"
    if etype == "too_short":
        least = ctx.get("min_length", 1)
        return f"'{field}' needs at least {least} item{'s' if least != 1 else ''}"
    if etype == "string_too_short":
        return f"'{field}' must not be empty"
    if etype == "string_too_long":
        return f"'{field}' is too long: at most {ctx.get('max_length')} characters"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if etype in bounds:
        words, key = bounds[etype]
        return f"'{field}' must be {words} {ctx.get(key)}, not {got}"
    return f"'{field}': {msg}"  # pragma: no cover - a pydantic error type not met in course files
