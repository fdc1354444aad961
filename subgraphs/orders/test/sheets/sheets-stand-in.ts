import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './stand-in/api-error.ts';
import { OAuthError, OAuthStandIn } from './stand-in/oauth.ts';
import { SpreadsheetModel } from './stand-in/spreadsheet-model.ts';

export type RequestKind = 'token' | 'spreadsheets.get' | 'batchUpdate' | 'values.get' | 'values.append';

/** What the stand-in does instead of answering: an error status, hang (timeout), or apply then drop the reply. */
export type Fault = { status: 429 | 500 | 503 } | { hang: true } | { dropReply: true };

export interface LoggedRequest {
  kind: RequestKind;
  at: number;
  outcome: number | 'hung' | 'dropped';
  rows?: number;
}

export interface StandInOptions {
  /** The clock requests are logged by (the sink's simulated clock in tests). */
  now?: () => number;
  tabs?: string[];
}

const SCOPE = 'https://www.googleapis.com/auth/spreadsheets';
const VALUE_INPUT = ['RAW', 'USER_ENTERED'];
const INSERT_DATA = ['OVERWRITE', 'INSERT_ROWS'];

/**
 * A local stand-in for the Sheets v4 endpoints the sink and setup use and for
 * Google's OAuth token endpoint: a real HTTP server that checks what Google
 * checks and fails on demand. The only fake in the project.
 */
export async function startSheetsStandIn(options: StandInOptions = {}) {
  const now = options.now ?? Date.now;
  const oauth = new OAuthStandIn();
  const spreadsheets = new Map<string, SpreadsheetModel>();
  const log: LoggedRequest[] = [];
  let fault: (kind: RequestKind) => Fault | undefined = () => undefined;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/token') {
      const entry: LoggedRequest = { kind: 'token', at: now(), outcome: 200 };
      log.push(entry);
      const injected = fault('token');
      if (injected && 'status' in injected) {
        entry.outcome = injected.status;
        return send(res, injected.status, { error: 'temporarily_unavailable' });
      }
      try {
        return send(res, 200, oauth.grant(new URLSearchParams(body)));
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        entry.outcome = 400;
        return send(res, 400, { error: error.error, error_description: error.message });
      }
    }
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) throw new ApiError(404, `No such endpoint: ${req.method} ${url.pathname}`);
    const denied = oauth.check(req.headers.authorization, SCOPE);
    if (denied === 401) throw new ApiError(401, 'Request had invalid authentication credentials.');
    if (denied === 403) throw new ApiError(403, 'Request had insufficient authentication scopes.');
    const entry: LoggedRequest = { kind: route.kind, at: now(), outcome: 200 };
    log.push(entry);
    const injected = fault(route.kind);
    if (injected && 'status' in injected) {
      entry.outcome = injected.status;
      throw new ApiError(
        injected.status,
        injected.status === 429 ? 'Quota exceeded' : 'The service is currently unavailable.',
      );
    }
    if (injected && 'hang' in injected) {
      entry.outcome = 'hung';
      return; // never answered: the client's timeout fires
    }
    const sheet = spreadsheets.get(route.spreadsheetId);
    if (!sheet) throw new ApiError(404, 'Requested entity was not found.');
    const result = apply(route, url.searchParams, body, sheet, entry);
    if (injected && 'dropReply' in injected) {
      entry.outcome = 'dropped';
      return req.socket.destroy(); // applied, but the caller never learns it
    }
    send(res, 200, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ApiError) return send(res, error.code, error.body);
      send(res, 500, new ApiError(500, String(error)).body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    rootUrl: `${url}/`,
    tokenUrl: `${url}/token`,
    log,
    oauth,
    createSpreadsheet(id: string, tabs = options.tabs) {
      const model = new SpreadsheetModel(id, tabs);
      spreadsheets.set(id, model);
      return model;
    },
    spreadsheet: (id: string) => spreadsheets.get(id),
    /** Sets the fault policy, consulted once per request (after auth). */
    setFault(policy: (kind: RequestKind) => Fault | undefined) {
      fault = policy;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type SheetsStandIn = Awaited<ReturnType<typeof startSheetsStandIn>>;

interface Route {
  kind: Exclude<RequestKind, 'token'>;
  spreadsheetId: string;
  range?: string;
}

function routeOf(method: string, pathname: string): Route | undefined {
  const match = /^\/v4\/spreadsheets\/([^/:]+)(:batchUpdate|\/values\/(.+))?$/.exec(pathname);
  if (!match) return undefined;
  const spreadsheetId = decodeURIComponent(match[1]!);
  if (match[2] === ':batchUpdate')
    return method === 'POST' ? { kind: 'batchUpdate', spreadsheetId } : undefined;
  if (!match[3]) return method === 'GET' ? { kind: 'spreadsheets.get', spreadsheetId } : undefined;
  const raw = match[3];
  if (raw.endsWith(':append')) {
    const range = decodeURIComponent(raw.slice(0, -':append'.length));
    return method === 'POST' ? { kind: 'values.append', spreadsheetId, range } : undefined;
  }
  return method === 'GET' ? { kind: 'values.get', spreadsheetId, range: decodeURIComponent(raw) } : undefined;
}

function apply(
  route: Route,
  query: URLSearchParams,
  body: string,
  sheet: SpreadsheetModel,
  entry: LoggedRequest,
) {
  const json = () => {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new ApiError(400, 'Invalid JSON payload received.');
    }
  };
  if (route.kind === 'spreadsheets.get') return sheet.toJson();
  if (route.kind === 'batchUpdate') return sheet.batchUpdate(json());
  if (route.kind === 'values.get') {
    return sheet.getValues(
      route.range!,
      query.get('majorDimension') ?? 'ROWS',
      query.get('valueRenderOption') ?? undefined,
    );
  }
  const input = query.get('valueInputOption');
  if (!input) throw new ApiError(400, "'valueInputOption' is required but not specified");
  if (!VALUE_INPUT.includes(input))
    throw new ApiError(400, `Invalid value at 'value_input_option' (${input})`);
  const insert = query.get('insertDataOption');
  if (insert && !INSERT_DATA.includes(insert))
    throw new ApiError(400, `Invalid value at 'insert_data_option' (${insert})`);
  const result = sheet.append(route.range!, json());
  entry.rows = result.updates.updatedRows;
  return result;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}
