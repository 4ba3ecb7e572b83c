# One multi-stage image definition for every Portico app: `--build-arg APP=control|gateway|worker|console|portal`.
# `turbo prune` cuts the workspace down to the app and the packages it uses, so an edit to one
# app does not invalidate the dependency layer of the others.
ARG NODE_VERSION=26.10.0

FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
WORKDIR /app

FROM base AS pruner
ARG APP
COPY . .
RUN npx --yes turbo@2.11.9 prune @portico/${APP} @portico/db --docker

FROM base AS builder
ARG APP
COPY --from=pruner /app/out/json/ .
RUN npm ci --no-audit --no-fund
COPY --from=pruner /app/out/full/ .
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
COPY tooling ./tooling
RUN npx turbo run build --filter=@portico/${APP}
# The base image is the release the repository pins; drop the copy npm installed beside it.
RUN rm -rf node_modules/node node_modules/.bin/node

FROM base AS runner
ARG APP
ENV NODE_ENV=production APP=${APP}
COPY --from=builder --chown=node:node /app /app
USER node
# The image runs one app; compose and Kubernetes pass its environment.
CMD ["sh", "-c", "exec npm run start --workspace apps/${APP}"]
