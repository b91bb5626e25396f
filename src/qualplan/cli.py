"""The ``qualplan`` command line: the only module that prints or picks exit codes.

Each command's work lives in ``qualplan.commands.<name>.run``, a function that
returns an ``ExitCode``; this module only declares options and imports that
function when the command runs, so ``qualplan --help`` and ``qualplan validate``
never load the solver.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from qualplan.commands.streams import OutputLost
from qualplan.exitcodes import ExitCode

app = typer.Typer(
    name="qualplan",
    help="Can a battery qualification plan meet its target dates? Validate, schedule and explain plan files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
import_app = typer.Typer(help="Convert other formats into qualplan plan files.", no_args_is_help=True)
app.add_typer(import_app, name="import")

DEFAULT_PATHS = [Path("plans")]


class ValidateFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    mermaid = "mermaid"
    github = "github"


class ExplainFormat(enum.StrEnum):
    text = "text"
    json = "json"


class DiffFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


Paths = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional here
    typer.Argument(help="Plan files or folders (searched for *.yaml / *.yml). Default: plans/", show_default=False),
]


def _time_limit(help_text: str):
    return Annotated[float, typer.Option("--time-limit", min=0.1, help=help_text)]


#: Each command says what its limit bounds: only a command with one solve can promise the whole run.
_COUNTED_WORK = (
    "The search spends it as counted work, so a rerun gives the same answer unless the clock ran out first "
    "(then the output says so)."
)
TimeLimit = _time_limit(
    "Wall-clock seconds per plan for the whole command: it ends within 1.2 x this + 3 s, even on a busy machine. "
    + _COUNTED_WORK
)
RiskTimeLimit = _time_limit(
    "Seconds for the check solve whose schedule orders the tasks (it ends within 1.2 x this + 3 s); "
    "the iterations come on top (see --iterations, --iteration-time-limit)."
)
NeedsTimeLimit = _time_limit(
    "Seconds for the needs search: it ends within 1.2 x this + 3 s. Re-checking the answer, and searching "
    "past --max when no addition within it helps, take up to as long again each. " + _COUNTED_WORK
)
DiffTimeLimit = _time_limit(
    "Seconds per side: each of the two plans is solved within 1.2 x this + 3 s. " + _COUNTED_WORK
)
Workers = Annotated[int, typer.Option("--workers", min=1, help="Solver threads.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Solver random seed (same seed, same output).")]
Sets = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Change the plan in memory before solving (repeatable): dotted keys, list items by id, "
        "a YAML value; VALUE null removes the key. E.g. --set resources.climate-chamber.capacity=6",
        show_default=False,
    ),
]


def _date_option(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    from qualplan.model import parse_date

    try:
        return parse_date(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


StatusDate = Annotated[
    Optional[dt.date],  # noqa: UP045 - typer needs Optional here
    typer.Option(
        "--status-date",
        parser=_date_option,
        metavar="DATE",
        help="Re-plan from this date (YYYY-MM-DD) instead of the plan's status_date: no unstarted work begins earlier.",
        show_default=False,
    ),
]


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"qualplan {version('qualplan')}\n")
        raise typer.Exit(0)


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    # The app's own options (only --version); its help text is the Typer(help=...) above.
    return None


@app.command()
def validate(
    paths: Paths = None,
    output_format: Annotated[
        Optional[ValidateFormat],  # noqa: UP045
        typer.Option("--format", help="text, json, or github annotations (default: github under GitHub Actions)."),
    ] = None,
) -> None:
    """Check plan files against plan format 1 without solving them."""
    from qualplan.commands.validate import run

    _finish(lambda: run(paths or DEFAULT_PATHS, output_format.value if output_format else None))


@app.command()
def check(
    paths: Paths = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
    sets: Sets = None,
    status_date: StatusDate = None,
    baseline: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--baseline",
            metavar="OLD.json",
            help="An earlier 'check --format json' output of the same plan: add each milestone's slip and "
            "each task's variance against it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Schedule each plan and say whether its due dates are met, missed, or undecided."""
    from qualplan.commands.check import run

    _finish(
        lambda: run(
            paths or DEFAULT_PATHS,
            output_format.value,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            sets=sets or (),
            status_date=status_date,
            baseline=baseline,
        )
    )


@app.command()
def explain(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    milestone: Annotated[Optional[str], typer.Option("--milestone", help="Explain only this milestone.")] = None,  # noqa: UP045
    output_format: Annotated[ExplainFormat, typer.Option("--format", help="Output format.")] = ExplainFormat.text,
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
    sets: Sets = None,
    status_date: StatusDate = None,
) -> None:
    """Say why each milestone lands where it does: test physics, seasons, or lab capacity."""
    from qualplan.commands.explain import run

    _finish(
        lambda: run(
            plan,
            milestone,
            output_format.value,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            sets=sets or (),
            status_date=status_date,
        )
    )


@app.command()
def report(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path("report.html"),
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
    sets: Sets = None,
    status_date: StatusDate = None,
    risk_iterations: Annotated[
        int, typer.Option("--risk-iterations", min=0, help="Add a risk section from this many iterations (0: none).")
    ] = 0,
) -> None:
    """Write a self-contained interactive HTML report (Gantt, resources, verdicts)."""
    from qualplan.commands.report import run

    _finish(
        lambda: run(
            plan,
            output,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            sets=sets or (),
            status_date=status_date,
            risk_iterations=risk_iterations,
        )
    )


class RiskFormat(enum.StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class RiskPolicy(enum.StrEnum):
    priority = "priority"
    optimal = "optimal"


class RiskBackend(enum.StrEnum):
    local = "local"
    dask = "dask"


@app.command()
def risk(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    iterations: Annotated[int, typer.Option("--iterations", min=1, help="Monte Carlo iterations.")] = 10_000,
    seed: Seed = 0,
    policy: Annotated[
        RiskPolicy,
        typer.Option("--policy", help="priority: serial schedule in the check schedule's order; optimal: solve each."),
    ] = RiskPolicy.priority,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, help="Worker processes for the iterations (and threads of the check solve)."),
    ] = 2,
    backend: Annotated[
        RiskBackend, typer.Option("--backend", help="local processes, or a Dask cluster.")
    ] = RiskBackend.local,
    scheduler: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--scheduler", help="Dask scheduler address tcp://HOST:PORT (default: a local cluster)."),
    ] = None,
    scheduler_timeout: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            "--scheduler-timeout",
            metavar="SECONDS",
            min=0.1,
            help="Seconds to wait for the scheduler at --scheduler to answer before giving up (default 10).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[RiskFormat, typer.Option("--format", help="Output format.")] = RiskFormat.text,
    time_limit: RiskTimeLimit = 10.0,
    iteration_time_limit: Annotated[
        float, typer.Option("--iteration-time-limit", min=0.1, help="Solver seconds per iteration (policy optimal).")
    ] = 3.0,
    sets: Sets = None,
    status_date: StatusDate = None,
) -> None:
    """Monte Carlo schedule risk: the chance of each due date, percentiles, critical tasks, drivers."""
    from qualplan.commands.risk import run

    _finish(
        lambda: run(
            plan,
            iterations=iterations,
            seed=seed,
            policy=policy.value,
            workers=workers,
            backend=backend.value,
            scheduler=scheduler,
            output_format=output_format.value,
            time_limit=time_limit,
            iteration_time_limit=iteration_time_limit,
            sets=sets or (),
            status_date=status_date,
            scheduler_timeout=scheduler_timeout,
        )
    )


@app.command()
def needs(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    adds: Annotated[
        list[str],
        typer.Option(
            "--add",
            metavar="RESOURCE[=COST]",
            help="A resource that may grow, and the cost of one more unit (default 1); repeatable.",
            show_default=False,
        ),
    ],
    from_date: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--from",
            metavar="DATE",
            help="The day the new units arrive (default: the status date, else the plan's start).",
            show_default=False,
        ),
    ] = None,
    max_units: Annotated[int, typer.Option("--max", min=0, help="Most extra units of each resource.")] = 10,
    output_format: Annotated[ExplainFormat, typer.Option("--format", help="Output format.")] = ExplainFormat.text,
    time_limit: NeedsTimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
    sets: Sets = None,
) -> None:
    """The cheapest lab expansion that meets every due date, or a proof that none within --max does."""
    from qualplan.commands.needs import run

    _finish(
        lambda: run(
            plan,
            adds,
            from_date=from_date,
            max_units=max_units,
            output_format=output_format.value,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            sets=sets or (),
        )
    )


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(help="The plan before: a file, or GITREF:PATH (e.g. origin/main:plans/x.yaml).")
    ],
    new: Annotated[str, typer.Argument(help="The plan after: a file, or GITREF:PATH.")],
    output_format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DiffFormat.text,
    fail_on_slip: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--fail-on-slip",
            metavar="DAYS",
            min=0,
            help="Exit 1 when a due-dated milestone moves later by more than DAYS.",
            show_default=False,
        ),
    ] = None,
    time_limit: DiffTimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
    sets: Sets = None,
) -> None:
    """What a change to a plan does to its dates: verdicts, milestone moves, changed tasks, critical chains."""
    from qualplan.commands.diff import run

    _finish(
        lambda: run(
            old,
            new,
            output_format=output_format.value,
            fail_on_slip=fail_on_slip,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            sets=sets or (),
        )
    )


class ExportFormat(enum.StrEnum):
    mspdi = "mspdi"
    ics = "ics"
    xlsx = "xlsx"


@app.command()
def export(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    to: Annotated[
        ExportFormat,
        typer.Option("--to", help="mspdi (MS Project XML), ics (iCalendar) or xlsx (DVP&R workbook)."),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Write the scheduled plan for MS Project, calendar apps or Excel."""
    from qualplan.commands.export import run

    _finish(lambda: run(plan, output, to.value, time_limit=time_limit, workers=workers, seed=seed))


@app.command()
def status(
    plan: Annotated[Path, typer.Argument(help="The plan file (never modified).")],
    set_actuals: Annotated[
        Path,
        typer.Option(
            "--set-actuals",
            metavar="FROM.csv",
            help="Progress rows id,start,end,remaining (header required): start only = running, "
            "start and end = done; a milestone's start is the day it was reached.",
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="NEW.yaml", help="The plan file to write.")],
    status_date: Annotated[
        Optional[dt.date],  # noqa: UP045
        typer.Option(
            "--status-date",
            parser=_date_option,
            metavar="DATE",
            help="Set the new plan's status_date (the day the progress is as of).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Record progress from a CSV file into a new plan file, keeping the original's comments and layout."""
    from qualplan.commands.status import run

    _finish(lambda: run(plan, set_actuals, output, status_date=status_date))


@app.command()
def schema(
    fragment: Annotated[
        bool, typer.Option("--fragment", help="The schema of a fragment (a file named in a plan's include).")
    ] = False,
) -> None:
    """Print the JSON Schema of plan format 1 (for editor completion)."""
    from qualplan.commands.schema import run

    _finish(lambda: run(fragment))


@import_app.command("psplib")
def import_psplib(
    source: Annotated[Path, typer.Argument(help="A PSPLIB single-mode .sm file.")],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("-o", "--output", help="Write the plan here instead of stdout."),
    ] = None,
) -> None:
    """Convert a PSPLIB RCPSP instance into a plan file."""
    from qualplan.commands.import_psplib import run

    _finish(lambda: run(source, output))


def _finish(command: Callable[[], ExitCode]) -> None:
    """Run a command and exit with its code; a stop request (Ctrl-C, SIGTERM) is one line and 130 / 143.

    This must happen inside the command: typer turns a ``KeyboardInterrupt``
    that reaches it into a silent exit 130.
    """
    from qualplan import cancel

    try:
        code = int(command())
    except cancel.Interrupted as stop:
        code = _interrupted(stop.exit_code)
    except KeyboardInterrupt:  # a second Ctrl-C while the command was stopping
        code = _interrupted(cancel.EXIT_CODES[signal.SIGINT])
    raise typer.Exit(code)


def _interrupted(code: int) -> int:
    sys.stderr.write("qualplan: interrupted\n")
    sys.stderr.flush()
    return code


def main() -> None:
    """Entry point: any unexpected exception is a bug, reported in one line with exit code 4.

    Ctrl-C and SIGTERM become a stop request that the running command honours at
    its next safe point (``qualplan.cancel``): it writes no output file, prints
    ``qualplan: interrupted`` and exits 130 (SIGINT) or 143 (SIGTERM).
    """
    from qualplan import cancel, deadline

    cancel.install_handlers()
    deadline.count_from_process_start()
    try:
        app()
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:
        code = _interrupted(cancel.EXIT_CODES[signal.SIGINT])
    except cancel.Interrupted as stop:
        code = _interrupted(stop.exit_code)
    except OutputLost as lost:
        code = _output_lost(lost)
    except BaseException as error:
        sys.stderr.write(f"qualplan: internal error (a bug, please report it): {type(error).__name__}: {error}\n")
        code = int(ExitCode.INTERNAL)
    _leave(code)


def _output_lost(lost: OutputLost) -> int:
    """Say (if stderr still takes it) that the output could not be written: exit 2, as for a
    target that cannot be written."""
    try:
        sys.stderr.write(f"qualplan: {lost}\n")
    except OSError:
        pass
    return int(ExitCode.BAD_INPUT)


def _leave(code: object) -> NoReturn:
    """End the process with ``code`` (``sys.exit``'s meaning) without the interpreter's teardown.

    Unloading OR-Tools and numba after a solve took 1.4-3.2 s of wall time on a loaded 2-core
    machine (0.3-0.6 s idle), which the ``--time-limit`` promise would pay. Nothing of ours
    needs the teardown: output is flushed here, files are written atomically, and process
    pools and Dask clusters are closed by the ``with`` blocks that opened them.
    """
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
    status = code if isinstance(code, int) else (0 if code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or a full disk: the output is lost either way
            status = status or 1
    os._exit(status)
