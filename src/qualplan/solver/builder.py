"""The CP-SAT model of a plan: one method per rule of plan format 1.

``ModelBuilder(problem).add_constraints()`` states every rule; ``objective.py``
adds the three objective terms and ``phases.py`` runs the phases. Read
``add_constraints`` as the table of contents.

Switching rules off (for ``qualplan explain``)
----------------------------------------------
Pass ``enforce=`` a callable that takes a ``RuleKey`` and returns a literal of
the same ``model`` (or None to keep that group always on)::

    model = cp_model.CpModel()
    literals = {}
    def enforce(key):
        literals[key] = model.new_bool_var(str(key))
        return literals[key]
    builder = ModelBuilder(problem, model=model, enforce=enforce)
    builder.add_constraints()
    builder.add_due_dates()                     # due dates as hard rules, also switchable
    model.add_assumptions(list(literals.values()))
    # solve; solver.sufficient_assumptions_for_infeasibility() names a conflicting set

Switchable groups are the ``RuleKey`` kinds: ``due`` (milestone), ``capacity``
(resource), ``window`` (task), ``not_before`` (task), ``at`` (milestone). The
builder calls ``enforce`` once per key: for ``window``, ``not_before`` and
``at`` while it is constructed (switchable rules must stay out of the CPM domain
bounds), for ``capacity`` and ``due`` when those rules are added.
"""

from __future__ import annotations

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from qualplan.problem import Problem
from qualplan.result import Schedule, schedule_times
from qualplan.solver.bounds import Bounds, Cutoff, compute_bounds, relaxed, start_intervals
from qualplan.solver.calendars import add_working_span
from qualplan.solver.rules import Enforce, RuleKey
from qualplan.solver.variables import TaskVars, task_vars


class ModelBuilder:
    """Variables and constraints of one plan (``problem``) in a CP-SAT ``model``."""

    def __init__(
        self,
        problem: Problem,
        *,
        model: cp_model.CpModel | None = None,
        enforce: Enforce | None = None,
        cutoff: Cutoff | None = None,
        tighten: bool = True,
        tails: bool = True,
    ) -> None:
        self.problem = problem
        self.model = model if model is not None else cp_model.CpModel()
        self._enforce = enforce
        self._literals: dict[RuleKey, object | None] = {}
        switched = {
            kind: {subject for subject in subjects if self.literal(RuleKey(kind, subject)) is not None}
            for kind, subjects in (
                ("window", [t for t, spec in problem.tasks.items() if spec.window is not None]),
                ("not_before", [t for t, spec in problem.tasks.items() if spec.not_before is not None]),
                ("at", [m for m, spec in problem.milestones.items() if spec.at is not None]),
            )
        }
        base = problem
        if any(switched.values()):
            base = relaxed(problem, windows=switched["window"], not_before=switched["not_before"], at=switched["at"])
        self.bounds: Bounds = compute_bounds(base, cutoff)
        self.cutoff = cutoff or Cutoff()
        self.use_tails = tails
        self.tasks: dict[str, TaskVars] = {}
        for task_id in problem.tasks:
            starts = []
            if not tighten:  # benchmarks measure what the CPM bounds buy
                starts = start_intervals(base, task_id, 0, problem.days - 1)
            elif task_id in self.bounds.latest:
                starts = start_intervals(base, task_id, self.bounds.earliest[task_id], self.bounds.latest[task_id])
            self.tasks[task_id] = task_vars(self.model, problem, task_id, starts)
        self.dates: dict[str, cp_model.IntVar] = {
            milestone: self._date_var(milestone) for milestone in problem.milestones
        }
        last_end = problem.days - 1 if self.cutoff.last_end is None else min(problem.days - 1, self.cutoff.last_end)
        self.last_end = self.model.new_int_var(0, max(0, last_end), "last_end")
        self.late: dict[str, cp_model.IntVar] = {}  # days late per milestone, once the objective asks
        self._tails: list[tuple[cp_model.IntVar, cp_model.IntVar, list[cp_model.IntVar]]] = []
        self._ended: dict[str, set[str]] = {}  # milestone -> tasks it ends after (``_ended_by``)
        #: Resource -> (units variable, first day): extra units held from that day to the horizon,
        #: set before ``add_constraints`` by ``solver/needs.py`` (``qualplan needs``).
        self.extra_units: dict[str, tuple[cp_model.IntVar, int]] = {}

    def hint(self, schedule: Schedule) -> None:
        """Give CP-SAT a complete feasible assignment (greedy or an earlier phase) to start from."""
        self.model.clear_hints()
        times = schedule_times(self.problem, schedule)
        for task_id, variables in self.tasks.items():
            self.model.add_hint(variables.start, times.start[task_id])
            self.model.add_hint(variables.end, times.end[task_id])
            if variables.start_rank is not None:
                self.model.add_hint(variables.size, times.end[task_id] - times.start[task_id] + 1)
                pattern = self.problem.calendars[self.problem.tasks[task_id].calendar].week_pattern
                variables.start_rank.hint(self.model, pattern, times.start[task_id])
                variables.end_rank.hint(self.model, pattern, times.end[task_id])
        for milestone, date in self.dates.items():
            self.model.add_hint(date, times.start[milestone])
            if milestone in self.late:
                self.model.add_hint(
                    self.late[milestone], max(0, times.start[milestone] - self.problem.milestones[milestone].due)
                )
        last_end = max(times.end[task] for task in self.problem.tasks)
        self.model.add_hint(self.last_end, last_end)
        days = self.problem.days
        for begin, size, anchors in self._tails:
            value = min([days] + [self._hint_value(anchor, times, last_end) + 1 for anchor in anchors])
            self.model.add_hint(begin, value)
            self.model.add_hint(size, days - value)

    def _hint_value(self, anchor: cp_model.IntVar, times, last_end: int) -> int:
        if anchor is self.last_end:
            return last_end
        milestone = next(m for m, date in self.dates.items() if date is anchor)
        return times.start[milestone]

    def schedule(self, solver: cp_model.CpSolver) -> Schedule:
        """The schedule in the last solution of ``solver`` (a finished solver, or a running one's callback)."""
        return Schedule({task_id: solver.value(variables.start) for task_id, variables in self.tasks.items()})

    def literal(self, key: RuleKey) -> object | None:
        """The literal enforcing ``key``'s rules (None: always on); asks ``enforce`` once per key."""
        if key not in self._literals:
            self._literals[key] = self._enforce(key) if self._enforce is not None else None
        return self._literals[key]

    # --- the table of contents ----------------------------------------------------

    def add_constraints(self) -> None:
        """Every rule of plan format 1 (the order does not matter to CP-SAT)."""
        self._add_room_for_every_task()
        self._add_task_spans()
        self._add_plan_start_and_horizon()
        self._add_not_before()
        self._add_windows()
        self._add_dependencies()
        self._add_fixed_milestones()
        self._add_status_date()
        self._add_actuals()
        self._add_resources()
        self._add_last_end()
        self._add_milestones_by_last_end()

    def add_due_dates(self) -> None:
        """Due dates as hard rules, ``date <= due`` (satisfaction models; ``solve`` makes them
        soft through the lateness term instead). Switchable by ``RuleKey("due", milestone)``."""
        for milestone, spec in self.problem.milestones.items():
            if spec.due is not None:
                self._require(self.dates[milestone] <= spec.due, RuleKey("due", milestone))

    # --- one method per rule ------------------------------------------------------

    def _add_room_for_every_task(self) -> None:
        """Some task has no start at all (CPM bounds, ignoring resources): no schedule exists."""
        if self.bounds.conflicts:
            self.model.add_bool_or([])

    def _add_task_spans(self) -> None:
        """``duration``/``cycles`` give the span; a working-day task's span is exact.

        A task without a calendar has a fixed-size interval (``variables.py``). A
        working-day task starts on a working day and ends on its ``length``-th working
        day, holidays honoured: ``calendars.py`` states this as one linear equation on
        working-day ranks, exact and compact (no table over every possible start).
        """
        for task_id, variables in self.tasks.items():
            if variables.start_rank is not None:
                spec = self.problem.tasks[task_id]
                pattern = self.problem.calendars[spec.calendar].week_pattern
                add_working_span(self.model, pattern, spec.length, variables.start_rank, variables.end_rank)

    def _add_plan_start_and_horizon(self) -> None:
        """No task starts before the plan ``start`` (day 0) or ends after ``start + horizon - 1``.

        Also built into every start's domain; stated here so the rule has one place."""
        for task_vars_ in self.tasks.values():
            self.model.add(task_vars_.start >= 0)
            self.model.add(task_vars_.end <= self.problem.days - 1)

    def _add_not_before(self) -> None:
        """``start >= not_before`` (switchable per task)."""
        for task_id, spec in self.problem.tasks.items():
            if spec.not_before is not None:
                self._require(self.tasks[task_id].start >= spec.earliest, RuleKey("not_before", task_id))

    def _add_windows(self) -> None:
        """A window task lies wholly inside one occurrence: its start is one that keeps
        start and end in the same occurrence (switchable per task)."""
        for task_id, spec in self.problem.tasks.items():
            if spec.window is None:
                continue
            allowed = start_intervals(self.problem, task_id, 0, self.problem.days - 1)
            start = self.tasks[task_id].start
            key = RuleKey("window", task_id)
            if not allowed:
                self._require(start <= -1, key)  # no occurrence fits: with the horizon rule, false
                continue
            domain = Domain.from_intervals([list(span) for span in allowed])
            constraint = self.model.add_linear_expression_in_domain(start, domain)
            literal = self.literal(key)
            if literal is not None:
                constraint.only_enforce_if(literal)

    def _add_dependencies(self) -> None:
        """Every ``after`` entry, stages already expanded, with its lag (``problem.Link``:
        the successor's start, or end for finish-to-finish, is at least the predecessor's
        end, or start for start-to-start, plus the link's offset).

        A milestone's start and end are its date variable; the objective pushes it down
        to the smallest day its links allow, and reported dates are always recomputed
        from the starts. A link into a started task or a reached milestone is not
        enforced (its actual dates are facts): ``Problem.links`` leaves it out.
        """
        for link in self.problem.links:
            successor = self._end(link.succ) if link.succ_side == "end" else self._start(link.succ)
            self.model.add(successor >= link.earliest(self._start(link.pred), self._end(link.pred)))

    def _add_fixed_milestones(self) -> None:
        """A milestone with ``at`` falls on that date (switchable per milestone)."""
        for milestone, spec in self.problem.milestones.items():
            if spec.at is not None:
                self._require(self.dates[milestone] == spec.at, RuleKey("at", milestone))

    def _add_status_date(self) -> None:
        """With a status date: no planned task starts before it, and a milestone not yet
        reached falls on it at the earliest (at the close of the status date)."""
        day = self.problem.status_day
        if day is None:
            return
        for task_id, spec in self.problem.tasks.items():
            if spec.progress is None:
                self.model.add(self.tasks[task_id].start >= day)
        for milestone, spec in self.problem.milestones.items():
            if spec.actual is None:
                self.model.add(self.dates[milestone] >= day)

    def _add_actuals(self) -> None:
        """A started task keeps its actual start (its span, done or running, is its fixed
        ``length``); a reached milestone keeps the day it was reached. No rule moves them."""
        for task_id, spec in self.problem.tasks.items():
            if spec.fixed_start is not None:
                self.model.add(self.tasks[task_id].start == spec.fixed_start)
        for milestone, spec in self.problem.milestones.items():
            if spec.actual is not None:
                self.model.add(self.dates[milestone] == spec.actual)

    def _add_resources(self) -> None:
        """Tasks that overlap on a day use at most that day's capacity (switchable per resource).

        One cumulative per resource at its largest capacity; each capacity step below
        it is a fixed interval holding the difference. Switched off, the capacity grows
        by the sum of all demands, so it can never bind.

        Tail: every task using the resource ends by the last task's end, and maybe by
        some milestone's date (one that all of them precede); an interval holding the
        resource's smallest capacity from the day after the earliest such date to the
        horizon joins the cumulative. Capacity
        reasoning then bounds the date directly, which is what proves makespans on
        resource-bound plans (PSPLIB) instead of enumerating them.

        Capacity holds from the status date on: a started task holds its units from the
        later of its start and the status date to its end (``_held``), and not at all
        when it ended before the status date.
        """
        for resource, steps in self.problem.capacity_steps.items():
            users = [
                (task_id, units)
                for task_id, spec in self.problem.tasks.items()
                for name, units in spec.uses
                if name == resource and units > 0
            ]
            if not users:
                continue
            largest = max(units for _, units in steps)
            smallest = min(units for _, units in steps)
            held = [(self._held(task_id), units) for task_id, units in users]
            intervals = [interval for interval, _ in held if interval is not None]
            demands = [units for interval, units in held if interval is not None]
            for first, stop, units in self.problem.capacity_spans(resource):
                if units < largest and first < stop:
                    intervals.append(
                        self.model.new_fixed_size_interval_var(first, stop - first, f"cap[{resource}]@{first}")
                    )
                    demands.append(largest - units)
            if smallest > 0 and self.use_tails:
                intervals.append(self._tail(self._tail_anchors({task_id for task_id, _ in users}), f"tail[{resource}]"))
                demands.append(smallest)
            literal = self.literal(RuleKey("capacity", resource))
            capacity = largest
            if literal is not None:
                capacity = largest + sum(demands) * (1 - literal)
            if resource in self.extra_units:
                # Extra units from day `first`: the capacity grows by them, and before `first` an
                # interval holds them back (CP-SAT's cumulative takes variable demands and capacity).
                units, first = self.extra_units[resource]
                capacity += units
                if first > 0:
                    intervals.append(self.model.new_fixed_size_interval_var(0, first, f"extra[{resource}]"))
                    demands.append(units)
            self.model.add_cumulative(intervals, demands, capacity)

    def _add_last_end(self) -> None:
        """``last_end`` is at least every task's end (the third objective term)."""
        for task_vars_ in self.tasks.values():
            self.model.add(self.last_end >= task_vars_.end)

    def _add_milestones_by_last_end(self) -> None:
        """Redundant: a milestone reached only through tasks (and lags) falls at most its
        largest lag chain after the last task's end. Lets the makespan phase see at once
        that the last end cannot be below a proved milestone date (PSPLIB's sink)."""
        for milestone, longest in self.problem.reach_after_last_end.items():
            if longest is not None:
                self.model.add(self.dates[milestone] <= self.last_end + longest)

    # --- helpers ------------------------------------------------------------------

    def _require(self, relation: cp_model.BoundedLinearExpression, key: RuleKey) -> None:
        """Add ``relation``, enforced by ``key``'s literal when the caller switches it."""
        constraint = self.model.add(relation)
        literal = self.literal(key)
        if literal is not None:
            constraint.only_enforce_if(literal)

    def _held(self, task_id: str) -> cp_model.IntervalVar | None:
        """The days a task holds its resources in the model: all of a planned task's; of a
        started one, those from the status date on (None when it ended before it)."""
        spec = self.problem.tasks[task_id]
        if spec.fixed_start is None or spec.fixed_end is None or self.problem.status_day is None:
            return self.tasks[task_id].interval
        first = max(spec.fixed_start, self.problem.status_day)
        if spec.fixed_end < first:
            return None
        return self.model.new_fixed_size_interval_var(first, spec.fixed_end - first + 1, f"held[{task_id}]")

    def _start(self, node: str):
        return self.dates[node] if node in self.dates else self.tasks[node].start

    def _end(self, node: str):
        return self.dates[node] if node in self.dates else self.tasks[node].end

    def _date_var(self, milestone: str) -> cp_model.IntVar:
        spec = self.problem.milestones[milestone]
        lowest = self.bounds.earliest.get(milestone)
        lowest = 0 if lowest is None else lowest
        highest = self.bounds.latest.get(milestone)
        if highest is None:
            fixed = [m.fixed for m in self.problem.milestones.values() if m.fixed is not None]
            highest = max([self.problem.days - 1, *fixed]) + sum(link.lag for link in self.problem.links) + 1
        if spec.actual is not None:
            lowest = highest = spec.actual
        elif spec.at is not None and self.literal(RuleKey("at", milestone)) is None:
            lowest = highest = spec.at
        return self.model.new_int_var(lowest, max(lowest, highest), f"date[{milestone}]")

    def _tail_anchors(self, users: set[str]) -> list[cp_model.IntVar]:
        """Date variables by which every task in ``users`` has ended: ``last_end`` always,
        and each milestone (with ``after``) that every user precedes through end-bounding links."""
        anchors = [self.last_end]
        for milestone, spec in self.problem.milestones.items():
            if spec.fixed is None and users <= self._ended_by(milestone):
                anchors.append(self.dates[milestone])
        return anchors

    def _ended_by(self, milestone: str) -> set[str]:
        """Tasks whose end is at most ``milestone``'s date in every schedule.

        Walks links backwards: a finish link into a node that starts by the date, or
        an end link (or a milestone reached at the predecessor's end) into a node that
        ends by it, means the predecessor ends by the date too.
        """
        if milestone in self._ended:
            return self._ended[milestone]
        starts_by, ends_by = {milestone}, {milestone}
        stack = [milestone]
        while stack:
            node = stack.pop()
            for link in self.problem.preds[node]:
                # The link ties the predecessor's side to the successor's: if that side of
                # ``node`` is by the date, so is the predecessor's (and an end by it means
                # the start too; a milestone's start is its end).
                if node not in (ends_by if link.succ_side == "end" else starts_by):
                    continue
                bounds_end = link.pred_side == "end" or link.pred in self.problem.milestones
                if link.pred not in starts_by or (bounds_end and link.pred not in ends_by):
                    starts_by.add(link.pred)
                    if bounds_end:
                        ends_by.add(link.pred)
                    stack.append(link.pred)
        self._ended[milestone] = ends_by & set(self.problem.tasks)
        return self._ended[milestone]

    def _tail(self, anchors: list[cp_model.IntVar], name: str) -> cp_model.IntervalVar:
        """The interval from the day after the earliest anchor (capped at the horizon) to the
        horizon's end. One tail per resource: every user has ended by each anchor, so by the
        earliest; two overlapping tails would double-count the capacity."""
        days = self.problem.days
        begin = self.model.new_int_var(0, days, f"{name}.begin")
        self.model.add_min_equality(begin, [anchor + 1 for anchor in anchors] + [days])
        size = self.model.new_int_var(0, days, f"{name}.size")
        self._tails.append((begin, size, anchors))
        return self.model.new_interval_var(begin, size, days, name)
