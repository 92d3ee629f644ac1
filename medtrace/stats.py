"""Robust statistics for the consumption alerts (pure Python, no Odoo).

A department's weekly use counts are compared with its own recent weeks through the
median and the median absolute deviation (MAD): a steady large consumer is not
flagged, a sudden jump is."""

from statistics import median

#: makes the MAD a consistent estimator of the standard deviation for normal data
MAD_SCALE = 1.4826


def mad(values):
    """The median absolute deviation of ``values`` (0.0 for an empty sequence)."""
    values = list(values)
    if not values:
        return 0.0
    centre = median(values)
    return float(median(abs(v - centre) for v in values))


def robust_zscore(history, current):
    """How many (robust) standard deviations ``current`` is above the median of
    ``history``; ``None`` when the history is empty.  A history without spread uses a
    spread of 1 unit so that a jump from a constant level still scores."""
    history = list(history)
    if not history:
        return None
    centre = median(history)
    spread = MAD_SCALE * mad(history) or 1.0
    return (current - centre) / spread


def is_abnormal(history, current, threshold=3.5, min_weeks=4, min_excess=3):
    """Whether ``current`` (this week's count) is abnormally high for ``history`` (the
    previous weeks' counts): at least ``min_weeks`` of history, a robust z-score above
    ``threshold`` and at least ``min_excess`` units above the median."""
    history = list(history)
    if len(history) < min_weeks:
        return False
    if current - median(history) < min_excess:
        return False
    return robust_zscore(history, current) > threshold
