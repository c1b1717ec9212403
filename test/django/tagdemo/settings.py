"""A minimal Django project that uses tagstore through raw SQL.

The database comes from the usual libpq environment: PGHOST, PGPORT, PGUSER.
"""
import os

SECRET_KEY = "tagstore-example-only"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ["things"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PGDATABASE", "tagdemo"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "HOST": os.environ.get("PGHOST", ""),
        "PORT": os.environ.get("PGPORT", ""),
    }
}
