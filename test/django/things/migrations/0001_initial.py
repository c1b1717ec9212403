from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        # tagstore is an extension: one statement makes it available
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS tagstore",
            reverse_sql="DROP EXTENSION IF EXISTS tagstore",
        ),
        migrations.CreateModel(
            name="Thing",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("slug", models.SlugField(unique=True)),
                ("name", models.CharField(max_length=100)),
            ],
        ),
    ]
