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
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$": (
        "a version is three numbers joined by dots, like 1.4.0"
    ),
}


def validate_document(doc: YamlDocument, model: type[M], what: str) -> M | None:
    """Validate ``doc.data`` as ``model``; on failure add located diagnostics to ``doc``."""
    if not isinstance(doc.data, dict):
        doc.diagnostics.append(
            doc.error(
                (),
                "wrong-type",
                f"{what} must be a mapping of keys ({_required_keys(model)}), "
                f"not {describe(doc.data)}",
            )
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors = [
            (err, _Where(doc.data, model, err["loc"])) for err in exc.errors(include_url=False)
        ]
        # A misspelt key is both unknown and, under its right name, missing: one message
        # (the unknown key's, with its did-you-mean) says it all.
        meant = {
            (tuple(where.path[:-1]), hint)
            for err, where in errors
            if err["type"] == "extra_forbidden"
            and (hint := did_you_mean(str(err["loc"][-1]), where.keys))
        }
        for err, where in errors:
            if (
                err["type"] == "missing"
                and where.rest
                and (tuple(where.path), f" (did you mean '{where.rest[0]}'?)") in meant
            ):
                continue
            doc.diagnostics.append(_diagnostic(doc, err, where))
        return None


def _required_keys(model: type[BaseModel]) -> str:
    """``at least id, text and verdict``: the keys a mapping of this model cannot do without
    (or, for a model with none required, the keys it may have)."""
    names = [name for name, info in model.model_fields.items() if info.is_required()]
    some = "at least" if names else "such as"
    names = names or list(model.model_fields)
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    return f"{some} {listed}"


def describe(value: object) -> str:
    """A few words for what a value is, as a person reading YAML sees it."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads true/false as a yes-or-no value)"
    if isinstance(value, int | float):
        return f"the number {_number(value)}"
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
        self.annotation: Any = model
        current: object = data
        annotation: Any = model
        for i, part in enumerate(loc):
            annotation = _unwrap(annotation)
            if isinstance(current, dict) and isinstance(part, str) and part in current:
                if _is_model(annotation):
                    self.owner = annotation
                    # An unknown key (extra_forbidden) is in the data but not in the model.
                    known = annotation.model_fields.get(part)
                    annotation = known.annotation if known is not None else Any
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
        self.annotation = _unwrap(annotation)
        self.value = current

    @property
    def kind(self) -> str:
        return str(getattr(self.owner, "kind", "item"))

    @property
    def keys(self) -> list[str]:
        return list(self.owner.model_fields)

    @property
    def item(self) -> bool:
        """Whether the value is an item of a list, rather than the value of a key."""
        return bool(self.path) and isinstance(self.path[-1], int)


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


def _union_tags(annotation: Any) -> list[str]:
    """The 'type' values of a discriminated union's members, in declaration order."""
    tags: list[str] = []
    if get_origin(annotation) in (Union, types.UnionType):
        for member in get_args(annotation):
            if _is_model(member) and "type" in member.model_fields:
                literal = member.model_fields["type"].annotation
                if get_origin(literal) is Literal:
                    tags += [str(t) for t in get_args(literal)]
    return tags


def _union_member(annotation: Any, tag: str) -> Any:
    if get_origin(annotation) not in (Union, types.UnionType):
        return None
    for member in get_args(annotation):
        if _is_model(member) and "type" in member.model_fields:
            literal = member.model_fields["type"].annotation
            if get_origin(literal) is Literal and tag in get_args(literal):
                return member
    return None


def _diagnostic(doc: YamlDocument, err: ErrorDetails, where: _Where) -> Diagnostic:
    kind, etype, ctx = where.kind, err["type"], err.get("ctx", {})
    field = where.field or kind
    value = where.value
    path: list[PathPart] = where.path
    # What the message is about: a key's value, or one item of the list under a key.
    subject = f"each item of '{field}'" if where.item else f"'{field}'"

    if etype == "missing":
        missing = str(where.rest[0]) if where.rest else field
        return doc.error(
            path, "missing-key", f"{_which(kind, value, path)} is missing required key '{missing}'"
        )
    if etype == "extra_forbidden":
        extra = str(err["loc"][-1])
        hint = did_you_mean(extra, where.keys) or ": the keys here are " + ", ".join(where.keys)
        return doc.error(path, "unknown-key", f"unknown key '{extra}' in {kind}{hint}", key=True)
    if etype in ("union_tag_invalid", "union_tag_not_found"):
        expected = _union_tags(where.annotation)
        if etype == "union_tag_not_found":
            return doc.error(
                path,
                "missing-key",
                f"{_which('step', value, path)} is missing required key 'type': "
                f"one of {quoted_list(expected)}",
            )
        tag = value.get("type") if isinstance(value, dict) else None
        if not isinstance(tag, str):
            return doc.error(
                [*path, "type"],
                "invalid-value",
                f"'type' must be one of {quoted_list(expected)}, not {describe(tag)}",
            )
        return doc.error(
            [*path, "type"],
            "invalid-value",
            f"step type '{tag}' is not one of {quoted_list(expected)}{did_you_mean(tag, expected)}",
        )
    if etype == "literal_error":
        expected = [str(t) for t in get_args(where.annotation)] or [
            t.strip(" '") for t in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
        ]
        shown = f"'{value}'" if isinstance(value, str) else describe(value)
        return doc.error(
            path,
            "invalid-value",
            f"{shown} is not a valid {field}: expected {quoted_list(expected, limit=10)}"
            f"{did_you_mean(str(value), expected)}",
        )
    if etype == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(ctx.get("pattern")), f"it must match {ctx.get('pattern')}")
        shown = f"'{_short(str(value))}'"
        return doc.error(
            path,
            "invalid-value",
            f"{shown} in '{field}' is not valid: {words}"
            if where.item
            else f"{shown} is not a valid {field}: {words}",
        )
    if etype in ("model_type", "model_attributes_type") and _is_model(where.annotation):
        return doc.error(
            path,
            "wrong-type",
            f"{subject} must be a mapping of keys ({_required_keys(where.annotation)}), "
            f"not {describe(value)}",
        )
    return doc.error(path, _code(etype), _type_message(etype, subject, value, ctx, err["msg"]))


def _which(kind: str, value: object, path: Sequence[PathPart]) -> str:
    """``step 'decide'``: the kind of a mapping, and its id or the key it sits under."""
    name = value.get("id") if isinstance(value, dict) else None
    if not isinstance(name, str) and path and isinstance(path[-1], str) and path[-1] != kind:
        name = path[-1]
    return f"{kind} '{name}'" if isinstance(name, str) else kind


def _code(etype: str) -> str:
    if etype.endswith(("_type", "_parsing")) or etype in ("model_attributes_type",):
        return "wrong-type"
    return "invalid-value"


def _type_message(etype: str, subject: str, value: object, ctx: dict[str, Any], msg: str) -> str:
    """The message for a value of the wrong type or size; ``subject`` names it, quoted."""
    got = describe(value)
    quote_hint = (
        "; put it in quotes to make it text" if isinstance(value, bool | int | float) else ""
    )
    if etype == "string_type":
        return f"{subject} must be text, not {got}{quote_hint}"
    if etype in ("int_type", "int_parsing", "int_from_float"):
        return f"{subject} must be a whole number, not {got}"
    if etype in ("float_type", "float_parsing"):
        return f"{subject} must be a number, not {got}"
    if etype == "finite_number":
        return f"{subject} must be a finite number, not {got}"
    if etype in ("bool_type", "bool_parsing"):
        return f"{subject} must be true or false, not {got}"
    if etype == "list_type":
        return f"{subject} must be a list (one '- ' item per line), not {got}"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        return f"{subject} must be a mapping of keys, not {got}"
    if etype == "too_short":
        least = ctx.get("min_length", 1)
        return f"{subject} needs at least {least} item{'s' if least != 1 else ''}"
    if etype == "string_too_short":
        return f"{subject} must not be empty"
    if etype == "string_too_long":
        return f"{subject} is too long: at most {ctx.get('max_length')} characters"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if etype in bounds:
        words, key = bounds[etype]
        return f"{subject} must be {words} {_number(ctx.get(key))}, not {got}"
    return f"{subject}: {msg}"  # pragma: no cover - a pydantic error type not met in course files


def _number(bound: object) -> str:
    """A bound as an author wrote it: 0, not the 0.0 of a float field."""
    if isinstance(bound, float) and bound.is_integer():
        return str(int(bound))
    return str(bound)
