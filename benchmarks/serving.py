"""What the publishing and download benchmarks share: a throwaway PostgreSQL database, gunicorn and a Celery worker
as production runs them (deploy/), signed-in HTTP clients without a browser, and RSS read from /proc."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/lukou"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else os.environ.get("BENCH_PG_URL", DEFAULT_PG)


@contextlib.contextmanager
def throwaway_database(purpose: str) -> Iterator[str]:
    """A new PostgreSQL database on the configured server, dropped afterwards; yields its URL."""
    import psycopg2

    base = urlsplit(postgres_url())
    name = f"{base.path.lstrip('/') or 'lukou'}_bench_{purpose}_{os.getpid()}"
    admin = psycopg2.connect(urlunsplit(base._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(base._replace(path=f"/{name}"))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Site:
    """The environment gunicorn, the worker and this process share."""

    database_url: str
    folder: Path
    queue: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")
    port: int = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "bench",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            # Plain HTTP on loopback: in production nginx terminates TLS and the redirect never fires for a request
            # that reached gunicorn over HTTPS.
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.database_url,
            "PUBLICATIONS_ROOT": str(self.folder / "publications"),
            "STATIC_ROOT": str(self.folder / "static"),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_QUEUE": self.queue,
            "LOG_LEVEL": "ERROR",
            # As in production (deploy/env.example): one database connection per worker, not one per request.
            "CONN_MAX_AGE": "60",
        }
        env.update(extra)
        return env

    def setup_django(self) -> None:
        os.environ.update(self.env())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(site: Site, workers: int = 5) -> Iterator[subprocess.Popen]:
    site.port = free_port()
    (site.folder / "static").mkdir(exist_ok=True)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{site.port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=site.env(),
    )
    try:
        wait_for_port(site.port)
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def celery_worker(site: Site, concurrency: int) -> Iterator[subprocess.Popen]:
    # Niced like deploy/lukou-worker.service (Nice=10): renders yield the CPU to requests.
    process = subprocess.Popen(
        [
            "nice",
            "-n",
            "10",
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=site.env(CELERY_WORKER_CONCURRENCY=str(concurrency)),
    )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def signed_in_headers(user) -> dict[str, str]:
    """Cookies and CSRF header of a signed-in session for ``user``, made in the database as a sign-in would."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that signs people in (the first one listed, django-axes', only counts the attempts).
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # The CSRF secret itself (32 characters) is a valid token as well as a cookie value.
    csrf = secrets.token_hex(16)
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
    }


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                stat = stat_file.read()
            with open(f"/proc/{entry}/statm") as statm_file:
                resident = int(statm_file.read().split()[1]) * page
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = resident
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


@contextlib.contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def redis_is_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False
