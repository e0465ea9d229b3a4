# glibc base: the Temporal SDK's native module does not load on Alpine (musl).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY test ./test
COPY dashboard ./dashboard
RUN npx tsc -p tsconfig.json && npm run build:dashboard && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Reached from the other containers and the published port, not loopback only.
ENV HOST=0.0.0.0
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
# The worker bundles workflows from source at start.
COPY workflows ./workflows
COPY activities ./activities
COPY src ./src
USER node
CMD ["node", "dist/src/api.js"]
