"""`make bench`, load part: gunicorn and PostgreSQL under ten editors saving the same page at once, with a database
restart in the middle.

A private PostgreSQL instance (initdb in a temporary directory, a free loopback port, fsync off) so that restarting
it disturbs nobody else's database; the demo loaded into it; gunicorn serving the app on another loopback port
(DEBUG off, CONN_MAX_AGE 60 with health checks, as in production). Ten editors (five sessions of 王芳, five of 李强)
each open the narrative page and save it with a text of their own, again and again: pages opened before another
editor's save are stale, and the editor's revision check must refuse them with its conflict message (422). Halfway
through, the database is restarted (pg_ctl restart -m fast).

Reported and checked: saves acknowledged (302), conflicts (422), server errors (5xx or a dropped connection) while
the database was down and after it was back (must be 0), and lost writes (an acknowledged text missing from the
content history, must be 0); the section's revision must count every acknowledged save.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PASSWORD = "lukou-demo-2024"
CONFLICT = "您打开的页面已过期"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A throwaway cluster owned by the postgres user when we run as root (initdb refuses root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="lukou-load-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"
        )
        self.pg_ctl("start")

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-m",
            "fast",
            "-w",
            action,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self.pg_ctl("stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class FormFields(HTMLParser):
    """What the editor's form would post back: inputs, checked boxes, textareas and selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields[name] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


@dataclass
class Tally:
    saved: list[tuple[str, float]] = field(default_factory=list)
    conflicts: int = 0
    errors: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Editor:
    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.username = username
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form(self, path: str) -> dict[str, str]:
        status, page = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        parser = FormFields()
        parser.feed(page)
        return parser.fields

    def sign_in(self) -> None:
        fields = self.form("/accounts/login/")
        status, _ = self.request("/accounts/login/", {**fields, "username": self.username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"{self.username} could not sign in ({status})")


def edit(editor: Editor, number: int, path: str, saves: int, tally: Tally) -> None:
    for round_ in range(saves):
        started = time.monotonic()
        text = f"编辑{number}第{round_}次保存。"
        try:
            fields = editor.form(path)
            # A short think between opening and saving, as a person types: others save meanwhile.
            time.sleep(0.01)
            status, page = editor.request(path, {**fields, "narrative-problems": text})
        except (OSError, RuntimeError) as error:
            with tally.lock:
                tally.errors.append((started, str(error)[:120]))
            continue
        with tally.lock:
            if status == 302:
                tally.saved.append((text, started))
            elif status == 422 and CONFLICT in page:
                tally.conflicts += 1
            else:
                title = re.search(r"<title>(.*?)</title>", page, re.S)
                tally.errors.append((started, f"{status} {html.unescape(title.group(1)).strip() if title else ''}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--saves", type=int, default=100, help="saves per editor")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--no-restart", action="store_true", help="leave the database running throughout")
    options = parser.parse_args()

    postgres = PrivatePostgres()
    gunicorn = None
    try:
        postgres.start()
        subprocess.run(
            [
                *postgres.as_postgres,
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(postgres.port),
                "-U",
                "postgres",
                "lukou_load",
            ],
            check=True,
            timeout=60,
        )
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url("lukou_load"),
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "CONN_MAX_AGE": "60",
            "AXES_FAILURE_LIMIT": "1000",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0", "--noinput"], cwd=ROOT, env=env, check=True, timeout=300)
        subprocess.run(
            [*manage, "loaddemo", "--no-publish"], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True
        )
        port = free_port()
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(options.workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            # Its log (the 422s, the outage's tracebacks) would drown the summary; the responses are counted.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)

        os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="config.settings")
        os.environ.setdefault("SECRET_KEY", "bench")
        import django

        django.setup()
        from django.db import connections

        from evaluations.models import Evaluation, SectionRevision

        evaluation = Evaluation.objects.get(unit__name="株洲市渌口区科技和工业信息化局", year=2024)
        connections.close_all()
        path = f"/app/evaluations/{evaluation.pk}/edit/narrative/"
        editors = [Editor(base, "wangfang" if n % 2 == 0 else "liqiang") for n in range(options.editors)]
        for editor in editors:
            editor.sign_in()

        tally = Tally()
        total = options.editors * options.saves
        outage: list[float] = []

        def restart_halfway() -> None:
            while len(tally.saved) + tally.conflicts + len(tally.errors) < total // 2:
                time.sleep(0.05)
            outage.append(time.monotonic())
            postgres.pg_ctl("restart")
            outage.append(time.monotonic())

        threads = [
            threading.Thread(target=edit, args=(editor, n, path, options.saves, tally))
            for n, editor in enumerate(editors)
        ]
        restarter = None if options.no_restart else threading.Thread(target=restart_halfway, daemon=True)
        started = time.monotonic()
        if restarter:
            restarter.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        down, back = [*outage, 0.0, 0.0][:2] if outage else (0.0, 0.0)
        during = [e for e in tally.errors if outage and e[0] <= back]
        after = [e for e in tally.errors if not outage or e[0] > back]
        texts = {text for text, _ in tally.saved}
        recorded = set(Evaluation.history.filter(id=evaluation.pk).values_list("problems", flat=True))
        lost = sorted(texts - recorded)
        revision = SectionRevision.objects.get(evaluation=evaluation, section="narrative").revision
        workers = options.workers
        print(f"Load: {options.editors} editors × {options.saves} saves of the same page, gunicorn -w {workers}")
        print(f"  {total} attempts in {elapsed:.1f} s ({total / elapsed:.1f} saves/s attempted)")
        print(f"  saved (302): {len(tally.saved)}   conflicts (422, {CONFLICT}): {tally.conflicts}")
        if outage:
            print(f"  PostgreSQL restarted at {down - started:.1f} s, back after {back - down:.1f} s")
            print(f"  server errors while it restarted: {len(during)}")
        print(f"  server errors otherwise: {len(after)}" + (f" e.g. {after[:3]}" if after else ""))
        print(f"  lost writes (acknowledged, not in the history): {len(lost)}")
        print(
            f"  section revision {revision} for {len(tally.saved)} acknowledged saves "
            f"(committed but unacknowledged during the restart: {revision - len(tally.saved)})"
        )
        failed = (
            after
            or lost
            or tally.conflicts == 0
            or revision < len(tally.saved)
            or revision > len(tally.saved) + len(during)
        )
        print("  RESULT:", "FAIL" if failed else "ok")
        connections.close_all()
        if failed:
            sys.exit(1)
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        postgres.stop()


if __name__ == "__main__":
    main()
