"""Leaner storage (issue 15 §4), without losing a fact:

- the steps' assignee is indexed only where a step has one (most never do): the plain foreign
  key index is dropped in place (on SQLite, altering the field would copy the whole steps
  table) and a partial index ``dossierstep_assigned`` takes its place;
- the dossier's appointment (``due_at``) is no longer indexed alone nor after the agency: no
  query reads either index (the overdue lists read ``dossier_open_due``, which holds the open
  dossiers only), and SQLite, without statistics, could choose them and walk every dossier;
- SQLite only: the FTS5 table of the search text keeps no word positions (``detail=none``):
  the search asks only whether a dossier holds each word, never for phrases or positions, and
  the index is about half the size. The prefix indexes now cover word starts of two to five
  characters (``"cong"* "thiet"*``): without positions, FTS5 merges the entries of every word
  with a longer start slowly, and with them every word of a typed name is read from one list.
  A virtual table's options cannot be altered, so it is created again and rebuilt from the
  dossiers; the triggers that keep it in step name it and stay.

The SQL is frozen here; ``isogov.dossiers.search.ensure_search_index`` keeps the same table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSITIONS = (
    "CREATE VIRTUAL TABLE dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
    "prefix='2 3')"
)
NO_POSITIONS = (
    "CREATE VIRTUAL TABLE dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
    "prefix='2 3 4 5', detail=none)"
)
# (index, table, column) of the foreign key's and the field's own indexes, as Django named them.
PLAIN_INDEXES = (
    ("dossiers_dossierstep_assignee_id_c27180a3", "dossiers_dossierstep", "assignee_id"),
    ("dossiers_dossier_due_at_2da8b5e9", "dossiers_dossier", "due_at"),
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
    dependencies = [
        ("accounts", "0007_merge_api_keys_and_api_tokens"),
        ("dossiers", "0028_unfinished_live_and_stopped_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Both plain indexes dropped in place; the fields' new state says they are not indexed.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossierstep",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="officer",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="due_at",
                    field=models.DateTimeField(
                        blank=True, null=True, verbose_name="legal appointment"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for name, table, column in PLAIN_INDEXES
            ],
        ),
        migrations.RemoveIndex(model_name="dossier", name="dossiers_do_agency__917a12_idx"),
        migrations.AddIndex(
            model_name="dossierstep",
            index=models.Index(
                condition=models.Q(("assignee__isnull", False)),
                fields=["assignee"],
                name="dossierstep_assigned",
            ),
        ),
        migrations.RunPython(_recreate(NO_POSITIONS), _recreate(POSITIONS)),
    ]
