"""Re-check a finished schedule against every rule of plan format 1, without the solver.

The solver's answer is only printed once this module agrees with it (CPMpy's
``value()`` idea: every constraint can evaluate itself on a candidate). Each rule
is evaluated directly on day numbers, in one small function per rule, so a bug
in the CP-SAT model shows up here as a named violation with dates instead of as a
wrong schedule in a report.

``verify`` checks a ``Schedule``; ``ensure_verified`` also checks that the rest
of a ``SolveResult`` (lateness, bound, verdict, ``proven``) tells the truth about
it, and raises ``ScheduleRejected`` otherwise: an internal error (exit 4).

Progress (plan-format.md, "Progress") is read from the plan itself, not from the
compiled ``TaskSpec.progress``: the actual dates, where a running task's work
ends (counted here on the calendar's day mask), the status date. Started tasks
and reached milestones must keep those days, no planned task starts before the
status date and no milestone not reached falls before it, dependencies into a
started task or reached milestone are not checked, and capacity is counted from
the status date on.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from qualplan.model import WEEKDAYS, Calendar, YearlyRange
from qualplan.problem import Link, Problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict


class Rule(enum.StrEnum):
    """The rule a violation breaks (the names appear in error messages and tests)."""

    MISSING_START = "missing-start"  # a task of the plan has no start
    UNKNOWN_TASK = "unknown-task"  # the schedule names a task the plan does not have
    PLAN_START = "plan-start"  # a task starts before the plan's start
    NOT_BEFORE = "not-before"  # a task starts before its not_before
    HORIZON = "horizon"  # a task ends after start + horizon - 1
    CALENDAR = "calendar"  # a calendar task does not start on a working day or cannot fit
    WINDOW = "window"  # a window task is not inside one occurrence of its window
    DEPENDENCY = "dependency"  # an `after` entry does not hold
    CAPACITY = "capacity"  # more units in use on a day than the resource has
    ACTUAL = "actual"  # a started task or reached milestone is not on its actual days
    STATUS_DATE = "status-date"  # a planned task starts before the status date
    RESULT = "result"  # the result's lateness, bound, verdict or `proven` disagree with the schedule


@dataclass(frozen=True)
class Violation:
    """One broken rule: which, the ids involved, and a sentence with the dates."""

    rule: Rule
    ids: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class ScheduleRejected(Exception):
    """The solver's result breaks a rule of the format: a bug, reported as an internal error."""

    def __init__(self, plan_id: str, violations: list[Violation]) -> None:
        self.plan_id = plan_id
        self.violations = violations
        shown = "; ".join(str(violation) for violation in violations[:5])
        more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(f"the schedule of plan '{plan_id}' breaks {len(violations)} rule(s): {shown}{more}")


# --- working days, read straight from the calendar's keys ----------------------------


def works_on(calendar: Calendar, date: dt.date) -> bool:
    """Whether ``date`` is a working day of ``calendar``, decided from its keys alone.

    plan-format.md ("Calendars as labs keep them"): a day listed in ``working`` works;
    any other day works unless it is a weekend day, in ``holidays`` or in
    ``yearly_holidays``. This is the verifier's own reading, on purpose not
    ``calendar.working_days`` (the mask the solver counts with): a mistake in the
    mask then shows as a violation here instead of being confirmed.
    """
    if any(span.first <= date <= span.last for span in calendar.working):
        return True
    if WEEKDAYS[date.weekday()] in calendar.weekends:
        return False
    if any(span.first <= date <= span.last for span in calendar.holidays):
        return False
    return not any(_in_yearly_range(span, date) for span in calendar.yearly_holidays)


def _in_yearly_range(span: YearlyRange, date: dt.date) -> bool:
    """``date`` falls in the yearly range, compared as (month, day); a wrapping range
    (``12-31..01-01``) is the days from its first to the year end and from New Year to its last."""
    day = (date.month, date.day)
    first, last = (span.first.month, span.first.day), (span.last.month, span.last.day)
    if first <= last:
        return first <= day <= last
    return day >= first or day <= last


@dataclass
class _OwnCalendars:
    """The verifier's count of working days: each calendar's working day numbers over the
    horizon, from ``works_on``, built when a task on that calendar is first checked."""

    problem: Problem
    _days: dict[str, list[int]] = field(default_factory=dict)

    def days(self, name: str) -> list[int]:
        if name not in self._days:
            calendar, start = self.problem.plan.calendars[name], self.problem.plan.start
            self._days[name] = [
                day for day in range(self.problem.days) if works_on(calendar, start + dt.timedelta(days=day))
            ]
        return self._days[name]

    def is_working(self, name: str, day: int) -> bool:
        days = self.days(name)
        index = bisect.bisect_left(days, day)
        return index < len(days) and days[index] == day

    def end(self, name: str, start: int, length: int) -> int | None:
        """The ``length``-th working day from ``start`` (a working day), None when ``start`` does
        not work or the horizon ends first."""
        days = self.days(name)
        index = bisect.bisect_left(days, start)
        if index == len(days) or days[index] != start or index + length - 1 >= len(days):
            return None
        return days[index + length - 1]


@dataclass(frozen=True)
class _Times:
    """Start and end day of each scheduled task, and each milestone's date (None when undefined)."""

    start: dict[str, int]
    end: dict[str, int]
    milestone: dict[str, int | None]
    working: _OwnCalendars  # the verifier's own working-day count

    def node(self, node: str) -> tuple[int, int] | None:
        """(start, end) of a task or (date, date) of a milestone, None when it has no time."""
        if node in self.milestone:
            date = self.milestone[node]
            return None if date is None else (date, date)
        if node in self.start:
            return self.start[node], self.end[node]
        return None


def verify(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every rule of the format that ``schedule`` breaks, in a fixed order; empty when it is valid."""
    violations = [*_unknown_tasks(problem, schedule)]
    progress = _progress(problem)
    times = _times(problem, schedule, progress)
    for task_id in problem.tasks:
        if task_id not in schedule.starts:
            violations.append(
                Violation(Rule.MISSING_START, (task_id,), f"task '{task_id}' has no start in the schedule")
            )
            continue
        violations.extend(_task_span(problem, task_id, times, progress))
    violations.extend(_milestones_and_progress(problem, times, progress))
    for link in (*problem.links, *problem.unenforced_links):
        if link.succ not in progress.fixed:  # actuals are facts: a link into them is not checked
            violations.extend(_dependency(problem, link, times))
    for resource in problem.capacity_steps:
        violations.extend(_capacity(problem, resource, times, progress.status_day))
    violations.extend(_unknown_resources(problem))
    return violations


def ensure_verified(result: SolveResult) -> SolveResult:
    """``result`` unchanged if its schedule keeps every rule and its figures are true; else raise.

    Raises ``ScheduleRejected`` (an internal error: the solver or this module has a bug).
    """
    violations = verify(result.problem, result.schedule) if result.schedule is not None else []
    if not violations:
        violations = _result_claims(result)
    if violations:
        raise ScheduleRejected(result.problem.plan.id, violations)
    return result


def lateness(problem: Problem, schedule: Schedule) -> int:
    """Sum over milestones with a due date of ``priority × days late``, recomputed from the schedule."""
    return objective_terms(problem, schedule)[0]


# --- the rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Progress:
    """The plan's progress in day numbers, read from the plan: the status day (None without
    one), each started task's days and each reached milestone's day."""

    status_day: int | None
    tasks: dict[str, tuple[int, int | None]]  # (start, end); end None: past the horizon
    milestones: dict[str, int]

    @property
    def fixed(self) -> set[str]:
        return {*self.tasks, *self.milestones}


def _progress(problem: Problem) -> _Progress:
    """Done tasks keep their actual start and end; a running task's end is the last day of its
    ``remaining`` counted from the status date (working days of its calendar), or without it
    the end of its planned duration from its actual start (the first working day on or after
    it counting as day one), but never before the status date."""
    plan = problem.plan
    if plan.status_date is None:
        return _Progress(None, {}, {})
    status = problem.day(plan.status_date)
    own = _OwnCalendars(problem)
    tasks: dict[str, tuple[int, int | None]] = {}
    for task in plan.tasks:
        if task.actual is None:
            continue
        start = problem.day(task.actual.start)
        working = own.days(task.calendar) if task.calendar is not None else None
        if task.actual.end is not None:
            end: int | None = problem.day(task.actual.end)
        elif task.remaining is not None:
            end = _count_days(working, status, task.remaining.days)
        else:
            planned = _count_days(working, start, task.days)
            end = None if planned is None else max(planned, status)
        tasks[task.id] = (start, end)
    milestones = {m.id: problem.day(m.actual) for m in plan.milestones if m.actual is not None}
    return _Progress(status, tasks, milestones)


def _count_days(working: list[int] | None, first: int, count: int) -> int | None:
    """The day on which ``count`` days (of the working day numbers ``working``, the verifier's
    own count) counted from ``first`` end; None when the horizon ends first."""
    if working is None:
        return first + count - 1
    last = bisect.bisect_left(working, max(first, 0)) + count - 1
    return working[last] if last < len(working) else None


def _milestones_and_progress(problem: Problem, times: _Times, progress: _Progress) -> Iterator[Violation]:
    """Started tasks and reached milestones on their actual days; no planned task before the status date.
    (A milestone not reached falls on the status date at the earliest by its definition, ``_times``.)"""
    for task_id, (start, end) in progress.tasks.items():
        if task_id not in times.start:
            continue
        if (times.start[task_id], times.end[task_id]) != (start, end):
            expected = "?" if end is None else _span(problem, start, end)
            yield Violation(
                Rule.ACTUAL,
                (task_id,),
                f"task '{task_id}' runs {_span(problem, times.start[task_id], times.end[task_id])}, but its actual "
                f"progress puts it on {expected}",
            )
    for milestone_id, day in progress.milestones.items():
        if times.milestone.get(milestone_id) != day:
            yield Violation(
                Rule.ACTUAL,
                (milestone_id,),
                f"milestone '{milestone_id}' falls on {_date_or_none(problem, times.milestone.get(milestone_id))}, "
                f"but it was reached on {_date(problem, day)}",
            )
    status = progress.status_day
    if status is None:
        return
    for task_id, start in times.start.items():
        if task_id not in progress.tasks and start < status:
            yield Violation(
                Rule.STATUS_DATE,
                (task_id,),
                f"task '{task_id}' has not started by the status date {_date(problem, status)}, but the schedule "
                f"starts it {_date(problem, start)}",
            )


def _date_or_none(problem: Problem, day: int | None) -> str:
    return "no date" if day is None else _date(problem, day)


def _times(problem: Problem, schedule: Schedule, progress: _Progress) -> _Times:
    """Task spans from the starts, and milestone dates by the format's definition.

    A milestone's date is its ``at``, or the smallest day that satisfies all its
    ``after`` entries: ``pred end + lag`` (finish, end) or ``pred start + lag`` (start),
    restated here on purpose rather than read from ``Link`` (see ``_dependency``), and
    with a status date not before it; a reached milestone's date is its actual date.
    A task's end is its ``length``-th day (working day with a calendar, counted with
    ``works_on``, not with the compiled calendar). A calendar task whose start is not
    a working day (or leaves too few working days) has no such end; ``_task_span``
    reports that, and it gets ``start + length - 1`` here so that its dependencies and
    resources can still be checked.
    """
    working = _OwnCalendars(problem)
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    for task_id, first in schedule.starts.items():
        if task_id not in problem.tasks:
            continue
        spec = problem.tasks[task_id]
        last = first + spec.length - 1 if spec.calendar is None else working.end(spec.calendar, first, spec.length)
        start[task_id] = first
        end[task_id] = last if last is not None else _end_ignoring_calendar(problem, task_id, first)
    milestone: dict[str, int | None] = dict(progress.milestones)
    every_link = (*problem.links, *problem.unenforced_links)
    pending = [milestone_id for milestone_id in problem.milestones if milestone_id not in milestone]
    # Milestones may follow milestones; resolve them in rounds (the graph is acyclic).
    while pending:
        waiting = []
        for milestone_id in pending:
            spec = problem.milestones[milestone_id]
            if spec.at is not None:
                milestone[milestone_id] = spec.at
                continue
            links = [link for link in every_link if link.succ == milestone_id]
            if any(link.pred in problem.milestones and link.pred not in milestone for link in links):
                waiting.append(milestone_id)
                continue
            reached = []
            for link in links:
                span = start.get(link.pred), end.get(link.pred)
                if link.pred in problem.milestones:
                    span = (milestone[link.pred], milestone[link.pred])
                if span[0] is None:
                    reached = None
                    break
                reached.append((span[0] if link.type == "start" else span[1]) + link.lag)
            if reached and progress.status_day is not None:
                reached.append(progress.status_day)
            milestone[milestone_id] = max(reached) if reached else None
        if len(waiting) == len(pending):  # only a cyclic plan gets here; checks reject those
            milestone.update(dict.fromkeys(waiting))
            break
        pending = waiting
    return _Times(start, end, milestone, working)


def _end_ignoring_calendar(problem: Problem, task_id: str, start: int) -> int:
    """An end for a task whose calendar start is invalid, so that later rules can still be checked."""
    return start + problem.tasks[task_id].length - 1


def _unknown_tasks(problem: Problem, schedule: Schedule) -> Iterator[Violation]:
    for task_id in schedule.starts:
        if task_id not in problem.tasks:
            yield Violation(
                Rule.UNKNOWN_TASK, (task_id,), f"the schedule starts '{task_id}', which is not a task of the plan"
            )


def _task_span(problem: Problem, task_id: str, times: _Times, progress: _Progress) -> Iterator[Violation]:
    """Plan start, not_before, horizon, calendar and window of one task (of a started task only
    the plan start and the horizon: its actual dates are facts that no other rule moves)."""
    task = problem.tasks[task_id]
    start, end = times.start[task_id], times.end[task_id]
    when = _span(problem, start, end)
    started = task_id in progress.tasks
    not_before = None if task.not_before is None or started else max(0, task.not_before)
    if start < 0:
        yield Violation(
            Rule.PLAN_START,
            (task_id,),
            f"task '{task_id}' starts {_date(problem, start)}, before the plan starts {_date(problem, 0)}",
        )
    elif not_before is not None and start < not_before:
        yield Violation(
            Rule.NOT_BEFORE,
            (task_id,),
            f"task '{task_id}' starts {_date(problem, start)}, before its not_before {_date(problem, not_before)}",
        )
    # A calendar task that cannot fit its working days is reported once, by `_calendar`.
    fits_calendar = task.calendar is None or times.working.end(task.calendar, start, task.length) is not None
    if end > problem.days - 1 and fits_calendar:
        yield Violation(
            Rule.HORIZON,
            (task_id,),
            f"task '{task_id}' ({when}) ends after the horizon's last day {_date(problem, problem.days - 1)}",
        )
    if started:
        return
    if task.calendar is not None:
        yield from _calendar(problem, task_id, start, times.working)
    if task.occurrences is not None:
        inside = any(lo <= start and end <= hi for lo, hi in task.occurrences)
        if not inside:
            yield Violation(
                Rule.WINDOW,
                (task_id, task.window or ""),
                f"task '{task_id}' ({when}) is not inside one occurrence of window '{task.window}'"
                f"{_nearest_occurrence(problem, task.occurrences, start)}",
            )


def _calendar(problem: Problem, task_id: str, start: int, working: _OwnCalendars) -> Iterator[Violation]:
    """A calendar task starts on a working day and has its `length` working days before the horizon ends."""
    task = problem.tasks[task_id]
    if not working.is_working(task.calendar, start):
        yield Violation(
            Rule.CALENDAR,
            (task_id, task.calendar),
            f"task '{task_id}' starts {_date(problem, start)} ({_weekday(problem, start)}), "
            f"which is not a working day of calendar '{task.calendar}'",
        )
    elif working.end(task.calendar, start, task.length) is None:
        yield Violation(
            Rule.CALENDAR,
            (task_id, task.calendar),
            f"task '{task_id}' starts {_date(problem, start)} but calendar '{task.calendar}' has fewer than "
            f"{task.length} working days left before the horizon's last day {_date(problem, problem.days - 1)}",
        )


def _dependency(problem: Problem, link: Link, times: _Times) -> Iterator[Violation]:
    """One `after` entry, read as plan-format.md defines it for tasks and milestones.

    A milestone node has start = end = its date. Into a task: finish ``S >= E' + 1 + L``,
    start ``S >= S' + L``, end ``E >= E' + L``. Into a milestone the finish rule has no
    ``+ 1`` (the milestone is reached at the close of its date).

    This is a deliberate second copy of the rule: the solver, the bounds and the
    explainer read it from ``problem.Link``; the verifier restates it from
    plan-format.md, so that a mistake there is caught here instead of confirmed.
    """
    pred, succ = times.node(link.pred), times.node(link.succ)
    if pred is None or succ is None:
        return  # a task without a start is reported once, as a missing start
    into_milestone = link.succ in problem.milestones
    if link.type == "finish":
        needed, actual, side = pred[1] + (0 if into_milestone else 1) + link.lag, succ[0], "start"
    elif link.type == "start":
        needed, actual, side = pred[0] + link.lag, succ[0], "start"
    else:
        needed, actual, side = pred[1] + link.lag, succ[1], "end"
    if into_milestone:
        side = "date"
    if actual >= needed:
        return
    kind = {"finish": "finish-to-start", "start": "start-to-start", "end": "finish-to-finish"}[link.type]
    via = f" (via stage '{link.via_stage}')" if link.via_stage else ""
    yield Violation(
        Rule.DEPENDENCY,
        (link.pred, link.succ),
        f"'{link.succ}' {side} {_date(problem, actual)} is before {_date(problem, needed)}, which its "
        f"{kind} dependency on '{link.pred}'{via} with lag {link.lag} d requires "
        f"('{link.pred}' {_describe(problem, link.pred, pred)})",
    )


def _capacity(problem: Problem, resource: str, times: _Times, status_day: int | None) -> Iterator[Violation]:
    """Units in use on each day against that day's capacity, by a difference array over the days.

    One violation per run of consecutive over-capacity days, naming the worst day
    and the tasks holding the resource then. With a status date, days before it are
    not counted: the past is not checked.
    """
    holders = [
        (task_id, units, times.start[task_id], times.end[task_id])
        for task_id, spec in problem.tasks.items()
        for name, units in spec.uses
        if name == resource and units > 0 and task_id in times.start
    ]
    if status_day is not None:
        holders = [
            (task_id, units, max(start, status_day), end) for task_id, units, start, end in holders if end >= status_day
        ]
    if not holders:
        return
    first = min(0, *(start for _, _, start, _ in holders))
    last = max(problem.days - 1, *(end for _, _, _, end in holders))
    delta = [0] * (last - first + 2)
    for _, units, start, end in holders:
        delta[start - first] += units
        delta[end - first + 1] -= units
    run: list[tuple[int, int, int]] = []  # (day, in use, capacity) of the current over-capacity run
    in_use = 0
    for offset in range(last - first + 1):
        in_use += delta[offset]
        day = offset + first
        capacity = problem.capacity_on(resource, day)
        if in_use > capacity:
            run.append((day, in_use, capacity))
        elif run:
            yield _over_capacity(problem, resource, run, holders)
            run = []
    if run:
        yield _over_capacity(problem, resource, run, holders)


def _over_capacity(
    problem: Problem, resource: str, run: list[tuple[int, int, int]], holders: list[tuple[str, int, int, int]]
) -> Violation:
    day, in_use, capacity = max(run, key=lambda entry: (entry[1] - entry[2], -entry[0]))
    using = [(task_id, units) for task_id, units, start, end in holders if start <= day <= end]
    span = _date(problem, run[0][0]) if len(run) == 1 else f"{_date(problem, run[0][0])}..{_date(problem, run[-1][0])}"
    tasks = ", ".join(f"'{task_id}' {units}" for task_id, units in using)
    return Violation(
        Rule.CAPACITY,
        (resource, *(task_id for task_id, _ in using)),
        f"resource '{resource}' is over capacity on {span}: on {_date(problem, day)} {in_use} units are in use "
        f"({tasks}) but its capacity is {capacity}",
    )


def _unknown_resources(problem: Problem) -> Iterator[Violation]:
    for task_id, spec in problem.tasks.items():
        for name, _ in spec.uses:
            if name not in problem.capacity_steps:
                yield Violation(
                    Rule.CAPACITY,
                    (task_id, name),
                    f"task '{task_id}' uses '{name}', which is not a resource of the plan",
                )


# --- the result's figures ------------------------------------------------------------


def _result_claims(result: SolveResult) -> list[Violation]:
    """The status, lateness, bounds, verdict and ``proven`` of a result agree with its schedule.

    The verdict follows from them alone (plan-format.md): ``met`` needs a schedule
    with no lateness, ``missed`` needs a proof (no schedule fits, or a lateness bound
    above 0), anything else is ``unknown``. This is what keeps a time-out from ever
    being printed as ``missed``. ``proven`` goes with an optimal schedule, or with a
    proof that no schedule exists.
    """
    problems: list[str] = []
    has_schedule = result.schedule is not None
    if has_schedule != (result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)):
        problems.append(f"status {result.status.value} {'with' if has_schedule else 'without'} a schedule")
    if result.status is SolveStatus.OPTIMAL and not result.proven:
        problems.append("the status is optimal but proven is False")
    if result.proven and result.status not in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE):
        problems.append(f"proven is True but the status is {result.status.value}")
    if result.lateness_bound < 0:
        problems.append(f"the lateness bound {result.lateness_bound} is negative")
    recomputed = None
    if result.schedule is not None:
        terms = objective_terms(result.problem, result.schedule)
        recomputed = terms[0]
        if result.lateness != recomputed:
            problems.append(f"reported lateness {result.lateness} but the schedule's lateness is {recomputed}")
        if result.lateness_bound > recomputed:
            problems.append(f"lateness bound {result.lateness_bound} is above the schedule's lateness {recomputed}")
        problems.extend(_objective_claims(result, terms))
    elif result.lateness is not None:
        problems.append(f"lateness {result.lateness} reported without a schedule")
    if recomputed == 0:
        expected = Verdict.MET
    elif result.status is SolveStatus.INFEASIBLE or result.lateness_bound > 0:
        expected = Verdict.MISSED
    else:
        expected = Verdict.UNKNOWN
    if result.verdict is not expected:
        problems.append(f"verdict {result.verdict.value} but the schedule and bound give {expected.value}")
    return [Violation(Rule.RESULT, (result.problem.plan.id,), message) for message in problems]


def _objective_claims(result: SolveResult, terms: tuple[int, int, int]) -> list[str]:
    """The reported objective terms are the schedule's; no proved bound is above them; proven means tight."""
    problems = []
    names = ("lateness", "sum of milestone dates", "last end")
    if result.objective is not None and tuple(result.objective) != terms:
        problems.append(f"reported objective {tuple(result.objective)} but the schedule's is {terms}")
    for name, bound, value in zip(names, result.objective_bound, terms, strict=True):
        if bound is not None and bound > value:
            problems.append(f"proved bound {bound} on the {name} is above the schedule's {value}")
    if result.proven and result.lateness_bound != terms[0]:
        problems.append(f"proved optimal but the lateness bound {result.lateness_bound} is not {terms[0]}")
    return problems


def objective_terms(problem: Problem, schedule: Schedule) -> tuple[int, int, int]:
    """The three objective terms of plan-format.md, recomputed from the starts alone:
    weighted lateness, sum of milestone dates (day numbers), last task's end."""
    times = _times(problem, schedule, _progress(problem))
    late = 0
    for milestone_id, spec in problem.milestones.items():
        date = times.milestone[milestone_id]
        if spec.due is not None and date is not None:
            late += spec.priority * max(0, date - spec.due)
    dates = sum(date for date in times.milestone.values() if date is not None)
    return late, dates, max(times.end.values(), default=0)


# --- wording -------------------------------------------------------------------------


def _date(problem: Problem, day: int) -> str:
    return (problem.plan.start + dt.timedelta(days=day)).isoformat()


def _weekday(problem: Problem, day: int) -> str:
    return (problem.plan.start + dt.timedelta(days=day)).strftime("%a")


def _span(problem: Problem, start: int, end: int) -> str:
    return f"{_date(problem, start)}..{_date(problem, end)}"


def _describe(problem: Problem, node: str, span: tuple[int, int]) -> str:
    if node in problem.milestones:
        return f"date {_date(problem, span[0])}"
    return f"runs {_span(problem, *span)}"


def _nearest_occurrence(problem: Problem, occurrences: tuple[tuple[int, int], ...], start: int) -> str:
    """The occurrence the start falls in (or the next one), to show why the task does not fit."""
    if not occurrences:
        return ": the window has no occurrence inside the horizon"
    around = next(((lo, hi) for lo, hi in occurrences if hi >= start), occurrences[-1])
    return f" (nearest occurrence {_span(problem, *around)})"
