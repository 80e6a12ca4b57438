"""The Celery application: `celery -A config worker` runs the tasks of reports.tasks (publishing, previews, bulk
exports, reminders). Its settings are the CELERY_* ones of config/settings.py; without a broker they run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("lukou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
