"""Ticket codes: every registration gets one (each existing row its own), then unique."""

from django.db import migrations, models

import events.tickets


def give_codes(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    used = set()
    for registration in Registration.objects.filter(ticket_code__isnull=True).only("pk"):
        code = events.tickets.new_ticket_code()
        while code in used:
            code = events.tickets.new_ticket_code()
        used.add(code)
        Registration.objects.filter(pk=registration.pk).update(ticket_code=code)


class Migration(migrations.Migration):
    dependencies = [("events", "0009_merge_help_texts_and_messages")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="ticket_code",
            field=models.CharField(max_length=8, null=True, editable=False),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="registration",
            name="ticket_code",
            field=models.CharField(
                default=events.tickets.new_ticket_code,
                editable=False,
                help_text="The code on the ticket, scanned or typed at the door (confirmed only).",
                max_length=8,
                unique=True,
                verbose_name="ticket code",
            ),
        ),
    ]
