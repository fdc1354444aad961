import type { OutboxMessage } from '../outbox/outbox-message.ts';
import { classifyFailure } from './failure-kind.ts';
import type { SheetsApi } from './sheets-client.ts';
import type { Cell, RowTab } from './sheet-rows.ts';
import type { TokenBucket } from './token-bucket.ts';

export interface TabWriterOptions {
  api: SheetsApi;
  spreadsheetId: string;
  tab: RowTab;
  limits: { writes: TokenBucket; reads: TokenBucket };
  toRow: (message: OutboxMessage) => Cell[];
  wants: (message: OutboxMessage) => boolean;
}

/**
 * One tab's rows. `written` holds the row ids known to be in the sheet; it is
 * null while that is unknown (a fresh process, or an append whose reply was
 * lost), and then the id column is read back before the next append.
 */
export class TabWriter {
  readonly #options: TabWriterOptions;
  #written: Set<string> | null = null;

  constructor(options: TabWriterOptions) {
    this.#options = options;
  }

  /** The sheet may have changed behind this process: read the id column again before the next append. */
  forget(): void {
    this.#written = null;
  }

  /** Appends the rows not yet in the sheet in one request; returns how many were written. */
  async write(messages: readonly OutboxMessage[]): Promise<number> {
    const wanted = messages.filter(this.#options.wants);
    if (wanted.length === 0) return 0;
    const written = this.#written ?? (await this.#readBack());
    const missing = wanted.filter((message) => !written.has(message.id));
    if (missing.length === 0) return 0;
    const { api, spreadsheetId, tab, limits } = this.#options;
    await limits.writes.take();
    try {
      await api.spreadsheets.values.append({
        spreadsheetId,
        range: `${tab}!A:A`,
        valueInputOption: 'RAW',
        insertDataOption: 'INSERT_ROWS',
        requestBody: { majorDimension: 'ROWS', values: missing.map(this.#options.toRow) },
      });
    } catch (error) {
      if (classifyFailure(error).outcomeUnknown) this.#written = null;
      throw error;
    }
    for (const message of missing) written.add(message.id);
    return missing.length;
  }

  async #readBack(): Promise<Set<string>> {
    const { api, spreadsheetId, tab, limits } = this.#options;
    await limits.reads.take();
    const response = await api.spreadsheets.values.get({
      spreadsheetId,
      range: `${tab}!A:A`,
      majorDimension: 'COLUMNS',
    });
    const ids = response.data.values?.[0] ?? [];
    this.#written = new Set(ids.map(String));
    return this.#written;
  }
}
