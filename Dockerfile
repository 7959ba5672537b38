# The API service. Node 20 (better-sqlite3 12 and the 8.19 Elasticsearch client need no newer).
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    npm_config_onnxruntime_node_install=skip

# Dependencies first, so source edits reuse this layer. tsx (a dependency) runs the TypeScript.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

COPY tsconfig.json schema.graphql ./
COPY src ./src
COPY es-mappings ./es-mappings
COPY models ./models
COPY scripts ./scripts

# Model cache and data dir writable by the unprivileged user (named volumes inherit this).
RUN mkdir -p /app/models/cache /app/data && chown -R node:node /app/models/cache /app/data

USER node
EXPOSE 4000
CMD ["npm", "start"]
