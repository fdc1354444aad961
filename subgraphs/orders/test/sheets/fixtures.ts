import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import {
  ORDER_STATUS_CHANGED,
  type OrderStatusChangedPayload,
  type OutboxMessage,
} from '../../src/outbox/outbox-message.ts';
import type { Clock } from '../../src/sheets/clock.ts';
import { createSheetsSink, type SheetsSinkOptions } from '../../src/sheets/sheets-sink.ts';
import { createSheetsApi } from '../../src/sheets/sheets-client.ts';
import type { SheetsStandIn } from './sheets-stand-in.ts';

let nextId = 1;
let nextOrder = 1;

type Line = OrderStatusChangedPayload['lines'][number];

/** The three messages one order's life writes to the outbox: VERIFIED, SCHEDULED, COMPLETE. */
export function orderLifecycle(
  options: { orderNumber?: string; lines?: Line[]; placedAt?: string; leadSeconds?: number } = {},
): OutboxMessage[] {
  const orderNumber = options.orderNumber ?? `ORD-${String(nextOrder++).padStart(6, '0')}`;
  const placedAt = options.placedAt ?? '2026-11-25T09:00:00.000Z';
  const placed = Date.parse(placedAt);
  const scheduledAt = new Date(placed + 2_000).toISOString();
  const completedAt = new Date(placed + (options.leadSeconds ?? 90) * 1000).toISOString();
  const base = {
    orderNumber,
    source: 'MANUAL' as const,
    customer: { id: 'c-1', name: 'Ada Lovelace', email: 'ada@example.com' },
    lines: options.lines ?? [
      { product: 'WIDGET' as const, quantity: 3, attributes: { color: 'red' } },
      { product: 'GIZMO' as const, quantity: 1, attributes: {} },
    ],
    placedAt,
  };
  const steps: [OrderStatusChangedPayload['status'], string | null, string, string | null, string | null][] =
    [
      ['VERIFIED', null, placedAt, null, null],
      ['SCHEDULED', 'VERIFIED', scheduledAt, scheduledAt, null],
      ['COMPLETE', 'SCHEDULED', completedAt, scheduledAt, completedAt],
    ];
  return steps.map(([status, previousStatus, at, scheduled, completed]) => ({
    id: String(nextId++),
    topic: ORDER_STATUS_CHANGED,
    key: orderNumber,
    payload: {
      ...base,
      status,
      previousStatus,
      at,
      scheduledAt: scheduled,
      completedAt: completed,
      note: null,
    },
    createdAt: new Date(at),
  }));
}

/** Simulated time for the sink's own waits (backoff, quota): sleeping advances it at once. */
export function simulatedClock(start = Date.parse('2026-11-25T09:00:00Z')): Clock & { slept: number } {
  const clock = {
    current: start,
    slept: 0,
    now: () => clock.current,
    sleep: async (ms: number) => {
      clock.current += ms;
      clock.slept += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

/** A service account whose public key the stand-in's token endpoint trusts. */
export function serviceAccount(
  standIn: SheetsStandIn,
  email = 'factory-floor@test-project.iam.gserviceaccount.com',
) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  standIn.oauth.addServiceAccount(email, publicKey);
  return { client_email: email, private_key: privateKey };
}

export const silentLogger = pino({ level: 'silent' });

/** A sink on the real googleapis client, pointed at the stand-in. */
export function sinkOn(
  standIn: SheetsStandIn,
  credentials: { client_email: string; private_key: string },
  overrides: Partial<SheetsSinkOptions> & { requestTimeoutMs?: number } = {},
) {
  const api = createSheetsApi({
    credentials,
    rootUrl: standIn.rootUrl,
    tokenUrl: standIn.tokenUrl,
    requestTimeoutMs: overrides.requestTimeoutMs ?? 2_000,
  });
  return createSheetsSink({
    api,
    spreadsheetId: 'sheet-1',
    writesPerMinute: 60,
    readsPerMinute: 60,
    backoffBaseMs: 1000,
    backoffMaxMs: 64_000,
    maxAttempts: 8,
    logger: silentLogger,
    ...overrides,
  });
}

/** The data rows (below the header) of a tab in the stand-in. */
export function rowsOf(standIn: SheetsStandIn, tab: string, spreadsheetId = 'sheet-1') {
  const rows = standIn.spreadsheet(spreadsheetId)?.sheet(tab)?.rows ?? [];
  return rows.filter((row) => row[0] !== 'row_id');
}

/** What the outbox dispatcher does: deliver the batch again (after a pause) until the sink accepts it. */
export async function deliverUntilAccepted(
  sink: { deliver(messages: readonly OutboxMessage[]): Promise<void> },
  batch: readonly OutboxMessage[],
  clock: Clock,
  onFailure: () => void = () => undefined,
) {
  for (;;) {
    try {
      return await sink.deliver(batch);
    } catch {
      onFailure();
      await clock.sleep(5_000);
    }
  }
}

const WRITES = new Set(['values.append', 'batchUpdate']);

/** The most requests of one quota group (writes or reads) seen in any 60-second window. */
export function peakPerMinute(standIn: SheetsStandIn, group: 'writes' | 'reads') {
  const times = standIn.log
    .filter((entry) => entry.kind !== 'token' && WRITES.has(entry.kind) === (group === 'writes'))
    .map((entry) => entry.at);
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + 60_000).length));
}
