"""The bulk writer's references: on PostgreSQL checked by set (one locking statement per referenced table) instead
of a trigger per row — as strict as the database's own check, and holding the same lock until the commit."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from qingfeng.core.bulk import entries_table, references_known
from qingfeng.core.models import Entry
from tests.world import org

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the set check is PostgreSQL's")


def _row(org_id):
    return (org_id, NOW, "people.Person", 1, "import", None)


@pytest.mark.django_db(transaction=True)
def test_a_row_naming_an_organization_that_does_not_exist_writes_nothing():
    city = org("140100", "中共太原市委", level="市")
    with pytest.raises(IntegrityError), transaction.atomic():  # PostgreSQL refuses at the insert, SQLite at the commit
        entries_table(NOW).insert([_row(city.pk), _row(city.pk + 1000)], ids=False)
    assert Entry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_rows_with_good_references_are_written_and_the_triggers_are_on_again_afterwards():
    city = org("140100", "中共太原市委", level="市")
    district = org("140105", "中共小店区委", city, level="县(市、区)")
    with transaction.atomic():
        keys = entries_table(NOW).insert([_row(city.pk), _row(district.pk), _row(district.pk)])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('session_replication_role')")
                assert cursor.fetchone()[0] == "origin"  # a later delete in the same transaction is checked as ever
    assert sorted(Entry.objects.filter(pk__in=keys).values_list("org_id", flat=True)) == sorted(
        [city.pk, district.pk, district.pk])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_organization_referenced_by_an_import_cannot_be_deleted_until_it_commits():
    city = org("140100", "中共太原市委", level="市")
    settings = connection.settings_dict
    with transaction.atomic():
        entries_table(NOW).insert([_row(city.pk)], ids=False)
        other = psycopg.connect(dbname=settings["NAME"], host=settings["HOST"] or None, port=settings["PORT"] or None,
                                user=settings["USER"] or None, password=settings["PASSWORD"] or None, autocommit=True)
        try:
            # The lock the reference check took (FOR KEY SHARE) stops a delete (which needs FOR UPDATE's lock).
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM orgs_organization WHERE id = %s FOR UPDATE NOWAIT", [city.pk])
        finally:
            other.close()
    assert Entry.objects.filter(org=city).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_organization_whose_creation_was_rolled_back_to_a_savepoint_is_looked_up_again():
    city = org("140100", "中共太原市委", level="市")
    with pytest.raises(IntegrityError), transaction.atomic(), references_known():  # as an import writes
        try:
            with transaction.atomic():  # a savepoint: the district and the first entry naming it
                district = org("140105", "中共小店区委", city, level="县(市、区)")
                entries_table(NOW).insert([_row(district.pk)], ids=False)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        # The district is gone with its savepoint: naming it again is refused, not trusted from the first check.
        entries_table(NOW).insert([_row(city.pk), _row(district.pk)], ids=False)
    assert Entry.objects.count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_role_that_may_not_skip_triggers_has_each_row_checked_by_the_database():
    """Production's role is seldom a superuser: the COPY then fires the database's own checks (deferred to the
    commit), and the import behaves the same."""
    from qingfeng.core import bulk

    city = org("140100", "中共太原市委", level="市")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'qingfeng_test_plain'")
        if cursor.fetchone() is None:
            try:
                with transaction.atomic():
                    cursor.execute("CREATE ROLE qingfeng_test_plain NOLOGIN NOSUPERUSER")
            except DatabaseError:  # another test process made it meanwhile
                pass
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO qingfeng_test_plain")
        cursor.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO qingfeng_test_plain")
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ROLE qingfeng_test_plain")
                connection._qingfeng_may_skip_triggers = None  # asked again, as a new connection would
                assert bulk._may_skip_triggers(cursor) is False
            entries_table(NOW).insert([_row(city.pk)], ids=False)
        assert Entry.objects.filter(org=city).count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ROLE qingfeng_test_plain")
            entries_table(NOW).insert([_row(city.pk + 1000)], ids=False)  # refused at the commit, by the database
        assert Entry.objects.filter(org=city).count() == 1
    finally:
        connection._qingfeng_may_skip_triggers = None
