# One image for every service; docker-compose.yml picks the entry point.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY packages ./packages
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY scripts ./scripts
USER node
CMD ["node", "gateway/src/index.ts"]
