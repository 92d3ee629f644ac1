import pytest

from medtrace.stats import is_abnormal, mad, robust_zscore


def test_mad_and_zscore():
    assert mad([]) == 0.0
    assert mad([1, 2, 3, 4, 100]) == 1.0  # the outlier does not inflate the spread
    assert robust_zscore([], 5) is None
    assert robust_zscore([10, 10, 10], 13) == pytest.approx(3.0)  # no spread: 1 unit
    assert robust_zscore([8, 10, 12, 10, 10], 10) == 0.0


def test_steady_large_consumer_is_not_flagged():
    history = [200, 210, 190, 205, 198, 202, 207, 195]
    assert not is_abnormal(history, 212)


def test_sudden_jump_is_flagged():
    history = [5, 6, 4, 5, 6, 5, 4, 5]
    assert is_abnormal(history, 25)


def test_small_or_short_histories_are_not_flagged():
    assert not is_abnormal([0, 0, 0, 0], 2), "a jump of 2 units is noise"
    assert not is_abnormal([5, 5], 50), "two weeks are no baseline"
    assert is_abnormal([0, 0, 0, 0], 10)
