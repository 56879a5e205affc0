"""ApprovalEvent moves to the ledger app (fms.ledger): in Django's state only. The table, its rows,
constraints and triggers stay where they are; fms/ledger/migrations/0001 takes the model over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_reference_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="approvalevent",
                    name="approvalevent_feed_order",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalevent",
                    name="approvalevent_unique_seq_per_case",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalevent",
                    name="approvalevent_chain_does_not_fork",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalevent",
                    name="approvalevent_seq_positive",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalevent",
                    name="approvalevent_action_valid",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalevent",
                    name="approvalevent_hashes_are_sha256_hex",
                ),
                migrations.DeleteModel(
                    name="ApprovalEvent",
                ),
            ],
            database_operations=[],
        ),
    ]
