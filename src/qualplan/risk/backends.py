"""Where the batches of a risk run execute: this process, local worker processes, or a Dask
cluster. Every backend runs the same batches (``batches.run_batch``) and the results are put
together by iteration index (``batches.merge``), so the numbers are the same for any number
of workers and either backend.

- ``local`` with one worker: batch after batch in this process;
- ``local`` with N workers: a ``concurrent.futures.ProcessPoolExecutor`` of N processes,
  each given the model once, at start-up. Under ``priority`` they are forked where the
  platform can: a forked worker starts with the compiled kernel this process has just
  loaded, where a spawned one imports qualplan and numba and loads the kernel again
  (about 1.5 s per worker on the project machine, longer than 10,000 iterations take).
  Under ``optimal`` they are spawned: a child forked from a process that has run CP-SAT
  would inherit its solver's global state, and there start-up is small beside the solves;
- ``dask``: a ``distributed.Client`` on the scheduler at ``--scheduler`` (given up on after
  ``--scheduler-timeout`` seconds), or on a ``LocalCluster`` of N single-threaded worker
  processes started here and stopped at the end. The model is scattered to every worker
  once; batches are submitted as tasks.

A stop request (Ctrl-C: ``qualplan.cancel``) is polled between batches: the local pool's
workers are told through an event (a running ``optimal`` solve stops at once, a ``priority``
batch ends within a fraction of a second), Dask futures are cancelled and a local cluster
shut down; then ``cancel.Interrupted`` goes up to the command.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qualplan import cancel
from qualplan.risk.batches import merge, run_batch, warm_up
from qualplan.risk.compiled import RiskModel
from qualplan.risk.stats import Collected

BACKENDS = ("local", "dask")
#: Seconds between two looks at finished batches and at a stop request.
POLL_SECONDS = 0.2
#: Batches per worker: enough to balance uneven batches and to show progress, few enough
#: that shipping results costs nothing.
BATCHES_PER_WORKER = 4
#: Bounds of a batch's size: (priority, optimal). A priority iteration takes well under a
#: millisecond, an optimal one up to its time limit.
BATCH_SIZE = {"priority": (50, 2000), "optimal": (1, 4)}
#: Seconds to wait for the scheduler at ``--scheduler`` before giving up (``--scheduler-timeout``):
#: a scheduler on the network answers in milliseconds, one that is not running never does;
#: Dask's own default (``distributed.comm.timeouts.connect``, 30 s) keeps a typo waiting longer.
SCHEDULER_TIMEOUT = 10.0


@dataclass(frozen=True)
class Execution:
    """How to run the batches: ``workers`` processes, on the ``local`` or ``dask`` backend;
    ``scheduler`` is a Dask scheduler address (``tcp://HOST:PORT``), None for a local cluster,
    and ``scheduler_timeout`` the seconds to wait for it to answer."""

    workers: int = 1
    backend: str = "local"
    scheduler: str | None = None
    scheduler_timeout: float = SCHEDULER_TIMEOUT


def batch_plan(iterations: int, policy: str, workers: int) -> list[tuple[int, int]]:
    """(first iteration, count) of every batch, in order."""
    low, high = BATCH_SIZE[policy]
    size = min(high, max(low, math.ceil(iterations / (BATCHES_PER_WORKER * max(workers, 1)))))
    return [(first, min(size, iterations - first)) for first in range(0, iterations, size)]


def simulate(
    model: RiskModel,
    *,
    iterations: int,
    seed: int,
    policy: str,
    time_limit: float,
    execution: Execution,
    progress: Callable[[int], None] | None = None,
) -> Collected:
    """Run ``iterations`` iterations; ``progress(done)`` after every finished batch."""
    if policy == "priority":
        warm_up(model)
    plan = batch_plan(iterations, policy, execution.workers)
    args = (policy, seed, time_limit)
    if execution.backend == "dask":
        parts = _dask(model, plan, args, execution, progress)
    elif execution.workers > 1:
        parts = _processes(model, plan, args, execution.workers, progress)
    else:
        parts = _in_process(model, plan, args, progress)
    return merge(parts, iterations, model)


def _in_process(model, plan, args, progress) -> list[tuple[int, Collected]]:
    policy, seed, time_limit = args
    parts = []
    done = 0
    for first, count in plan:
        cancel.check()
        parts.append((first, run_batch(model, policy, seed, first, count, time_limit)))
        done += count
        if progress is not None:
            progress(done)
    cancel.check()
    return parts


# --- local worker processes ------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _start_worker(model: RiskModel, stop: Any) -> None:
    """In each worker process: keep the model; let the parent, not Ctrl-C, stop it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl-C reaches the whole group
    _WORKER["model"] = model

    def watch() -> None:
        stop.wait()
        cancel.request()  # ends a running solve at its next step

    threading.Thread(target=watch, daemon=True).start()


def _worker_batch(policy: str, seed: int, first: int, count: int, time_limit: float) -> Collected:
    return run_batch(_WORKER["model"], policy, seed, first, count, time_limit)


def _processes(model, plan, args, workers, progress) -> list[tuple[int, Collected]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    fork = args[0] == "priority" and "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    stop = context.Event()
    parts: list[tuple[int, Collected]] = []
    done = 0
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(model, stop))
    try:
        futures = {pool.submit(_worker_batch, args[0], args[1], first, count, args[2]): first for first, count in plan}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=futures.__getitem__):
                part = future.result()
                parts.append((futures[future], part))
                done += part.dates.shape[0]
                if progress is not None:
                    progress(done)
            cancel.check()
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return parts


# --- Dask ------------------------------------------------------------------------------


class DaskUnavailable(Exception):
    """``--backend dask`` without the ``distributed`` package, or a scheduler that cannot be reached."""


def _dask(model, plan, args, execution: Execution, progress) -> list[tuple[int, Collected]]:
    client, cluster = _connect(execution)
    parts: list[tuple[int, Collected]] = []
    futures: dict[Any, int] = {}
    try:
        from distributed import wait

        shared = client.scatter(model, broadcast=True)
        for first, count in plan:
            future = client.submit(run_batch, shared, args[0], args[1], first, count, args[2], pure=False)
            futures[future] = first
        pending = list(futures)
        done = 0
        while pending:
            cancel.check()
            try:
                finished, not_done = wait(pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            except TimeoutError:  # distributed.wait raises when nothing finished in time
                continue
            for future in sorted(finished, key=futures.__getitem__):
                part = future.result()
                parts.append((futures[future], part))
                done += part.dates.shape[0]
                if progress is not None:
                    progress(done)
            pending = list(not_done)
        cancel.check()
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return parts


def _connect(execution: Execution):
    """A client on the given scheduler, or on a new local cluster (then also the cluster)."""
    try:
        import logging

        from distributed import Client, LocalCluster
    except ImportError as error:
        raise DaskUnavailable(
            "--backend dask needs the 'distributed' package: pip install 'qualplan[cluster]'"
        ) from error
    if execution.scheduler is not None:
        try:
            return Client(execution.scheduler, timeout=execution.scheduler_timeout), None
        except (OSError, TimeoutError) as error:
            raise DaskUnavailable(
                f"cannot reach the Dask scheduler at {execution.scheduler}: {error} "
                "(--scheduler-timeout SECONDS waits longer)"
            ) from error
    cluster = LocalCluster(
        n_workers=execution.workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # The scheduler's HTTP routes (health, metrics) on a free loopback port: on their default
        # 8787, taken by any other Dask cluster on the machine, Dask warns on stderr and moves.
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster
