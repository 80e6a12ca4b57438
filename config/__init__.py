# Loaded with Django so that @shared_task binds to this app (and its settings) in web processes and commands too.
from .celery import app as celery_app

__all__ = ("celery_app",)
