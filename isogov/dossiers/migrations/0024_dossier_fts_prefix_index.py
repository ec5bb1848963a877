"""The FTS5 index of the search text with prefix indexes of two and three characters (issue 15
§2): a query's words are matched as word prefixes (``"le"* "thi"* "lan"*``), and without a
prefix index FTS5 merges the entries of every word that starts so (at 1,000,000 dossiers, 37 ms
of CPU for that match; with it, ~10 ms). SQLite only: a virtual table's options cannot be
altered, so it is created again and rebuilt from the dossiers; the triggers that keep it in step
name it and stay. PostgreSQL has nothing to do here.

The SQL is frozen here; ``isogov.dossiers.search.ensure_search_index`` keeps the same table.
"""

from django.db import migrations

PLAIN = (
    "CREATE VIRTUAL TABLE dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
PREFIXED = (
    "CREATE VIRTUAL TABLE dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
    "prefix='2 3')"
)


def _recreate(sql):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS dossiers_dossier_fts")
            cursor.execute(sql)
            cursor.execute(
                "INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts) VALUES ('rebuild')"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0023_dossier_stopped_at_fill")]

    operations = [migrations.RunPython(_recreate(PREFIXED), _recreate(PLAIN))]
