"""Search that stays fast (issue 15 §2): the phone and ID number keys, filled for the dossiers
already stored; the FTS5 index of the search text on SQLite, ``pg_trgm`` on PostgreSQL.

The SQL is frozen here; ``isogov.dossiers.search.ensure_search_index`` keeps the same objects in
place after later migrations (a SQLite table rebuild drops the triggers).
"""

from django.db import DatabaseError, migrations, models, transaction

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
TRIGGERS = (
    "CREATE TRIGGER dossiers_dossier_fts_insert AFTER INSERT ON dossiers_dossier BEGIN "
    "INSERT INTO dossiers_dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER dossiers_dossier_fts_delete AFTER DELETE ON dossiers_dossier BEGIN "
    "INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER dossiers_dossier_fts_update AFTER UPDATE OF search_text ON dossiers_dossier "
    "BEGIN INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO dossiers_dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def _digits(text):
    return "".join(ch for ch in text if ch in "0123456789")


def fill_keys(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    rows = Dossier.objects.only("pk", "applicant_phone", "applicant_id_number")
    for dossier in rows.iterator(chunk_size=2000):
        phone, id_number = _digits(dossier.applicant_phone)[-9:], _digits(dossier.applicant_id_number)
        if phone or id_number:
            Dossier.objects.filter(pk=dossier.pk).update(
                applicant_phone_key=phone, applicant_id_key=id_number
            )


def create_text_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(FTS)
            for sql in TRIGGERS:
                cursor.execute(sql)
            cursor.execute("INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(
                        "CREATE INDEX IF NOT EXISTS dossier_search_trgm ON dossiers_dossier "
                        "USING gin (search_text gin_trgm_ops)"
                    )
            except DatabaseError:  # the user may not create the extension: search scans
                pass


def drop_text_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS dossiers_dossier_fts_{name}")
            cursor.execute("DROP TABLE IF EXISTS dossiers_dossier_fts")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS dossier_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0010_dossier_access_token")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_id_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name="dossier",
            name="applicant_phone_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=9),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_phone_key"], name="dossier_phone_key"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_id_key"], name="dossier_id_key"),
        ),
        migrations.RunPython(create_text_index, drop_text_index),
    ]
