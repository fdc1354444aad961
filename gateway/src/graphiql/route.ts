import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

/** Built by `npm run build:graphiql` (Vite) from gateway/graphiql; nothing is fetched from a CDN. */
export const GRAPHIQL_DIST = fileURLToPath(new URL('../../graphiql-dist', import.meta.url));

export function serveGraphiql(app: Express) {
  // Browsers ask for it; answering keeps the console free of 404s.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.get('/graphiql', (req, res, next) => {
    // Relative asset URLs need the trailing slash.
    if (!req.path.endsWith('/')) return res.redirect(301, '/graphiql/');
    next();
  });
  app.use('/graphiql', (_req, res, next) => {
    if (existsSync(GRAPHIQL_DIST)) return next();
    res.status(503).type('text/plain').send('GraphiQL is not built: run `npm run build:graphiql`.');
  });
  app.use('/graphiql', express.static(GRAPHIQL_DIST, { index: 'index.html', fallthrough: false }));
}
