# One image for every service; docker-compose.yml and the Helm chart pick the entry point.
FROM node:24-bookworm-slim AS graphiql
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY gateway/graphiql ./gateway/graphiql
RUN npm run build:graphiql

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
COPY --from=graphiql /app/gateway/graphiql-dist ./gateway/graphiql-dist
USER node
CMD ["node", "gateway/src/index.ts"]
