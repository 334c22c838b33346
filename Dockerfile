# Matterline: one image for the server and the workers (MATTERLINE_ROLE=server|worker|all).
# TypeScript runs through tsx, as `npm start` runs it: no build step, the sources are the image.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# whatsapp-web.js pulls in puppeteer, whose install would download a Chromium build; the image brings none.
ENV NODE_ENV=production \
    PUPPETEER_SKIP_DOWNLOAD=true
# The postinstall step generates the Prisma client from the schema, so both come before `npm ci`.
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MATTERLINE_DATA_DIR=/var/lib/matterline \
    MATTERLINE_SEED_DEMO=false
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
RUN mkdir -p /var/lib/matterline && chown node:node /var/lib/matterline
USER node
EXPOSE 3000
# /healthz is the one open endpoint: alive, nothing more. Readiness (/readyz) needs the metrics token.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node directly (no shell), so shutdown drains the workers.
CMD ["node", "--import", "tsx", "src/main.ts"]
