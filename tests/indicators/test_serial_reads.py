"""The facts' grouped reads run without PostgreSQL's parallel workers (store.serial), and give the connection's
planner back its default: the long scans of the raw records that follow on the same connection may still use them."""

import pytest
from django.db import connection, transaction

from qingfeng.indicators import store

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel workers are PostgreSQL's")


def workers(cursor) -> str:
    cursor.execute("SHOW max_parallel_workers_per_gather")
    return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_of_the_facts_plans_alone_and_gives_the_connection_back_as_it_was():
    with connection.cursor() as cursor:
        default = workers(cursor)  # the server's, or the connection's options
        assert default != "0"
        with store.serial(cursor):
            assert workers(cursor) == "0"
        assert workers(cursor) == default

        # a statement that fails inside still gives it back, and its own error is the one raised
        with pytest.raises(Exception, match="no_such_table"), store.serial(cursor):
            cursor.execute("SELECT * FROM no_such_table")
        assert workers(cursor) == default

        # inside a transaction: until the transaction ends
        with transaction.atomic():
            with store.serial(cursor):
                assert workers(cursor) == "0"
            assert workers(cursor) == "0"
        assert workers(cursor) == default
