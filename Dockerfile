# One image for every service; docker-compose.yml and the Helm chart pick the entry point.
# The browser bundles (GraphiQL, the console) are built with the devDependencies, in a stage of their own.
FROM node:24-bookworm-slim AS pages
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY gateway/graphiql ./gateway/graphiql
COPY gateway/console ./gateway/console
COPY packages/catalogue ./packages/catalogue
RUN npm run build:graphiql && npm run build:console

FROM node:24-bookworm-slim
WORKDIR /app
# HOST: a container is reached through its network interface, not its loopback.
ENV NODE_ENV=production HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY packages ./packages
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY scripts ./scripts
COPY --from=pages /app/gateway/graphiql-dist ./gateway/graphiql-dist
COPY --from=pages /app/gateway/console-dist ./gateway/console-dist
USER node
CMD ["node", "--import", "./packages/kit/src/telemetry/preload.ts", "gateway/src/index.ts"]
