"""Real threads for the concurrency tests: the races happen in PostgreSQL, not in mocks."""

import threading

from django.db import connections


def run_at_once(*calls):
    """Run each call in its own thread, released together by a barrier.

    Returns, in the order of ``calls``, each call's result or the exception it
    raised, so a test asserts what every racer saw. Each thread closes its
    database connections when done: Django opens one per thread, and a
    transactional test's flush would wait on one left open.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:  # the test asserts what was raised
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
