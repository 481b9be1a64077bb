"""Tests and intervals for proportions, written out so that each step can be checked.

Every function here works on counts, never on records, so the hand-worked examples in
``tests/analysis/test_compare.py`` can feed it textbook numbers directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: two-sided 95%: the 97.5th percentile of the standard normal distribution,
#: ``scipy.stats.norm.ppf(0.975)`` written out (SciPy loads on first test, not on import)
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class ZTest:
    """The result of a z-test: the statistic and its two-sided p-value."""

    z: float
    p_value: float


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (95% by default).

    Parameters
    ----------
    successes : int
        How many of the ``n`` answers were favourable.
    n : int
        The base. With ``n == 0`` there is no interval and ``None`` is returned.
    z : float
        The normal quantile; the default gives a 95% interval.

    Returns
    -------
    tuple of float or None
        ``(low, high)``, always inside ``[0, 1]`` (unlike the simple Wald interval,
        which is why we use Wilson for the small bases a children's service has).
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({successes} of {n})")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> ZTest | None:
    """Pooled two-proportion z-test of ``x1/n1`` against ``x2/n2`` (two-sided).

    Returns ``None`` when either base is empty or the pooled proportion is 0 or 1
    (every answer the same on both sides: there is no variation to test).
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    z = (x1 / n1 - x2 / n2) / se
    return ZTest(z, _two_sided_p(z))


def one_sample_z_test(x: int, n: int, p0: float) -> ZTest | None:
    """One-sample proportion z-test of ``x/n`` against a fixed share ``p0`` (two-sided).

    Used against an external benchmark, which comes without a base of its own.
    Returns ``None`` when ``n`` is 0 or ``p0`` is 0 or 1.
    """
    if n <= 0 or not 0 < p0 < 1:
        return None
    z = (x / n - p0) / math.sqrt(p0 * (1 - p0) / n)
    return ZTest(z, _two_sided_p(z))


def _two_sided_p(z: float) -> float:
    """The two-sided p-value of a standard normal statistic."""
    # SciPy loads on first use: the web app imports this module in every worker
    from scipy.stats import norm

    return float(2 * norm.sf(abs(z)))


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h, the effect size for a difference between two proportions.

    ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))``. Cohen's rule of thumb: about 0.2 is
    small, 0.5 medium, 0.8 large (see :func:`effect_size_label`).
    """
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def effect_size_label(h: float) -> str:
    """Cohen's words for ``|h|``: negligible, small, medium or large."""
    size = abs(h)
    if size < 0.2:
        return "negligible"
    if size < 0.5:
        return "small"
    return "medium" if size < 0.8 else "large"


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (controls the family-wise error rate).

    ``None`` entries (comparisons that could not be tested) stay ``None`` and do not
    count towards the number of tests.
    """
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values, or q-values (controls the false discovery rate).

    ``None`` entries stay ``None`` and do not count towards the number of tests.
    """
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        p, i = indexed[rank]
        running = min(running, p * m / (rank + 1))
        adjusted[i] = running
    return adjusted


CORRECTIONS = {"bh": benjamini_hochberg, "holm": holm}
