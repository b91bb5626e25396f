"""What a YAML file is, from its top-level keys alone: a plan, a fragment, or neither.

Folder scans (``qualplan validate plans/``, ``qualplan check plans/``) look at
every ``*.yaml`` file; this tells them which ones to take without parsing the
YAML, so a folder of plans can also hold fragments (``plans/labs/*.yaml``) and
unrelated YAML (CI configs). It reads only the lines that start at column 0,
which in a block-style YAML mapping are its top-level keys. The loader decides
the same question exactly on the parsed file (``kind_of_keys``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

#: The keys an included file may hold (plan-format.md, "Includes and portfolios").
FRAGMENT_KEYS = frozenset({"calendars", "windows", "resources", "stages", "tasks", "milestones", "include"})
#: The keys only a whole plan holds.
PLAN_KEYS = frozenset({"qualplan", "id", "title", "start", "horizon", "programmes"})

Kind = Literal["plan", "fragment"]

# A top-level key: plain, 'single' or "double" quoted, then a colon ending the line or followed by a space.
_TOP_KEY = re.compile(
    r"""^(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<plain>[^\s#'"\-?:,\[\]{}&*!|>%@`][^#]*?))\s*:(?:\s|$)"""
)


def plan_kind(text: str) -> Kind | None:
    """``"plan"`` when the text has a top-level ``qualplan:`` key; ``"fragment"`` when its
    top-level keys are all fragment keys (``tasks``, ``resources``, ``include``, ...); else None.

    A file whose top level is not a block mapping (a list, a flow mapping, a
    bare value) is neither.
    """
    keys: list[str] = []
    for line in text.removeprefix("\ufeff").splitlines():
        if not line or line[0] in " \t#" or line.startswith(("---", "...", "%")):
            continue
        match = _TOP_KEY.match(line)
        if match is None:
            return None
        keys.append(next(key for key in (match["double"], match["single"], match["plain"]) if key is not None))
    return kind_of_keys(keys)


def kind_of_keys(keys: Iterable[str]) -> Kind | None:
    """The kind of a mapping with these top-level keys (see ``plan_kind``)."""
    keys = set(keys)
    if "qualplan" in keys:
        return "plan"
    if keys and keys <= FRAGMENT_KEYS:
        return "fragment"
    return None


def meant_as_fragment(keys: Iterable[str]) -> bool:
    """Whether a file named on its own reads as a fragment: some fragment key and no key only a plan has.

    More lenient than ``kind_of_keys``, so that a fragment with a misspelt key
    (``taks:``) is checked as a fragment and told "did you mean 'tasks'?". Folder
    scans stay strict: they must not take every YAML file that has a ``stages:`` key.
    """
    keys = set(keys)
    return bool(keys & FRAGMENT_KEYS) and not keys & PLAN_KEYS


__all__ = ["FRAGMENT_KEYS", "PLAN_KEYS", "Kind", "kind_of_keys", "meant_as_fragment", "plan_kind"]
