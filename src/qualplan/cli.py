"""The ``qualplan`` command line: the only module that prints or picks exit codes.

Each command's work lives in ``qualplan.commands.<name>.run``, a function that
returns an ``ExitCode``; this module only declares options and imports that
function when the command runs, so ``qualplan --help`` and ``qualplan validate``
never load the solver.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

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


class ExplainFormat(enum.StrEnum):
    text = "text"
    json = "json"


Paths = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional here
    typer.Argument(help="Plan files or folders (searched for *.yaml / *.yml). Default: plans/", show_default=False),
]
TimeLimit = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.1,
        help=(
            "Wall-clock seconds per plan for the whole command: it ends within 1.2 x this + 3 s, "
            "even on a busy machine. The search spends it as counted work, so a rerun gives the same "
            "answer unless the clock ran out first (then the output says so)."
        ),
    ),
]
Workers = Annotated[int, typer.Option("--workers", min=1, help="Solver threads.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Solver random seed (same seed, same output).")]


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

    _exit(run(paths or DEFAULT_PATHS, output_format.value if output_format else None))


@app.command()
def check(
    paths: Paths = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Schedule each plan and say whether its due dates are met, missed, or undecided."""
    from qualplan.commands.check import run

    _exit(run(paths or DEFAULT_PATHS, output_format.value, time_limit=time_limit, workers=workers, seed=seed))


@app.command()
def explain(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    milestone: Annotated[Optional[str], typer.Option("--milestone", help="Explain only this milestone.")] = None,  # noqa: UP045
    output_format: Annotated[ExplainFormat, typer.Option("--format", help="Output format.")] = ExplainFormat.text,
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Say why each milestone lands where it does: test physics, seasons, or lab capacity."""
    from qualplan.commands.explain import run

    _exit(run(plan, milestone, output_format.value, time_limit=time_limit, workers=workers, seed=seed))


@app.command()
def report(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path("report.html"),
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Write a self-contained interactive HTML report (Gantt, resources, verdicts)."""
    from qualplan.commands.report import run

    _exit(run(plan, output, time_limit=time_limit, workers=workers, seed=seed))


@app.command()
def schema() -> None:
    """Print the JSON Schema of plan format 1 (for editor completion)."""
    from qualplan.commands.schema import run

    _exit(run())


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

    _exit(run(source, output))


def _exit(code: ExitCode) -> None:
    raise typer.Exit(int(code))


def main() -> None:
    """Entry point: any unexpected exception is a bug, reported in one line with exit code 4."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("qualplan: interrupted\n")
        sys.exit(130)
    except BaseException as error:
        sys.stderr.write(f"qualplan: internal error (a bug, please report it): {type(error).__name__}: {error}\n")
        sys.exit(int(ExitCode.INTERNAL))
