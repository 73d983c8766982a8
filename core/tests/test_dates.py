"""Local days as instants (the hall is in Asia/Shanghai, UTC+8, no summer time)."""

import datetime as dt

from core.dates import local_days, local_moment

UTC = dt.UTC


def test_oracle_one_local_day_starts_at_16_utc_the_day_before():
    assert local_days(dt.date(2025, 3, 10)) == (
        dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC),
        dt.datetime(2025, 3, 10, 16, 0, tzinfo=UTC),
    )


def test_oracle_a_period_ends_at_the_start_of_the_day_after_its_last_day():
    assert local_days(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == (
        dt.datetime(2024, 1, 31, 16, 0, tzinfo=UTC),
        dt.datetime(2024, 2, 29, 16, 0, tzinfo=UTC),
    )


def test_oracle_a_local_moment_at_six_is_22_utc_the_day_before():
    assert local_moment(dt.date(2025, 1, 1), dt.time(6, 0)) == dt.datetime(
        2024, 12, 31, 22, 0, tzinfo=UTC
    )
