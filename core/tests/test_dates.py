"""Local days as instants (the hall is in Asia/Shanghai, UTC+8, no summer time)."""

import datetime as dt

from core.dates import local_aware, local_date, local_days, local_moment, local_today

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


def test_oracle_the_local_day_of_an_instant_begins_at_16_utc():
    assert local_date(dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC)) == dt.date(2025, 3, 10)
    assert local_date(dt.datetime(2025, 3, 9, 15, 59, 59, tzinfo=UTC)) == dt.date(2025, 3, 9)


def test_oracle_today_is_the_day_eight_hours_ahead_of_utc():
    before = (dt.datetime.now(UTC) + dt.timedelta(hours=8)).date()
    today = local_today()
    after = (dt.datetime.now(UTC) + dt.timedelta(hours=8)).date()
    assert today in {before, after}


def test_oracle_a_time_without_a_zone_is_local_and_an_aware_one_is_kept():
    assert local_aware(dt.datetime(2025, 3, 10, 8, 0)) == dt.datetime(2025, 3, 10, 0, 0, tzinfo=UTC)
    moment = dt.datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    assert local_aware(moment) is moment
