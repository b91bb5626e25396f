"""Counter-based random numbers: iteration ``i`` draws from a stream of ``(seed, i)`` alone.

Every number of a risk run is a hash of ``(seed, iteration, task, run, purpose)``
(splitmix64's finaliser, applied once per part), turned into a float in [0, 1)
with 53 random bits. No generator state is carried from one draw to the next,
so an iteration gives the same numbers whichever worker, batch or backend runs
it, and a task's draws do not shift when another task is added or changed.

``kernel.py`` holds the compiled copy of these functions (numba cannot call
Python); ``tests/test_risk_kernel.py`` checks that both give the same numbers.
"""

from __future__ import annotations

import math
from fractions import Fraction

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MIX_ONE = 0xBF58476D1CE4E5B9
MIX_TWO = 0x94D049BB133111EB
#: 2**-53: a 53-bit integer times this is a float in [0, 1), exactly.
UNIT = 1.0 / (1 << 53)


def mix(value: int) -> int:
    """splitmix64's step and finaliser: a bijection of 64-bit integers that scatters every bit."""
    z = (value + GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * MIX_ONE) & MASK
    z = ((z ^ (z >> 27)) * MIX_TWO) & MASK
    return z ^ (z >> 31)


def uniform(seed: int, iteration: int, task: int, run: int, purpose: int) -> float:
    """The number in [0, 1) for one draw: ``task`` is the task's index in plan order, ``run``
    the 0-based run, ``purpose`` which draw of that run (``spec.DRAW_*``)."""
    h = mix(seed & MASK)
    h = mix(h ^ iteration)
    h = mix(h ^ task)
    h = mix(h ^ ((run << 32) | purpose))
    return (h >> 11) * UNIT


def triangular_days(u: float, low: float, likely: float, high: float) -> int:
    """The triangular (low, likely, high) quantile at ``u``, rounded up to whole days, at least 1."""
    if high == low:
        x = low
    elif u < (likely - low) / (high - low):
        x = low + math.sqrt(u * (high - low) * (likely - low))
    else:
        x = high - math.sqrt((1.0 - u) * (high - low) * (high - likely))
    return max(1, math.ceil(x))


def failed_days(length: int, found_after: Fraction) -> int:
    """Days a failing run of ``length`` days lasts: ``found_after`` of it, rounded up, at least 1."""
    return max(1, -(-length * found_after.numerator // found_after.denominator))
