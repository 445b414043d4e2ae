"""On PostgreSQL, the database itself refuses to change or delete a moderation decision.

The model already refuses save-on-update and delete; the trigger also covers raw SQL, bulk
``QuerySet.update()``/``delete()`` and the admin. SQLite (local development) has no such
trigger: the operation is a no-op there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION proposals_moderationdecision_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A moderation decision cannot be changed or deleted (%).', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS proposals_moderationdecision_immutable ON proposals_moderationdecision;
CREATE TRIGGER proposals_moderationdecision_immutable
    BEFORE UPDATE OR DELETE ON proposals_moderationdecision
    FOR EACH ROW EXECUTE FUNCTION proposals_moderationdecision_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS proposals_moderationdecision_immutable ON proposals_moderationdecision;
DROP FUNCTION IF EXISTS proposals_moderationdecision_immutable();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # no interpolation: the SQL holds a %


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_proposal_moderation_fields_comment_support"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
