import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { interpolateAll, requiredVariables } from './interpolate.ts';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test: string[] };
}

export const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

const text = repoFile('docker-compose.yml');
const raw = parse(text, { merge: true }) as { services: Record<string, ComposeService> };

/** The file as written, before interpolation (to see how a value is set). */
export const rawServices = raw.services;

/** A value for every variable the file requires, as an operator's .env would give. */
export const operatorEnv = Object.fromEntries(
  requiredVariables(text).map((name) => [name, `${name.toLowerCase()}-0123456789abcdef0123456789abcdef`]),
);

/** The services as `docker compose` resolves them with `env` (throws on a missing required variable). */
export const resolveCompose = (env: Record<string, string | undefined> = operatorEnv) =>
  interpolateAll(raw, env).services;
