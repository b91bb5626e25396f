"""Stopping a running command cleanly when the user asks (Ctrl-C, SIGTERM).

Signals are process-wide, so the request is too: ``request(signum)`` records it
(the CLI's signal handler calls it), every long-running piece of work either polls
``requested()`` / ``check()`` at safe points or registers a stop callback with
``on_request`` for as long as it runs (a CP-SAT solve registers its
``stop_search``), and the command unwinds with ``Interrupted``, which the CLI turns
into one line, ``qualplan: interrupted``, and exit code 130 (143 for SIGTERM).

Why not Python's default ``KeyboardInterrupt``: it is raised wherever the main
thread happens to be, including inside a solver callback that C++ is calling, and
CP-SAT then aborts the whole process (``std::bad_function_call``, exit 134). A
flag that the work polls, plus explicit stop callbacks, ends every solve within
its next propagation step instead, and the command decides where to stop.

Nothing here imports OR-Tools or installs a handler by itself: the CLI owns the
signal handlers (``install_handlers``), the library only reads the flag.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Exit codes by signal: 128 + the signal number, as shells report it.
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(Exception):
    """The user asked the command to stop (``signum`` is the signal that asked)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        self.signum = signum
        super().__init__(f"interrupted by signal {signum}")

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.signum, 128 + int(self.signum))


# Re-entrant: the signal handler calls ``request`` on the main thread, which may be
# inside ``on_request`` holding the lock at that moment.
_lock = threading.RLock()
_requested = threading.Event()
_signum: int = signal.SIGINT
_callbacks: dict[int, Callable[[], None]] = {}
_next_key = 0


def request(signum: int = signal.SIGINT) -> None:
    """Ask every running piece of work to stop; safe to call from a signal handler."""
    global _signum
    _signum = signum
    _requested.set()
    with _lock:
        callbacks = list(_callbacks.values())
    for callback in callbacks:
        with contextlib.suppress(Exception):  # a stop that fails must not hide the others
            callback()


def requested() -> bool:
    """Whether a stop was asked for."""
    return _requested.is_set()


def check() -> None:
    """Raise ``Interrupted`` if a stop was asked for (call at safe points of long work)."""
    if _requested.is_set():
        raise Interrupted(_signum)


def wait(timeout: float) -> bool:
    """Sleep up to ``timeout`` seconds, waking early on a stop request; True if one came."""
    return _requested.wait(timeout)


@contextlib.contextmanager
def on_request(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop`` if a stop is asked for while the block runs (at once if it already was)."""
    global _next_key
    with _lock:
        key = _next_key
        _next_key += 1
        _callbacks[key] = stop
    try:
        if _requested.is_set():
            stop()
        yield
    finally:
        with _lock:
            _callbacks.pop(key, None)


def run_stoppable(work: Callable[[], T], *, name: str, poll: float = 0.05) -> T:
    """``work()`` on a daemon thread, the calling thread looking at the stop request meanwhile.

    For long work that cannot poll by itself, such as numba compiling a kernel on the first
    run after an install (up to a minute on a loaded machine): a stop raises ``Interrupted``
    at once and the process leaves the thread behind. Errors of ``work`` are raised here.
    """
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as error:  # handed to the calling thread
            errors.append(error)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    while thread.is_alive():
        check()
        thread.join(poll)
    if errors:
        raise errors[0]
    return results[0]


def reset() -> None:
    """Forget a stop request (tests, and a library caller that handled ``Interrupted``)."""
    _requested.clear()


def install_handlers() -> None:
    """Route SIGINT and SIGTERM to ``request`` (CLI only: the main thread of the process).

    A second Ctrl-C while the command is already stopping raises ``KeyboardInterrupt``
    at once, so a stuck stop can still be forced.
    """

    def handle(signum: int, _frame: object) -> None:
        if _requested.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        request(signum)

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
