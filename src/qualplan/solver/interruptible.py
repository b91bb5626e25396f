"""Running CP-SAT solves so that Ctrl-C and SIGTERM can stop them (issue 12).

CP-SAT's ``solve`` blocks in C++ until the search ends. Called on the main thread it
keeps Python's signal handlers from running; by default it also catches SIGINT
itself (``catch_sigint_signal``), so a Ctrl-C was ignored for the rest of a
one-worker solve, and with two racing solves the handlers that CP-SAT installs and
restores crossed and aborted the process (``std::bad_function_call``, exit 134).

So every solve here runs on a worker thread with ``catch_sigint_signal`` off, while
the calling thread waits in short waits, during which Python runs its signal
handlers. A stop request (``qualplan.cancel``) calls the solver's ``stop_search``;
once the solve has returned, ``cancel.check`` raises ``cancel.Interrupted``, so a
stopped solve is never mistaken for an answer. Any other exception that reaches the
waiting thread (a ``KeyboardInterrupt`` where no handler was installed) stops the
solve too before it propagates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from qualplan import cancel

#: Seconds between two looks at the stop request while a solve runs; a stop sent before
#: a solve has started is lost (CP-SAT has nothing to stop yet), so it is sent again.
WAIT_SECONDS = 0.05


def prepare(solver: cp_model.CpSolver) -> None:
    """Settings every solve needs to stay interruptible: CP-SAT must leave SIGINT to Python."""
    solver.parameters.catch_sigint_signal = False


def solve(
    solver: cp_model.CpSolver, model: cp_model.CpModel, callback: cp_model.CpSolverSolutionCallback | None = None
) -> cp_model.cp_model_helper.CpSolverStatus:
    """``solver.solve(model, callback)`` on a worker thread; raises ``cancel.Interrupted`` if a
    stop was requested while it ran (or before)."""
    status: list = []
    run_threads([lambda: status.append(solver.solve(model, callback))], [solver])
    cancel.check()
    return status[0]


def run_threads(
    targets: Sequence[Callable[[], None]],
    solvers: Sequence[cp_model.CpSolver],
    *,
    rule: Callable[[], None] | None = None,
    changed: threading.Event | None = None,
) -> None:
    """Run ``targets`` (each calls one of ``solvers``' ``solve``) on threads of their own until
    all have returned; every solver is stopped on a stop request.

    ``rule`` runs on the calling thread whenever something changed (a target returned, or
    someone set ``changed``, as the race does on each solution) and at least every
    ``WAIT_SECONDS``; it may stop solvers. An error raised by a target is raised here
    once every target has returned.
    """
    for solver in solvers:
        prepare(solver)
    changed = changed or threading.Event()
    errors: list[BaseException] = []
    returned: list[int] = []  # list.append is atomic: no lock needed

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:  # raised again on the calling thread
                errors.append(error)
            finally:
                returned.append(1)
                changed.set()

        return run

    def stop_all() -> None:
        for solver in solvers:
            solver.stop_search()

    threads = [threading.Thread(target=guarded(target), daemon=True, name="qualplan-cp-sat") for target in targets]
    with cancel.on_request(stop_all):
        try:
            for thread in threads:
                thread.start()
            while len(returned) < len(threads):
                changed.clear()  # before looking: a change from now on ends the wait at once
                if cancel.requested() or errors:
                    stop_all()
                elif rule is not None:
                    rule()
                if len(returned) < len(threads):
                    changed.wait(WAIT_SECONDS)
        except BaseException:  # KeyboardInterrupt without qualplan's handlers: stop, then raise
            stop_all()
            for thread in threads:
                thread.join()
            raise
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
