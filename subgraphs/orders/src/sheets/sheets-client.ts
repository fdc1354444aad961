// Only the Sheets API of googleapis: its index loads every Google API (about 120 MiB resident in orders).
import { auth, sheets, type sheets_v4 } from 'googleapis/build/src/apis/sheets/index.js';
import type { SheetsConfig } from './sheets-config.ts';

export type SheetsApi = sheets_v4.Sheets;

/** The address gtoken posts the JWT-bearer grant to (and the assertion's audience); it has no option for another. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

type ClientConfig = Pick<SheetsConfig, 'credentials' | 'rootUrl' | 'tokenUrl' | 'requestTimeoutMs'>;

/**
 * The googleapis Sheets v4 client with service-account (JWT) auth. The token
 * URL is redirected by a request interceptor on the auth client's own
 * transporter (gtoken uses that transporter), so the assertion still names
 * Google's token URL as audience, exactly as in production.
 */
export function createSheetsApi(config: ClientConfig): SheetsApi {
  const client = new auth.JWT({
    email: config.credentials.client_email,
    key: config.credentials.private_key,
    scopes: [SHEETS_SCOPE],
  });
  if (config.tokenUrl !== GOOGLE_TOKEN_URL) {
    const tokenUrl = new URL(config.tokenUrl);
    client.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = tokenUrl;
        return options;
      },
    });
  }
  // retry: false because the sink owns retries: it must read back before re-sending an append.
  return sheets({
    version: 'v4',
    auth: client,
    rootUrl: config.rootUrl,
    retry: false,
    timeout: config.requestTimeoutMs,
  });
}
