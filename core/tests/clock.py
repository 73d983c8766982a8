"""The clock of a test: what "now" is while a block runs."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock


@contextmanager
def clock_at(moment: dt.datetime):
    """``django.utils.timezone.now()`` is ``moment`` inside the block.

    That is the time Django stamps (``auto_now_add``: a ledger entry's booking
    time) and the "now" of every service, so a test can book history on the
    days it names. Only the clock is replaced; the database is the real one.
    """
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
