#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379 for the Celery worker test (tests/reports/test_celery_worker.py),
# installing redis-server as root if it is missing and starting it daemonized. `make run` never needs it.
set -euo pipefail
ping() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if command -v redis-cli >/dev/null 2>&1 && ping; then
  exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
  else
    echo "Redis is not installed: sudo apt-get install -y redis-server" >&2
    exit 1
  fi
fi
redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no
for _ in $(seq 1 30); do
  ping && exit 0
  sleep 1
done
echo "Redis did not start on 127.0.0.1:6379" >&2
exit 1
