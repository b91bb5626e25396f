"""The three bounds that separate the causes of a milestone's date.

- physics: dependencies, durations, calendars, `not_before` and `at` only;
- seasons: the same plus windows;
- lab: the date in the found schedule (every rule, capacities included).

The first two are exact because ``graph.earliest_times`` is exact for unlimited
resources; they are computed here, never guessed. What a single window costs is
exact too: the seasons bound with only that window lifted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from qualplan.explain.records import Bounds, ChainLink
from qualplan.graph import Times, earliest_times
from qualplan.problem import Problem


@dataclasses.dataclass(frozen=True)
class Layers:
    """Earliest times of every node under the physics and seasons layers, and without each window."""

    no_windows: Problem  # the problem with every window lifted (its schedules are judged without windows)
    physics: Times
    seasons: Times
    without_window: dict[str, Times]


def layers(problem: Problem) -> Layers:
    """Compute the resource-free layers once for all milestones."""
    windows = sorted({spec.window for spec in problem.tasks.values() if spec.window is not None})
    no_windows = problem
    for window in windows:
        no_windows = lift_window(no_windows, window)
    return Layers(
        no_windows=no_windows,
        physics=earliest_times(problem, windows=False),
        seasons=earliest_times(problem, windows=True),
        without_window={window: earliest_times(lift_window(problem, window)) for window in windows},
    )


def lift_window(problem: Problem, window: str) -> Problem:
    """The same problem with one window removed from every task that uses it."""
    tasks = {
        task_id: dataclasses.replace(spec, window=None, occurrences=None) if spec.window == window else spec
        for task_id, spec in problem.tasks.items()
    }
    return dataclasses.replace(problem, tasks=tasks)


def milestone_bounds(layered: Layers, milestone_id: str, lab: int | None, chain: Iterable[ChainLink]) -> Bounds:
    """The physics, seasons and lab dates of one milestone, with what each window and resource costs it.

    A window's cost is exact (seasons bound minus the bound without it). A
    resource's cost is the days it delays tasks of the milestone's critical chain
    past their dependencies in the found schedule: which resource the lab layer's
    days are "mostly" due to.
    """
    seasons = layered.seasons.start[milestone_id]
    window_costs: list[tuple[str, int | None]] = []
    for window, times in layered.without_window.items():
        freed = times.start[milestone_id]
        if seasons is not None and freed is not None and seasons > freed:
            window_costs.append((window, seasons - freed))
        elif seasons is None and freed is not None:
            window_costs.append((window, None))  # with it nothing fits, without it the milestone does
    window_costs.sort(key=lambda item: (item[1] is not None, -(item[1] or 0), item[0]))

    resource_costs: dict[str, int] = {}
    for link in chain:
        for reason in link.reasons:
            if reason.kind == "resource" and reason.on is not None and reason.delay:
                resource_costs[reason.on] = resource_costs.get(reason.on, 0) + reason.delay
    return Bounds(
        physics=layered.physics.start[milestone_id],
        seasons=seasons,
        lab=lab,
        window_costs=tuple(window_costs),
        resource_costs=tuple(sorted(resource_costs.items(), key=lambda item: (-item[1], item[0]))),
    )
