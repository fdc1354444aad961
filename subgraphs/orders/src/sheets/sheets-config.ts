import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, loadConfig } from '#kit/config.ts';

const optionalText = z
  .string()
  .optional()
  .transform((text) => (text?.trim() ? text.trim() : undefined));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment of the Google Sheets sink; every variable is optional, the sink is off without them. */
export const sheetsEnvSchema = z.object({
  GOOGLE_SHEETS_ID: optionalText,
  GOOGLE_APPLICATION_CREDENTIALS: optionalText,
  GOOGLE_SERVICE_ACCOUNT_JSON: optionalText,
  GOOGLE_SHEETS_ROOT_URL: z.url().default('https://sheets.googleapis.com/'),
  GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  /** Google's default per-user quotas: 60 writes and 60 reads per minute. */
  SHEETS_WRITES_PER_MINUTE: positiveInt(60),
  SHEETS_READS_PER_MINUTE: positiveInt(60),
  SHEETS_BACKOFF_BASE_MS: positiveInt(1000),
  SHEETS_BACKOFF_MAX_MS: positiveInt(64_000),
  /** Attempts inside one deliver() before it throws and the outbox dispatcher retries the batch. */
  SHEETS_MAX_ATTEMPTS: positiveInt(8),
  SHEETS_REQUEST_TIMEOUT_MS: positiveInt(30_000),
});

export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
}

export interface SheetsConfig {
  spreadsheetId: string;
  credentials: ServiceAccountKey;
  rootUrl: string;
  tokenUrl: string;
  writesPerMinute: number;
  readsPerMinute: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxAttempts: number;
  requestTimeoutMs: number;
}

const serviceAccountKeySchema = z.object({
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
});

function parseKey(variable: string, text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([`${variable}: not valid JSON`]);
  }
  const result = serviceAccountKeySchema.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new ConfigError([`${variable}: not a service-account key (check ${fields})`]);
  }
  return result.data;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `GOOGLE_APPLICATION_CREDENTIALS: cannot read ${path} (${(error as Error).message})`,
    ]);
  }
}

/** The sink is off when not configured; `reason` names the missing variable for the log line. */
export type SheetsSettings = { enabled: false; reason: string } | ({ enabled: true } & SheetsConfig);

/**
 * Reads the sink's variables once. Missing id or credentials turn the sink
 * off; present but malformed ones fail start-up naming the variable.
 */
export function loadSheetsConfig(source: Record<string, string | undefined> = process.env): SheetsSettings {
  const env = loadConfig(sheetsEnvSchema, source);
  if (!env.GOOGLE_SHEETS_ID) return { enabled: false, reason: 'GOOGLE_SHEETS_ID is not set' };
  const inline = env.GOOGLE_SERVICE_ACCOUNT_JSON;
  const path = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (!inline && !path) {
    return {
      enabled: false,
      reason: 'neither GOOGLE_APPLICATION_CREDENTIALS nor GOOGLE_SERVICE_ACCOUNT_JSON is set',
    };
  }
  const credentials = inline
    ? parseKey('GOOGLE_SERVICE_ACCOUNT_JSON', inline)
    : parseKey('GOOGLE_APPLICATION_CREDENTIALS', readKeyFile(path!));
  return {
    enabled: true,
    spreadsheetId: env.GOOGLE_SHEETS_ID,
    credentials,
    rootUrl: env.GOOGLE_SHEETS_ROOT_URL,
    tokenUrl: env.GOOGLE_TOKEN_URL,
    writesPerMinute: env.SHEETS_WRITES_PER_MINUTE,
    readsPerMinute: env.SHEETS_READS_PER_MINUTE,
    backoffBaseMs: env.SHEETS_BACKOFF_BASE_MS,
    backoffMaxMs: env.SHEETS_BACKOFF_MAX_MS,
    maxAttempts: env.SHEETS_MAX_ATTEMPTS,
    requestTimeoutMs: env.SHEETS_REQUEST_TIMEOUT_MS,
  };
}
