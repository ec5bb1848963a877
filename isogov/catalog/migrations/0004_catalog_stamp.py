"""The catalogue stamp: a token the database replaces on every change an intake plan reads.

``isogov.catalog.intake`` keeps intake plans in memory keyed by this token (ADR 0005). Triggers,
not application code, replace it, so a change through the admin, an import, ``bulk_create``,
``QuerySet.update`` or raw SQL is seen just the same. The token is random, so a rolled-back
change can never bring an old plan back.
"""

from django.db import migrations, models

# Frozen here on purpose. isogov.catalog.stamps keeps them in place after later migrations.
TABLES = (
    "catalog_procedure",
    "catalog_procedureversion",
    "catalog_procedurechannel",
    "catalog_feeitem",
    "catalog_paper",
    "catalog_internalprocess",
    "catalog_internalprocess_versions",
    "catalog_processstep",
    "catalog_agencyprocedure",
    "accounts_unit",
)
OPERATIONS = ("INSERT", "UPDATE", "DELETE")

SQLITE_TOUCH = (
    "INSERT OR REPLACE INTO catalog_catalogstamp (id, value) VALUES (1, lower(hex(randomblob(16))))"
)
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION isogov_catalog_touch() RETURNS trigger AS $$
BEGIN
    INSERT INTO catalog_catalogstamp (id, value)
    VALUES (1, replace(gen_random_uuid()::text, '-', ''))
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _sqlite_up():
    for table in TABLES:
        for operation in OPERATIONS:
            yield (
                f"CREATE TRIGGER {table}_stamp_{operation.lower()} AFTER {operation} ON {table} "
                f"FOR EACH ROW BEGIN {SQLITE_TOUCH}; END"
            )
    yield SQLITE_TOUCH


def _sqlite_down():
    for table in TABLES:
        for operation in OPERATIONS:
            yield f"DROP TRIGGER IF EXISTS {table}_stamp_{operation.lower()}"


def _postgres_up():
    yield POSTGRES_FUNCTION
    for table in TABLES:
        # One run per statement, not per row: an import of thousands of rows replaces it once.
        yield (
            f"CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION isogov_catalog_touch()"
        )
    yield (
        "INSERT INTO catalog_catalogstamp (id, value) "
        "VALUES (1, replace(gen_random_uuid()::text, '-', '')) ON CONFLICT (id) DO NOTHING"
    )


def _postgres_down():
    for table in TABLES:
        yield f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}"
    yield "DROP FUNCTION IF EXISTS isogov_catalog_touch()"


def _run(by_vendor):
    def run(apps, schema_editor):
        statements = by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no catalogue stamp triggers for {schema_editor.connection.vendor}")
        for statement in statements():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0003_relabel_channel_and_review_status"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogStamp",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("value", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "catalogue stamp",
                "verbose_name_plural": "catalogue stamps",
            },
        ),
        migrations.RunPython(
            _run({"sqlite": _sqlite_up, "postgresql": _postgres_up}),
            _run({"sqlite": _sqlite_down, "postgresql": _postgres_down}),
        ),
    ]
