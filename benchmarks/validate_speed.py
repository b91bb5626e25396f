"""How long `qualplan validate` takes on a 200-task plan, end to end (interpreter start-up included).

Generates a realistic 200-task plan (stages, calendars, a seasonal window,
resources with capacity steps, cycle-life tests, dependency chains and
milestones), checks that it is valid, then runs the real `qualplan validate`
command in a fresh process several times and reports the median and the spread
of the wall time. The target (issue 2) is under 0.5 s.

    python benchmarks/validate_speed.py [--runs 15] [--tasks 200] [--write]
    python benchmarks/validate_speed.py --largest [--runs 5] [--write]

`--largest` instead loads the largest files the loader accepts, built to be slow
(`tests/largest_files.py`: the densest list under the node cap, a file whose
every item is wrong, 1200 chained tasks), in this process with both YAML
parsers, then the small files built to be costly (a file over the size cap, an
alias bomb, holidays over centuries, 8000 overlapping holidays, 1500 tasks
against 1400 window slots) and `verify` on 1000 tasks over eight years, and
reports the CPU time of each (target: under a second each). These were timed
unit tests; timing belongs here, where the machine's load is printed with it.
`--write` also records the result in benchmarks/results/validate_speed.txt.
The machine's load is printed with the result: the figure is only meaningful
on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "validate_speed.txt"
#: `qualplan validate` with the libyaml parser switched off, as on an install without ruamel.yaml.clib.
PURE_ENTRY = (
    "import sys, qualplan.loader as loader; loader._c_events = lambda text: None; "
    "sys.argv[0] = 'qualplan'; from qualplan.cli import main; main()"
)
TARGET = 0.5
#: Seconds of CPU the slowest accepted file may cost the loader.
LARGEST_TARGET = 1.0
TESTS = Path(__file__).resolve().parent.parent / "tests"


def generate_plan(tasks: int) -> str:
    """A valid plan of ``tasks`` tasks in five stages, each stage a chain with cross links."""
    lines = [
        "# yaml-language-server: $schema=../schema/qualplan-1.schema.json",
        "qualplan: 1",
        "id: bench-200",
        "title: Benchmark plan for qualplan validate",
        "start: 2026-01-05",
        "horizon: 8y",
        "calendars:",
        "  workdays:",
        "    weekends: [sat, sun]",
        "    holidays: [2026-02-16..2026-02-22, 2026-10-01..2026-10-07]",
        "windows:",
        "  winter-heihe:",
        "    yearly: {from: 12-15, to: 03-10}",
        "resources:",
        "  cycler-channel: {capacity: 48}",
        "  climate-chamber:",
        "    capacity: 4",
        "    changes:",
        "      - {from: 2026-07-01, capacity: 6}",
        "  abuse-bay: {capacity: 1}",
        "stages:",
    ]
    stages = ["cell-10ah", "cell-60ah", "module", "pack", "vehicle"]
    lines += [f"  - {{id: {stage}, name: Stage {stage}}}" for stage in stages]
    lines.append("tasks:")
    per_stage = max(1, tasks // len(stages))
    for number in range(tasks):
        stage = stages[min(number // per_stage, len(stages) - 1)]
        lines += [
            f"  - id: t{number:03d}",
            f"    name: Test {number} of {stage}, GB/T 31484-2015",
            f"    stage: {stage}",
        ]
        if number % 7 == 3:
            lines += [
                "    cycles:",
                f"      count: {200 + number}",
                "      charge_c: 0.5",
                "      discharge_c: 1.0",
                "      rest_h: 0.25",
                "      checkup_every: 100",
                "      checkup_h: 24",
                "    uses: {cycler-channel: 2, climate-chamber: 1}",
            ]
        elif number % 11 == 5:
            lines += ["    duration: 10d", "    window: winter-heihe", "    uses: {abuse-bay: 1}"]
        else:
            lines += [f"    duration: {number % 5 + 1}w", "    calendar: workdays", "    uses: {climate-chamber: 1}"]
        if number % per_stage:
            lines.append(f"    after: [t{number - 1:03d}]")
        elif number:
            previous = stages[number // per_stage - 1]
            lines.append(f"    after: [{{on: {previous}, lag: 1w}}]")
        lines.append("    samples: 3")
    lines.append("milestones:")
    lines += [f"  - {{id: {stage}-done, after: [{stage}], due: 2029-12-31}}" for stage in stages]
    return "\n".join(lines) + "\n"


def measure(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run of ``command`` in a fresh process."""
    walls, cpus = [], []
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if completed.returncode != 0:
            sys.exit(f"validate failed ({completed.returncode}):\n{completed.stdout}{completed.stderr}")
    return walls, cpus


def measure_largest(runs: int) -> list[str]:
    """CPU seconds (median of ``runs``) of ``load_plan_text`` on each of the largest accepted files."""
    sys.path.insert(0, str(TESTS))
    from largest_files import BODIES, COSTLY, largest_file, thousand_task_schedule
    from qualplan import loader
    from qualplan.verify import verify

    c_events = loader._c_events
    lines = []
    for parser_name, events in (("libyaml", c_events), ("pure Python", lambda text: None)):
        loader._c_events = events
        for name in sorted(BODIES):
            text = largest_file(name)
            seconds = []
            for _ in range(runs):
                started = time.process_time()
                loader.load_plan_text(text, "plan.yaml")
                seconds.append(time.process_time() - started)
            median = statistics.median(seconds)
            verdict = "met" if median < LARGEST_TARGET else "NOT met"
            lines.append(
                f"{name:<11} {len(text.encode()):>7} bytes, {parser_name:<11} parser: CPU median {median:.3f} s, "
                f"max {max(seconds):.3f} s (target < {LARGEST_TARGET} s: {verdict})"
            )
    loader._c_events = c_events
    for name, text in COSTLY.items():
        median, worst = _cpu_median(lambda text=text: loader.load_plan_text(text, "plan.yaml"), runs)
        lines.append(_costly_line(f"{name} ({len(text.encode())} bytes)", median, worst))
    problem, schedule = thousand_task_schedule()
    median, worst = _cpu_median(lambda: verify(problem, schedule), runs)
    lines.append(_costly_line("verify, 1000 tasks over 8 years", median, worst))
    return lines


def _cpu_median(work, runs: int) -> tuple[float, float]:
    """The median and the largest CPU seconds of ``runs`` calls of ``work``."""
    seconds = []
    for _ in range(runs):
        started = time.process_time()
        work()
        seconds.append(time.process_time() - started)
    return statistics.median(seconds), max(seconds)


def _costly_line(what: str, median: float, worst: float) -> str:
    verdict = "met" if median < LARGEST_TARGET else "NOT met"
    return f"{what}: CPU median {median:.3f} s, max {worst:.3f} s (target < {LARGEST_TARGET} s: {verdict})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--write", action="store_true", help="record the result in benchmarks/results/")
    parser.add_argument(
        "--pure", action="store_true", help="force the pure-Python YAML parser (as without ruamel.yaml.clib)"
    )
    parser.add_argument(
        "--largest", action="store_true", help="measure the largest accepted files (tests/largest_files.py) instead"
    )
    options = parser.parse_args()
    if options.largest:
        _report(
            [
                f"loading the largest accepted files, {options.runs} runs each, in one process",
                *measure_largest(options.runs),
                _machine(),
                f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            ],
            options.write,
        )
        return

    executable = shutil.which("qualplan")
    command_head = [executable] if executable else [sys.executable, "-m", "qualplan"]
    if options.pure:
        command_head = [sys.executable, "-c", PURE_ENTRY]
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "bench.yaml"
        plan.write_text(generate_plan(options.tasks), encoding="utf-8")
        command = [*command_head, "validate", str(plan)]
        measure(command, 2)  # warm the file cache and the byte-code cache
        times, cpu = measure(command, options.runs)
        baseline, _ = measure([sys.executable, "-c", "pass"], 5)
        try:
            import _ruamel_yaml  # noqa: F401

            parser_kind = "libyaml (ruamel.yaml.clib)"
        except ImportError:
            parser_kind = "pure Python (ruamel.yaml.clib not installed)"
        if options.pure:
            parser_kind = "pure Python (forced with --pure)"
        size = plan.stat().st_size

    median = statistics.median(times)
    _report(
        [
            f"qualplan validate on a {options.tasks}-task plan ({size} bytes), {options.runs} runs, fresh process each",
            f"median {median:.3f} s  min {min(times):.3f} s  max {max(times):.3f} s  (target < {TARGET} s: "
            f"{'met' if median < TARGET else 'NOT met'})",
            f"CPU (user + system) of the process: median {statistics.median(cpu):.3f} s",
            f"bare interpreter start-up: median {statistics.median(baseline):.3f} s",
            f"YAML parser: {parser_kind}",
            _machine(),
            "command: qualplan validate bench.yaml",
            f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        ],
        options.write,
    )


def _machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return (
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def _report(lines: list[str], write: bool) -> None:
    report = "\n".join(lines)
    if write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        previous = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        RESULTS.write_text(previous + ("\n" if previous else "") + report + "\n", encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
