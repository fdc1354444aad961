import type { Logger } from '#kit/logger.ts';
import type { OutboxMessage, OutboxSink } from '../outbox/outbox-message.ts';
import { backoffDelay } from '#kit/backoff.ts';
import { classifyFailure } from './failure-kind.ts';
import { systemClock, type Clock } from './clock.ts';
import { TabWriter } from './tab-writer.ts';
import type { SheetsApi } from './sheets-client.ts';
import type { SheetsConfig } from './sheets-config.ts';
import {
  COMPLETED_TAB,
  ORDERS_TAB,
  byOutboxId,
  completedRow,
  isCompletion,
  ordersRow,
} from './sheet-rows.ts';
import { TokenBucket } from './token-bucket.ts';
import { initialStatus, type SheetsSinkStatus } from './sheets-sink-status.ts';

export interface SheetsSink extends OutboxSink {
  status(): SheetsSinkStatus;
}

export type SheetsSinkOptions = Pick<
  SheetsConfig,
  'spreadsheetId' | 'writesPerMinute' | 'readsPerMinute' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxAttempts'
> & { api: SheetsApi; logger: Logger; clock?: Clock; random?: () => number };

/**
 * Writes outbox messages as rows: one append per tab per deliver(), within
 * the quotas, retried with backoff. Safe under at-least-once delivery: each
 * row carries its outbox id, and whenever the sheet's content is unknown
 * (start-up, a lost reply, another process delivered last) the id column is
 * read back before appending.
 */
export function createSheetsSink(options: SheetsSinkOptions): SheetsSink {
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  const name = 'google-sheets';
  const state = initialStatus(name);
  const limits = {
    writes: new TokenBucket(options.writesPerMinute, clock),
    reads: new TokenBucket(options.readsPerMinute, clock),
  };
  const tabs = [
    new TabWriter({ ...options, tab: ORDERS_TAB, limits, toRow: ordersRow, wants: () => true }),
    new TabWriter({ ...options, tab: COMPLETED_TAB, limits, toRow: completedRow, wants: isCompletion }),
  ];

  async function withRetry(write: () => Promise<number>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        state.rowsWritten += await write();
        state.consecutiveFailures = 0;
        return;
      } catch (error) {
        const failure = classifyFailure(error);
        state.consecutiveFailures += 1;
        state.lastError = {
          message: (error as Error).message,
          status: failure.status ?? null,
          at: new Date(clock.now()).toISOString(),
        };
        if (!failure.retryable || attempt + 1 >= options.maxAttempts) {
          logger.error(
            { err: error, attempt },
            'Google Sheets write failed; the outbox will retry the batch',
          );
          throw error;
        }
        const delay = backoffDelay(
          attempt,
          { baseMs: options.backoffBaseMs, maxMs: options.backoffMaxMs, jitter: 'equal' },
          options.random,
        );
        logger.warn({ status: failure.status, attempt, delay }, 'Google Sheets write failed; backing off');
        await clock.sleep(delay);
      }
    }
  }

  let running: Promise<void> = Promise.resolve();

  async function deliverInOrder(messages: readonly OutboxMessage[]): Promise<void> {
    const sorted = [...messages].sort(byOutboxId);
    state.backlog = sorted.length;
    state.oldestPendingAt =
      sorted
        .reduce<Date | null>((oldest, m) => (oldest && oldest <= m.createdAt ? oldest : m.createdAt), null)
        ?.toISOString() ?? null;
    for (const tab of tabs) await withRetry(() => tab.write(sorted));
    state.backlog = 0;
    state.oldestPendingAt = null;
    state.lastSuccessAt = new Date(clock.now()).toISOString();
  }

  return {
    name,
    // Calls are serialised: rows of one order must reach the sheet in status order.
    deliver(messages) {
      const run = running.then(() => deliverInOrder(messages));
      running = run.catch(() => undefined);
      return run;
    },
    resume() {
      for (const tab of tabs) tab.forget();
    },
    status: () => ({ ...state }),
  };
}
