"""Running calls at the same moment from several threads, for the tests of row locks."""

import threading

from django.db import connection
from django.utils import translation


def in_threads(calls) -> list:
    """Run each call in its own thread, all released at once; return results or exceptions.
    Each thread closes its own database connection so the test database can be dropped."""
    barrier = threading.Barrier(len(calls))
    outcomes, lock = [], threading.Lock()

    def work(call):
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):  # the active language is per thread
                outcome = call()
        except Exception as error:  # collected and asserted on by the caller
            outcome = error
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
