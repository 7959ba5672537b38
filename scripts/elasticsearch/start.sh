#!/usr/bin/env bash
# Starts a single-node Elasticsearch on 127.0.0.1:$ES_PORT (default 9200) as an unprivileged user,
# daemonized with a pid file, and waits until /_cluster/health is yellow or green.
# Runs fetch.sh first when the distribution is missing. Must run as root (it creates the user).
# Env: ES_PORT, ES_VERSION, ES_RUNTIME_DIR (default /var/lib/pis-es), ES_JAVA_HOME,
#      ES_HEAP (default 1g), ES_START_TIMEOUT_S (default 120).
# Arguments are passed on as extra settings, e.g. start.sh -Eindices.memory.index_buffer_size=40%
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ES_HEAP="${ES_HEAP:-1g}"
ES_START_TIMEOUT_S="${ES_START_TIMEOUT_S:-120}"

health_ok() {
  curl -fsS --max-time 2 "$ES_URL_LOCAL/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

if [[ -f "$ES_PID_FILE" ]] && kill -0 "$(cat "$ES_PID_FILE")" 2>/dev/null && health_ok; then
  echo "elasticsearch already running at $ES_URL_LOCAL (pid $(cat "$ES_PID_FILE"))"
  exit 0
fi
if health_ok; then
  echo "something else already serves Elasticsearch at $ES_URL_LOCAL; not starting another" >&2
  exit 1
fi

[[ -x "$ES_DIST_HOME/bin/elasticsearch" ]] || "$(dirname "${BASH_SOURCE[0]}")/fetch.sh"
java_home="$(find_java17)"

# Elasticsearch refuses to run as root: a system user owns its copy, data and logs.
if ! id "$ES_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir "$ES_RUNTIME_DIR" --shell /usr/sbin/nologin "$ES_USER"
fi
mkdir -p "$ES_RUNTIME_DIR" "$ES_NODE_DIR/data" "$ES_NODE_DIR/logs"
# The repo may sit under paths the user cannot read, so the node runs from its own copy.
if [[ ! -x "$ES_HOME/bin/elasticsearch" ]]; then
  cp -a "$ES_DIST_HOME" "$ES_HOME.tmp"
  mv "$ES_HOME.tmp" "$ES_HOME"
fi
chown -R "$ES_USER:" "$ES_HOME" "$ES_NODE_DIR"
rm -f "$ES_PID_FILE"

# Loopback + single-node keeps the production bootstrap checks (vm.max_map_count etc.) off.
# The disk threshold is off because shared build machines often have nearly full disks.
runuser -u "$ES_USER" -- env ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
  "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID_FILE" \
  -Ediscovery.type=single-node \
  -Enetwork.host=127.0.0.1 \
  -Ehttp.port="$ES_PORT" \
  -Ecluster.name="pis-es-$ES_PORT" \
  -Epath.data="$ES_NODE_DIR/data" \
  -Epath.logs="$ES_NODE_DIR/logs" \
  -Ecluster.routing.allocation.disk.threshold_enabled=false \
  -Expack.security.enabled=false \
  "$@" \
  >"$ES_NODE_DIR/logs/startup.out" 2>&1 || {
  echo "elasticsearch failed to start; see $ES_NODE_DIR/logs/startup.out" >&2
  tail -n 20 "$ES_NODE_DIR/logs/startup.out" >&2
  exit 1
}

deadline=$((SECONDS + ES_START_TIMEOUT_S))
until health_ok; do
  if [[ -f "$ES_PID_FILE" ]] && ! kill -0 "$(cat "$ES_PID_FILE")" 2>/dev/null; then
    echo "elasticsearch exited during start-up; see $ES_NODE_DIR/logs" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "elasticsearch not healthy after ${ES_START_TIMEOUT_S}s; see $ES_NODE_DIR/logs" >&2
    exit 1
  fi
  sleep 1
done
echo "elasticsearch $ES_VERSION ready at $ES_URL_LOCAL (pid $(cat "$ES_PID_FILE"))"
