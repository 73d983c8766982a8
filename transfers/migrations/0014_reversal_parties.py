"""A reversal carries its payment's grantor and beneficiary (the regional scope
asks them without the payment), filled from the payments for the reversals made
before. Filled while the audit triggers are off (they are made again after), so
the fill writes no events of its own."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE transfers_reversal r SET grantor_id = p.grantor_id, beneficiary_id = p.beneficiary_id
FROM transfers_sharingpayment p WHERE p.id = r.payment_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0018_person_region_probe_index'),
        ('transfers', '0013_payment_fewer_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='reversal',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='reversal',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='reversal',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='reversal',
            name='beneficiary',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.insuredperson', verbose_name='beneficiary'),
        ),
        migrations.AddField(
            model_name='reversal',
            name='grantor',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.insuredperson', verbose_name='grantor'),
        ),
        migrations.AddField(
            model_name='reversalevent',
            name='beneficiary',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='accounts.insuredperson', verbose_name='beneficiary'),
        ),
        migrations.AddField(
            model_name='reversalevent',
            name='grantor',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='accounts.insuredperson', verbose_name='grantor'),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='reversal',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "transfers_reversalevent" ("beneficiary_id", "grantor_id", "id", "ledger_entry_id", "payment_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "review_note", "reviewed_at", "reviewed_by_id", "status") VALUES (NEW."beneficiary_id", NEW."grantor_id", NEW."id", NEW."ledger_entry_id", NEW."payment_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."reason", NEW."requested_at", NEW."requested_by_id", NEW."review_note", NEW."reviewed_at", NEW."reviewed_by_id", NEW."status"); RETURN NULL;', hash='3c0fb4381339d26508d8b7ea8e8e69fe3e1ff12d', operation='INSERT', pgid='pgtrigger_insert_insert_621e9', table='transfers_reversal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='reversal',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "transfers_reversalevent" ("beneficiary_id", "grantor_id", "id", "ledger_entry_id", "payment_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "review_note", "reviewed_at", "reviewed_by_id", "status") VALUES (NEW."beneficiary_id", NEW."grantor_id", NEW."id", NEW."ledger_entry_id", NEW."payment_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."reason", NEW."requested_at", NEW."requested_by_id", NEW."review_note", NEW."reviewed_at", NEW."reviewed_by_id", NEW."status"); RETURN NULL;', hash='aa7d1b37af7820e6b18ccb813d0aa57bdef503f9', operation='UPDATE', pgid='pgtrigger_update_update_3380b', table='transfers_reversal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='reversal',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "transfers_reversalevent" ("beneficiary_id", "grantor_id", "id", "ledger_entry_id", "payment_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "review_note", "reviewed_at", "reviewed_by_id", "status") VALUES (OLD."beneficiary_id", OLD."grantor_id", OLD."id", OLD."ledger_entry_id", OLD."payment_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."reason", OLD."requested_at", OLD."requested_by_id", OLD."review_note", OLD."reviewed_at", OLD."reviewed_by_id", OLD."status"); RETURN NULL;', hash='3bbcb796180fa902fb7c478f04465e46be4a2c96', operation='DELETE', pgid='pgtrigger_delete_delete_4cfd4', table='transfers_reversal', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='reversal',
            constraint=models.CheckConstraint(condition=models.Q(('beneficiary__isnull', False), ('grantor__isnull', False)), name='reversal_has_parties'),
        ),
    ]
