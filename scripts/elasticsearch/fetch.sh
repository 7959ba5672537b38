#!/usr/bin/env bash
# Downloads the Elasticsearch integ-test-zip distribution from Maven Central with mvn and unzips it
# into <repo>/.es/. Idempotent: does nothing when that version is already unzipped.
# Usage: scripts/elasticsearch/fetch.sh   (ES_VERSION=8.19.x to pick another patch release)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ -x "$ES_DIST_HOME/bin/elasticsearch" ]]; then
  echo "elasticsearch $ES_VERSION already at $ES_DIST_HOME"
  exit 0
fi
command -v mvn >/dev/null || { echo "mvn is missing: apt-get install -y maven" >&2; exit 1; }
command -v unzip >/dev/null || { echo "unzip is missing: apt-get install -y unzip" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# dependency:copy (plugin 3.x) fetches one artifact into a folder, using ~/.m2 as a cache.
mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
  -DoutputDirectory="$work"
mkdir -p "$ES_DIST_DIR"
unzip -q "$work/elasticsearch-$ES_VERSION.zip" -d "$work/unzipped"
rm -rf "$ES_DIST_HOME"
mv "$work/unzipped/elasticsearch-$ES_VERSION" "$ES_DIST_HOME"
echo "elasticsearch $ES_VERSION unzipped to $ES_DIST_HOME; modules: $(ls "$ES_DIST_HOME/modules" | tr '\n' ' ')"
