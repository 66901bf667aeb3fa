"""An honest synthetic stand-in for the channel's daily views (the real series does not ship)."""

from __future__ import annotations

import numpy as np

# The weekly cycle of the 2021 table: views dip on Friday and Saturday.
_WEEKDAY = np.array([1.05, 1.10, 1.08, 1.02, 0.86, 0.84, 0.95])  # Monday … Sunday


def synthetic_views(rng, start="2017-01-01", end="2021-12-31"):
    r"""A synthetic daily-views series shaped like the lecture's channel. **Not real data.**

    The slides train on the channel's daily views of 2017–2020 and test on 2021;
    that series does not ship, so this generates a stand-in with the features the
    lecture talks about: a weekly cycle (the dip on Fridays and Saturdays seen in the
    2021 table), a slow upward trend, a yearly rhythm of the teaching terms,
    occasional bursts after an upload, and day-to-day noise that is correlated from
    one day to the next. Its level (a few thousand views a day) matches the tables
    of :func:`~reference.data.load_views`. Results on it show the *shape* of the lecture's results,
    not its numbers.

    .. math::

        \text{views}_t = \text{level}_t \cdot \text{term}_t \cdot \text{week}_t
                         \cdot \text{burst}_t \cdot e^{\epsilon_t},
        \qquad \epsilon_t = 0.6\,\epsilon_{t-1} + \mathcal{N}(0, 0.09^2)

    Concept: data.views.

    Parameters
    ----------
    rng : numpy.random.Generator
    start, end : str — the first and last date, inclusive (ISO ``YYYY-MM-DD``)

    Returns
    -------
    dict with ``date`` (``datetime64[D]``) and ``views`` (float64, whole numbers)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"synthetic_views: rng must be a numpy.random.Generator; got {type(rng).__name__}")
    date = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    if date.size < 1:
        raise ValueError(f"synthetic_views: end must not be before start; got {start} … {end}")
    t = np.arange(date.size)
    level = 3000.0 + 1.2 * t                                    # a growing channel
    day_of_year = (date - date.astype("datetime64[Y]")).astype(int)
    term = 1 + 0.18 * np.cos(2 * np.pi * (day_of_year - 100) / 365.25)
    weekday = (date.astype(int) + 3) % 7                       # 1970-01-01 was a Thursday
    week = _WEEKDAY[weekday]
    burst = np.ones(date.size)
    for t0 in np.flatnonzero(rng.random(date.size) < 1 / 45):  # an upload every ~6 weeks
        height = rng.exponential(0.6)
        tail = np.arange(date.size - t0)
        burst[t0:] += height * np.exp(-tail / 3.0)
    eps = np.empty(date.size)
    eps[0] = rng.normal(0, 0.09)
    shocks = rng.normal(0, 0.09, size=date.size)
    for i in range(1, date.size):
        eps[i] = 0.6 * eps[i - 1] + shocks[i]
    views = np.round(level * term * week * burst * np.exp(eps))
    return {"date": date, "views": views}
