# The API service, in two stages: `build` installs every dependency and compiles the TypeScript
# to dist/; the runtime image holds only production dependencies, compiled JavaScript and the
# few files the code reads at run time. Node 20 (better-sqlite3 12 and the 8.19 Elasticsearch
# client need no newer).

# The full image brings python3, make and g++ for native modules without a prebuilt binary
# (better-sqlite3 on an unusual platform); same Debian release as the runtime, so they run there.
FROM node:20-bookworm AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    npm_config_onnxruntime_node_install=skip

# Dependencies first, so source edits reuse this layer. --ignore-scripts keeps `prepare` from
# building before the sources are copied; `npm rebuild` then runs the dependencies' own install
# scripts (better-sqlite3's native binding).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts && npm rebuild

COPY tsconfig.json tsconfig.build.json schema.graphql ./
COPY es-mappings ./es-mappings
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim
# tini as PID 1: forwards SIGTERM/SIGINT to node (which then drains HTTP and closes the index)
# and reaps zombies; node itself is not written to run as PID 1.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# HOST: inside a container the service must listen on every interface to be reachable.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000

# Code and dependencies stay owned by root: the service cannot rewrite itself.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json schema.graphql ./
COPY models/catalog.json ./models/

# Model cache and data dir writable by the unprivileged user (named volumes inherit this).
RUN mkdir -p /app/models/cache /app/data && chown node:node /app/models/cache /app/data

USER node
EXPOSE 4000
# Ready means the model is loaded and the backend answers. No curl in the slim image: Node's
# fetch. The long start period covers the first start's model download (~600 MB).
HEALTHCHECK --interval=30s --timeout=5s --start-period=5m --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
