#!/usr/bin/env bash
# Shared settings for fetch.sh / start.sh / stop.sh. Sourced, not run.
#
# The distribution is Maven Central's org.elasticsearch.distribution.integ-test-zip, the only
# Elasticsearch build these machines can download. Its modules/ (8.19.21) holds only:
#   apm, transport-netty4, x-pack-core, x-pack-security
# What the service uses is all in the server core: dense_vector (int8_hnsw), nested + inner_hits,
# top-level knn, bool/term/range/multi_match (BM25), mget, bulk, aliases.
# It lacks, compared with the full distribution: lang-painless (no script_score), analysis-common
# (only the built-in `standard` analyzer family), reindex (no _reindex / update_by_query),
# x-pack-rank-rrf (no retriever.rrf: fusion happens in TypeScript), ingest-common, ML, Kibana
# plugins. `GET /` may be missing; health is read from /_cluster/health.
# x-pack-security is present, so xpack.security.enabled=false is a valid (and required) setting.

ES_VERSION="${ES_VERSION:-8.19.21}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Where fetch.sh unzips the distribution (gitignored).
ES_DIST_DIR="${ES_DIST_DIR:-$REPO_ROOT/.es}"
ES_DIST_HOME="$ES_DIST_DIR/elasticsearch-$ES_VERSION"
# The node runs from a copy outside root's home, owned by the unprivileged user.
ES_RUNTIME_DIR="${ES_RUNTIME_DIR:-/var/lib/pis-es}"
ES_HOME="$ES_RUNTIME_DIR/elasticsearch-$ES_VERSION"
ES_USER="${ES_USER:-elasticsearch}"
ES_PORT="${ES_PORT:-9200}"
# One data/log/pid folder per port, so two nodes (e.g. a CI run and a developer's) never share data.
ES_NODE_DIR="$ES_RUNTIME_DIR/node-$ES_PORT"
ES_PID_FILE="$ES_NODE_DIR/elasticsearch.pid"
ES_URL_LOCAL="http://127.0.0.1:$ES_PORT"

find_java17() {
  if [[ -n "${ES_JAVA_HOME:-}" ]]; then
    echo "$ES_JAVA_HOME"
    return
  fi
  local candidate
  for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-17-openjdk; do
    if [[ -x "$candidate/bin/java" ]]; then
      echo "$candidate"
      return
    fi
  done
  echo "no Java 17 found: install openjdk-17-jre-headless or set ES_JAVA_HOME" >&2
  return 1
}
