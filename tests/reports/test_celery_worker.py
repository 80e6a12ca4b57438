"""A real Celery worker with the real Redis broker: 李强's publish request goes through Redis to a worker thread,
which renders, stores and records the version. Skipped where Redis is not running locally; in CI (env CI set)
Redis must be there, so a missing broker fails instead of hiding the test."""

from __future__ import annotations

import os
import time
import uuid

import redis
from django.test import TransactionTestCase

from config.celery import app
from evaluations.models import Evaluation, Membership, Publication, Unit
from reports import workflow
from reports.models import PublishJob
from tests.base import make_scoreable, make_user
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def forget_connections() -> None:
    # Earlier in-process (eager) runs opened pools to the memory broker, and Celery keeps them for the app's life.
    # It has no public way to drop them short of deregistering the app (close()), which a worker does after a fork.
    app._pool = None
    app.amqp._producer_pool = None


class CeleryWorkerTests(TemporaryPublicationsStore, TransactionTestCase):
    def setUp(self):
        if not redis_is_up():
            if os.environ.get("CI"):
                self.fail(f"Redis is not reachable at {REDIS_URL}; CI must run it (see Makefile: redis)")
            self.skipTest(f"Redis is not reachable at {REDIS_URL}")
        # A queue of this run's own: other workers on the same Redis never take its messages.
        queue = f"test-{uuid.uuid4().hex}"
        saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
        app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
        forget_connections()
        self.addCleanup(forget_connections)
        self.addCleanup(app.conf.update, saved)
        self.addCleanup(redis.Redis.from_url(REDIS_URL).delete, queue)

    def test_a_worker_publishes_what_the_head_asked_for(self):
        from celery.contrib.testing.worker import start_worker

        from reports.management.commands.loaddemo import build_seed_evaluation

        unit = Unit.objects.create(name="株洲市渌口区科技和工业信息化局", level="正科级行政单位")
        head = make_user("liqiang", "李强", unit, Membership.Role.HEAD)
        evaluation = make_scoreable(build_seed_evaluation(unit))
        Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.APPROVED)

        with fake_rendering(), start_worker(app, pool="threads", concurrency=2, perform_ping_check=False):
            job = workflow.request_publication(evaluation=evaluation, actor=head)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if not job.is_open:
                    break
                time.sleep(0.1)

        self.assertEqual((job.state, job.error), (PublishJob.State.DONE, ""))
        publication = Publication.objects.get(evaluation=evaluation)
        self.assertEqual(job.publication, publication)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Evaluation.Status.PUBLISHED)
