# syntax=docker/dockerfile:1
# Alliance as a container: a build stage compiles the app and its native module, a slim runtime
# stage holds the production dependencies and dist/ only, and runs as an unprivileged user.
#   docker build -t alliance .
#   docker run --env-file .env -v alliance-data:/data -p 3000:3000 alliance
# compose.yaml is a Socket Mode example. With podman or buildah, build with `--format docker`:
# the OCI format has no HEALTHCHECK and they drop it.

ARG NODE_VERSION=20

# ---- build ----------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 downloads a prebuilt binary when it can, and compiles SQLite otherwise: that
# needs python3, make and g++.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so a change to the sources does not reinstall them. No scripts yet: the
# project's own `prepare` (the build) needs the sources; better-sqlite3's install script runs next.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3

# Compile, drop the development dependencies, and what compiling better-sqlite3 left beside
# its binary (not needed to run it).
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
    node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
    node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/build/Release/sqlite3.a \
    node_modules/better-sqlite3/build/Release/test_extension.node node_modules/better-sqlite3/build/deps

# ---- runtime --------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# The digest chart's text is drawn with DejaVu Sans; a slim image has no fonts at all, and without
# fontconfig's configuration the renderer finds none (the chart's text would be left out).
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-dejavu-core fontconfig-config \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  NPM_CONFIG_UPDATE_NOTIFIER=false \
  PORT=3000 \
  DATABASE_PATH=/data/alliance.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations

# The database lives on a volume, owned by the unprivileged `node` user of the base image.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node

# /healthz on PORT in both modes (HTTP mode also serves /slack/events there).
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node itself is the main process: `docker stop` sends SIGTERM to it, and Alliance stops the
# scheduler, lets the work in flight finish, closes the database and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
