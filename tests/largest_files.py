"""The largest plan files the loader accepts, built to be slow: shared by the loader's tests and
``benchmarks/validate_speed.py --largest``, which measures how long they take (timing belongs in
the benchmark, not in a unit test on a shared machine)."""

from __future__ import annotations

HEAD = "qualplan: 1\nid: big\nstart: 2026-01-05\ntasks:\n"

#: name -> the body of the ``tasks:`` list
BODIES = {
    # the densest YAML under the size cap: too many nodes
    "dense-list": "[" + "1, " * 80_000 + "1]",
    # just under the node cap, and every item wrong
    "all-wrong": "[" + "x, " * 24_000 + "1]",
    # 1200 valid tasks in one dependency chain
    "many-tasks": "\n".join(f"- id: t{i}\n  duration: {i % 9 + 1}w\n  after: [t{i - 1}]" for i in range(1, 1200)),
}


def largest_file(name: str) -> str:
    """The plan text of one of ``BODIES``."""
    return HEAD + "\n".join("  " + line for line in BODIES[name].splitlines())
