import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createSheetsSinkFromConfig, loadSheetsConfig } from '../../src/sheets/index.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const key = JSON.stringify({
  type: 'service_account',
  client_email: 'sa@p.iam.gserviceaccount.com',
  private_key: privateKey,
});

describe('loadSheetsConfig', () => {
  it('is off, with the reason, without a spreadsheet id or credentials', () => {
    expect(loadSheetsConfig({})).toEqual({ enabled: false, reason: 'GOOGLE_SHEETS_ID is not set' });
    expect(loadSheetsConfig({ GOOGLE_SHEETS_ID: 'abc' })).toMatchObject({
      enabled: false,
      reason: /CREDENTIALS/,
    });
  });

  it('reads inline JSON or a key file, with the default quota', () => {
    expect(loadSheetsConfig({ GOOGLE_SHEETS_ID: 'abc', GOOGLE_SERVICE_ACCOUNT_JSON: key })).toMatchObject({
      enabled: true,
      credentials: { client_email: 'sa@p.iam.gserviceaccount.com' },
      writesPerMinute: 60,
      rootUrl: 'https://sheets.googleapis.com/',
    });
    const path = join(mkdtempSync(join(tmpdir(), 'sheets-')), 'key.json');
    writeFileSync(path, key);
    expect(loadSheetsConfig({ GOOGLE_SHEETS_ID: 'abc', GOOGLE_APPLICATION_CREDENTIALS: path })).toMatchObject(
      {
        enabled: true,
      },
    );
  });

  it('fails naming the variable when credentials are malformed', () => {
    expect(() => loadSheetsConfig({ GOOGLE_SHEETS_ID: 'abc', GOOGLE_SERVICE_ACCOUNT_JSON: '{' })).toThrow(
      /GOOGLE_SERVICE_ACCOUNT_JSON: not valid JSON/,
    );
    expect(() =>
      loadSheetsConfig({ GOOGLE_SHEETS_ID: 'abc', GOOGLE_APPLICATION_CREDENTIALS: '/nope.json' }),
    ).toThrow(/GOOGLE_APPLICATION_CREDENTIALS: cannot read/);
    expect(() => loadSheetsConfig({ SHEETS_WRITES_PER_MINUTE: '0' })).toThrow(/SHEETS_WRITES_PER_MINUTE/);
  });
});

describe('createSheetsSinkFromConfig', () => {
  it('returns null with one log line when off, a sink when on', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    expect(createSheetsSinkFromConfig(loadSheetsConfig({}), logger)).toBeNull();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toBe('Google Sheets sink off: GOOGLE_SHEETS_ID is not set');
    const sink = createSheetsSinkFromConfig(
      loadSheetsConfig({ GOOGLE_SHEETS_ID: 'abc', GOOGLE_SERVICE_ACCOUNT_JSON: key }),
      logger,
    );
    expect(sink?.name).toBe('google-sheets');
    expect(sink?.status()).toMatchObject({ enabled: true, backlog: 0, lastError: null });
  });
});
