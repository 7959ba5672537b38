#!/usr/bin/env bash
# The whole test suite on a fresh machine, as the README's test command and CI run it:
# installs what is missing (Debian's Chromium, npm packages), starts a local Elasticsearch
# node, runs `npm run check` (format, lint with the layer rules, typecheck, the production
# build, every jest suite, unused exports) and stops the node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export ONNXRUNTIME_NODE_INSTALL=skip

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
[[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java || -n "${ES_JAVA_HOME:-}" ]] ||
  need_apt+=(openjdk-17-jre-headless)
if ((${#need_apt[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing: ${need_apt[*]}; install them with apt-get (as root) and run again" >&2
    exit 1
  fi
  echo "==> installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi

started_es=0
if [[ -z "${ES_URL:-}" ]]; then
  echo "==> starting Elasticsearch (scripts/elasticsearch/start.sh)"
  bash scripts/elasticsearch/start.sh
  started_es=1
  export ES_URL="http://127.0.0.1:${ES_PORT:-9200}"
fi
stop_es() {
  if ((started_es == 1)); then bash scripts/elasticsearch/stop.sh || true; fi
}
trap stop_es EXIT

echo "==> npm run check (Elasticsearch at $ES_URL)"
npm run check
