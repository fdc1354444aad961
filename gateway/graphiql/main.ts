import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { exampleTabs } from './examples.ts';
import { createFetcher } from './fetcher.ts';

// Same origin as the page: the gateway serves both /graphiql and /graphql.
const httpUrl = new URL('/graphql', location.href).toString();
const wsUrl = httpUrl.replace(/^http/, 'ws');
const token = new URLSearchParams(location.search).get('token');

createRoot(document.getElementById('root')!).render(
  createElement(GraphiQL, {
    fetcher: createFetcher(httpUrl, wsUrl),
    defaultTabs: exampleTabs,
    defaultHeaders: JSON.stringify(
      { Authorization: `Bearer ${token ?? '<npm run token -- --role operator>'}` },
      null,
      2,
    ),
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
  }),
);
