"""Settings shared by the whole suite.

Hypothesis runs derandomized: every run of the suite tries the same examples, so a
property that fails fails every time (issue 12: a failure that only some random
seeds found came and went). New examples are found on purpose, by running a property
with more examples and other seeds, and kept with ``@example``.

Tests that take more than about 0.3 CPU-s are marked ``slow`` (pyproject.toml):
``pytest -m "not slow"`` leaves them out for an edit-and-test loop; the full suite,
what ``.ci/run`` runs, is the gate (docs/architecture.md, "Tests").
"""

from __future__ import annotations

import pytest
from hypothesis import settings

from bundled_solves import bundled_solves  # noqa: F401  (a fixture: each plans/*.yaml solved once per session)

settings.register_profile("qualplan", derandomize=True, database=None, deadline=None)
settings.load_profile("qualplan")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs a bundled plan solved is ``slow`` whether or not it says so: the first one
    in a session pays for the solve, and which one that is depends on the order the tests run in."""
    for item in items:
        if "bundled_solves" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
