import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

/** Built by `npm run build:graphiql` (Vite) from gateway/graphiql; nothing is fetched from a CDN. */
export const GRAPHIQL_DIST = fileURLToPath(new URL('../../graphiql-dist', import.meta.url));

/** `tokenInUrl`: whether `/graphiql/?token=` may prefill the Authorization header (never in production). */
export function serveGraphiql(app: Express, options: { tokenInUrl: boolean }) {
  // Browsers ask for it; answering keeps the console free of 404s.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/graphiql', (req, res, next) => {
    // A token in a URL ends up in history, logs and Referer headers.
    if (options.tokenInUrl || req.query.token === undefined) return next();
    res
      .status(400)
      .type('text/plain')
      .send('Tokens are not taken from the URL here: paste yours into the Headers tab of GraphiQL.');
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
