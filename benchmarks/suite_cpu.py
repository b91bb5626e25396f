"""Where the test suite's time goes, in CPU seconds, and the least wall time it can take here.

Runs the whole suite as the README runs it (``pytest`` from the checkout, with the
``-n auto --dist worksteal`` of pyproject.toml) with ``suite_cpu_plugin`` loaded, and
measures the CPU time of everything it starts. Then it splits that CPU time into:

- **start-up**: the controller's own CPU and each worker's before its first test;
- **outside processes**: child processes reaped while a test ran (a fresh ``qualplan``
  interpreter, ``bash`` and ``git``, Chromium, Dask's worker processes) and those reaped when a
  worker exited (the MPXJ reader's Java VM, the fork server's forked solves);
- **the portfolio's proof**: ``qualplan check plans/shared-starter-lab.yaml --time-limit 90``
  run on its own, less a ``qualplan validate`` of the same file (start-up and load), which is
  the solve the bundled-plan tests pin (``tests/bundled_solves.py``);
- everything else: the tests' own CPU in the workers.

The first three do not shrink by making the in-process tests faster, so their sum divided
by the machine's cores is a floor for the suite's wall time as the tests are written.

    python benchmarks/suite_cpu.py [--write]

``--write`` records the result in benchmarks/results/suite_cpu.md. Run it on a quiet machine:
the load average is printed with the figures. The project machine's speed also drifts by up to a
third from minute to minute (the same loop took 1.9 and 2.6 CPU-s a few seconds apart), so a fixed
pure-Python loop is timed before the suite and after it, and the suite's CPU is also given in
units of that loop: compare runs by that ratio, not by seconds.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "suite_cpu.md"
PORTFOLIO = ROOT / "plans" / "shared-starter-lab.yaml"


def _portfolio_time_limit() -> str:
    """The portfolio's limit, from scripts/plans_table.py (plans/README.md and tests/bundled_solves.py use
    it too); scripts/ is no package, so the script is loaded by its path."""
    spec = importlib.util.spec_from_file_location("plans_table", ROOT / "scripts" / "plans_table.py")
    plans_table = sys.modules["plans_table"] = importlib.util.module_from_spec(spec)  # its dataclasses look it up
    spec.loader.exec_module(plans_table)
    return str(plans_table.PORTFOLIO_TIME_LIMIT)


PORTFOLIO_TIME_LIMIT = _portfolio_time_limit()


#: The reference loop: sums of squares, about 1 CPU-s on the project machine.
REFERENCE_LOOP = "sum(i * i for i in range(10_000_000))"


def reference_cpu() -> float:
    """CPU seconds of the reference loop in a fresh interpreter, less the interpreter's own start."""
    _, _, loop = run_measured([sys.executable, "-c", REFERENCE_LOOP])
    _, _, empty = run_measured([sys.executable, "-c", "pass"])
    return loop - empty


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], **options) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``command``; its wall seconds and the CPU seconds of it and everything it started."""
    before, began = children_cpu(), time.monotonic()
    done = subprocess.run(command, cwd=ROOT, check=False, **options)
    return done, time.monotonic() - began, children_cpu() - before


def run_suite(folder: Path) -> tuple[float, float]:
    environment = {
        **os.environ,
        "SUITE_CPU_DIR": str(folder),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "suite_cpu_plugin", "-p", "no:cacheprovider"]
    done, wall, cpu = run_measured(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the suite failed (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return wall, cpu


def portfolio_proof_cpu() -> tuple[float, float]:
    """CPU seconds of the portfolio's solve alone, and of the process around it."""
    qualplan = [sys.executable, "-m", "qualplan"]
    checked, _, with_solve = run_measured(
        [*qualplan, "check", str(PORTFOLIO), "--time-limit", PORTFOLIO_TIME_LIMIT, "--format", "json"],
        capture_output=True,
        text=True,
    )
    if '"proven": true' not in checked.stdout:
        sys.exit("the portfolio was not proved optimal within its limit: the measurement would not be its proof")
    _, _, without = run_measured([*qualplan, "validate", str(PORTFOLIO)], capture_output=True)
    return with_solve - without, without


def split(folder: Path, total: float) -> dict:
    """The suite's CPU by part (module docstring) and by test file."""
    records = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")}
    controller = records.pop("controller")
    workers = list(records.values())
    per_file: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    for worker in workers:
        for test in worker["tests"]:
            file = test["id"].split("::")[0]
            per_file[file][0] += test["own"]
            per_file[file][1] += test["children"]
    startup = controller["end"]["own"] + sum(worker["startup"] for worker in workers)
    in_tests_children = sum(children for _, children in per_file.values())
    reaped_at_exit = controller["end"]["children"] - sum(w["end"]["own"] + w["end"]["children"] for w in workers)
    tests_own = sum(own for own, _ in per_file.values())
    tests = [test for worker in workers for test in worker["tests"]]
    return {
        "tests": tests,
        "total": total,
        "startup": startup,
        "outside": in_tests_children + max(0.0, reaped_at_exit),
        "reaped_at_exit": reaped_at_exit,
        "tests_own": tests_own,
        "unaccounted": total - startup - tests_own - in_tests_children - reaped_at_exit,
        "per_file": dict(per_file),
    }


def report(
    parts: dict, wall: float, proof: float, proof_process: float, cores: int, load: str, reference: list[float]
) -> str:
    floor_cpu = parts["startup"] + parts["outside"] + proof
    rest = parts["tests_own"] - proof
    unit = sum(reference) / len(reference)
    lines = [
        "# The test suite's CPU time",
        "",
        f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}; "
        f"load average before the run: {load}.",
        f"The reference loop (`{REFERENCE_LOOP}`) took "
        + " and ".join(f"{seconds:.2f}" for seconds in reference)
        + f" CPU-s before and after the suite; its mean, {unit:.2f} s, is one unit below.",
        "",
        f"- wall: **{wall:.0f} s**; CPU of the whole run: **{parts['total']:.0f} s** "
        f"({parts['total'] / wall:.2f} cores busy on average), "
        f"**{parts['total'] / unit:.0f} units**",
        f"- start-up (controller, and each worker before its first test): {parts['startup']:.1f} s",
        f"- outside processes: {parts['outside']:.1f} s, of which {max(0.0, parts['reaped_at_exit']):.1f} s "
        "reaped when the workers exited (MPXJ's Java VM, the fork server's solves)",
        f"- the portfolio's proof: {proof:.1f} s (measured alone: `qualplan check` at "
        f"--time-limit {PORTFOLIO_TIME_LIMIT} less a `qualplan validate` of {proof_process:.1f} s)",
        f"- the tests' own CPU in the workers, without that proof: {rest:.1f} s",
        f"- not accounted for (worker shutdown, rounding): {parts['unaccounted']:.1f} s",
        "",
        f"**Floor**: start-up + outside processes + the portfolio's proof = {floor_cpu:.0f} CPU-s, "
        f"{floor_cpu / unit:.0f} units, so at least **{floor_cpu / cores:.0f} s** of wall time on {cores} cores "
        "even if every other test took no time at all.",
        "",
        *_marks(parts["tests"]),
        "",
        "| test file | own CPU s | children CPU s |",
        "|---|---:|---:|",
    ]
    ranked = sorted(parts["per_file"].items(), key=lambda item: -(item[1][0] + item[1][1]))
    for file, (own, children) in ranked:
        if own + children >= 0.5:
            lines.append(f"| `{file}` | {own:.1f} | {children:.1f} |")
    small = [values for _, values in ranked if sum(values) < 0.5]
    lines.append(f"| {len(small)} other files | {sum(v[0] for v in small):.1f} | {sum(v[1] for v in small):.1f} |")
    return "\n".join(lines) + "\n"


#: Above this much CPU a test should be marked ``slow`` (pyproject.toml's marker).
SLOW_CPU = 0.3


def _marks(tests: list[dict]) -> list[str]:
    """How the ``slow`` mark splits the tests, and the unmarked tests that have outgrown it."""
    slow = [test for test in tests if test["slow"]]
    fast = [test for test in tests if not test["slow"]]

    def cpu(group: list[dict]) -> float:
        return sum(test["own"] + test["children"] for test in group)

    lines = [
        f"The `slow` mark: {len(slow)} tests, {cpu(slow):.0f} CPU-s; the other {len(fast)} "
        f"(`pytest -m 'not slow'`), {cpu(fast):.0f} CPU-s in this run, plus each worker's start-up.",
    ]
    outgrown = sorted((test for test in fast if test["own"] + test["children"] > SLOW_CPU), key=lambda t: t["id"])
    if outgrown:
        lines.append(f"Unmarked tests over {SLOW_CPU} CPU-s here (the first test of a worker also pays imports):")
        lines += [f"- `{test['id']}`: {test['own'] + test['children']:.2f} s" for test in outgrown]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS.relative_to(ROOT)}")
    arguments = parser.parse_args()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    cores = os.cpu_count() or 1
    reference = [reference_cpu()]
    with tempfile.TemporaryDirectory(prefix="suite-cpu-") as folder:
        wall, total = run_suite(Path(folder))
        parts = split(Path(folder), total)
    proof, proof_process = portfolio_proof_cpu()
    reference.append(reference_cpu())
    text = report(parts, wall, proof, proof_process, cores, load, reference)
    print(text, end="")
    if arguments.write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
