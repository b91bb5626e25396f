"""Pydantic's validation errors rewritten as plain English for people who edit plans by hand.

Each pydantic error becomes a key path (list indices, as in the data), whether
it points at a key or at a value, and a message that says what was expected and
what was found. Unknown keys get a "did you mean" hint from the model's own
field names, so the hints can never drift from the model.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from qualplan.model import REMAINING_TAGS, Plan

PathPart = str | int


@dataclass(frozen=True)
class Finding:
    """One problem at a key path (list items by index). ``at_key``: point at the key, not its value."""

    path: tuple[PathPart, ...]
    message: str
    at_key: bool = False
    warning: bool = False
    at_parent: bool = False  # a missing key: point at the mapping that lacks it
    # Another place the problem involves (a clash between two entries): the loader writes its key
    # path and line where the message says ``{related}``.
    related: tuple[PathPart, ...] | None = None


#: What a missing required key holds, so the message can say what to add.
_MISSING_HINTS = {
    ("qualplan",): "add 'qualplan: 1' (the format version) as the first line",
    ("id",): "add the plan's id, e.g. 'id: my-programme'",
    ("start",): "add the plan's first day, e.g. 'start: 2026-01-05'",
    ("tasks",): "add a 'tasks:' list with at least one task",
}


def translate(error: dict[str, Any]) -> Finding:
    """One pydantic error (from ``ValidationError.errors()``) as a ``Finding``."""
    # A tagged union (``remaining``) puts the chosen form's tag in the path; a plan has no such key.
    loc: tuple[PathPart, ...] = tuple(part for part in error["loc"] if part not in REMAINING_TAGS)
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if loc and loc[-1] == "[key]":
        return Finding(loc[:-1], _value_error_text(error), at_key=True)
    if kind == "missing":
        return Finding(loc, _missing(loc), at_parent=True)
    if kind == "extra_forbidden":
        return Finding(loc, _unknown_key(loc), at_key=True)
    if kind == "value_error":
        return _value_error(loc, error, value)
    if kind == "literal_error":
        return Finding(loc, _literal(loc, value, ctx.get("expected", "")))
    if kind == "int_parsing_size":
        return Finding(loc, "the number is far too large")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return Finding(loc, f"expected a whole number, got {describe(value)}")
    if kind in ("float_type", "float_parsing"):
        return Finding(loc, f"expected a number, got {describe(value)}")
    if kind == "finite_number":
        return Finding(loc, f"expected a finite number, got {describe(value)}")
    if kind == "string_type":
        hint = " (put it in quotes to make it text)" if isinstance(value, int | float) else ""
        return Finding(loc, f"expected text, got {describe(value)}{hint}")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Finding(loc, f"expected a mapping of 'key: value' lines, got {describe(value)}")
    if kind == "list_type":
        return Finding(loc, f"expected a list, got {describe(value)}")
    if kind == "greater_than_equal":
        return Finding(loc, f"must be at least {_number(ctx['ge'])}, got {describe(value)}")
    if kind == "less_than_equal":
        return Finding(loc, f"must be at most {ctx['le']:,} (the largest format 1 allows), got {describe(value)}")
    if kind == "greater_than":
        return Finding(loc, f"must be more than {_number(ctx['gt'])}, got {describe(value)}")
    if kind == "too_short":
        if loc == ("tasks",):
            return Finding(loc, "a plan needs at least one task")
        return Finding(loc, f"needs at least {ctx.get('min_length', 1)} entry")
    message = str(error.get("msg", kind))
    return Finding(loc, message[:1].lower() + message[1:])


def describe(value: object) -> str:
    """A found value in words: ``'abc'``, ``the number 2.5``, ``a list``, ``an empty value``."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover - the loader only produces the types above


def _number(bound: object) -> str:
    """``0.0`` -> ``0``: bounds read as written in plan files."""
    if isinstance(bound, float) and bound.is_integer():
        return str(int(bound))
    return str(bound)


def closest(word: str, candidates: typing.Iterable[str]) -> str | None:
    """The candidate most like ``word`` (for "did you mean"), or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


# --- the individual kinds -----------------------------------------------------------------


def _missing(loc: tuple[PathPart, ...]) -> str:
    hint = _MISSING_HINTS.get(loc)
    if hint:
        return f"required key missing; {hint}"
    return "required key missing"


def _unknown_key(loc: tuple[PathPart, ...]) -> str:
    key = str(loc[-1])
    known = known_keys(loc[:-1])
    if key == "<<":
        return "merge keys ('<<') are a YAML 1.1 feature and not part of plan files; write the keys out"
    suggestion = closest(key, known)
    if suggestion is not None:
        return f"unknown key '{key}'; did you mean '{suggestion}'?"
    if known:
        return f"unknown key '{key}'; allowed here: {', '.join(known)}"
    return f"unknown key '{key}'"  # pragma: no cover - every mapping with fixed keys is a model


def _literal(loc: tuple[PathPart, ...], value: object, expected: str) -> str:
    if loc == ("qualplan",):
        return f"the format version must be 1 (the only version), got {describe(value)}"
    choices = re.findall(r"'([^']*)'", expected)
    text = f"expected {expected}, got {describe(value)}"
    if isinstance(value, str):
        suggestion = closest(value, choices)
        if suggestion is not None:
            text += f"; did you mean '{suggestion}'?"
    return text


def _value_error_text(error: dict[str, Any]) -> str:
    cause = (error.get("ctx") or {}).get("error")
    if cause is not None:
        return str(cause)
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def _value_error(loc: tuple[PathPart, ...], error: dict[str, Any], value: object) -> Finding:
    """A rule of a model or field. A rule about a whole mapping points at the key it names."""
    message = _value_error_text(error)
    if not isinstance(value, str) and message.startswith("expected ") and ", got " in message:
        # the field validators name what they found in Python terms ("got NoneType", "got {}")
        message = f"{message.rsplit(', got ', 1)[0]}, got {describe(value)}"
    if isinstance(value, dict):
        named = [word for word in re.findall(r"'([^']*)'", message) if word in value]
        first_word = message.split(" ", 1)[0]
        if first_word in value:
            named.insert(0, first_word)
        if named:
            return Finding((*loc, named[-1]), message, at_key=True)
    return Finding(loc, message)


# --- the model's shape along a path ----------------------------------------------------------


def known_keys(loc: tuple[PathPart, ...]) -> list[str]:
    """The keys the model allows in the mapping at ``loc`` (aliases as written in plans)."""
    annotation = _annotation_at(loc)
    model = _model_class(annotation)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _annotation_at(loc: tuple[PathPart, ...]) -> object:
    annotation: object = Plan
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    return annotation


def _step(annotation: object, part: PathPart) -> object:
    annotation = _strip(annotation)
    model = _model_class(annotation)
    if model is not None:
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is type(None):
                continue
            found = _step(arg, part)
            if found is not None:
                return found
        return None
    if origin is list and isinstance(part, int):
        return get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return get_args(annotation)[1]
    return None


def _strip(annotation: object) -> object:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _model_class(annotation: object) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        models = [arg for arg in get_args(annotation) if _model_class(arg) is not None]
        return _model_class(models[0]) if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
