#!/usr/bin/env bash
# Stops the node that start.sh started on $ES_PORT (default 9200): SIGTERM by pid, then waits for
# it to exit (SIGKILL after ES_STOP_TIMEOUT_S, default 60). Does nothing when it is not running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ES_STOP_TIMEOUT_S="${ES_STOP_TIMEOUT_S:-60}"

if [[ ! -f "$ES_PID_FILE" ]]; then
  echo "no elasticsearch pid file at $ES_PID_FILE; nothing to stop"
  exit 0
fi
pid="$(cat "$ES_PID_FILE")"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "elasticsearch (pid $pid) is not running"
  rm -f "$ES_PID_FILE"
  exit 0
fi
kill -TERM "$pid"
deadline=$((SECONDS + ES_STOP_TIMEOUT_S))
while kill -0 "$pid" 2>/dev/null; do
  if ((SECONDS >= deadline)); then
    echo "elasticsearch (pid $pid) still running after ${ES_STOP_TIMEOUT_S}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    break
  fi
  sleep 0.5
done
rm -f "$ES_PID_FILE"
echo "elasticsearch on port $ES_PORT stopped"
