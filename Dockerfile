# syntax=docker/dockerfile:1
# The whole monorepo in one image; docker-compose.yml picks the entry point per service:
#   node packages/db/dist/migrate-cli.js  |  node apps/api/dist/main.js  |  node apps/worker/dist/main.js
# Target `runtime` (default) trains with the CPU backends (tfjs-node / wasm); target `gpu` adds the CUDA 11.2 +
# cuDNN 8 runtime that @tensorflow/tfjs-node-gpu 4.x links against:  docker build --target gpu -t shapesweep:gpu .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Compilers for native addons that fall back to building from source (tfjs-node); ca-certificates for downloads.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# npm ci runs the root postinstall, which generates the Prisma client; the build compiles every package and app
# (and the dashboard); prune then drops build-only tools from node_modules.
RUN npm ci --no-audit --no-fund \
 && npx turbo run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# Mount points for named volumes: a fresh volume copies this ownership, so the unprivileged user can write.
RUN mkdir -p /var/lib/shapesweep/checkpoints /var/lib/shapesweep/cache \
 && chown -R node:node /var/lib/shapesweep
USER node
EXPOSE 8080
CMD ["node", "apps/api/dist/main.js"]

FROM nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04 AS gpu
COPY --from=runtime /usr/local/bin/node /usr/local/bin/node
RUN useradd --create-home --uid 1000 node \
 && mkdir -p /var/lib/shapesweep/checkpoints /var/lib/shapesweep/cache \
 && chown -R node:node /var/lib/shapesweep
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
ENV SHAPESWEEP_BACKEND=node-gpu
CMD ["node", "apps/worker/dist/main.js"]
