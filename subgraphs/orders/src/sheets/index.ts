import type { Logger } from '#kit/logger.ts';
import { createSheetsApi } from './sheets-client.ts';
import type { SheetsSettings } from './sheets-config.ts';
import { createSheetsSink, type SheetsSink } from './sheets-sink.ts';

export { loadSheetsConfig, type SheetsConfig, type SheetsSettings } from './sheets-config.ts';
export { createSheetsSink, type SheetsSink } from './sheets-sink.ts';
export { disabledStatus, type SheetsSinkStatus } from './sheets-sink-status.ts';
export { createSheetsApi } from './sheets-client.ts';
export { setupSpreadsheet } from './sheets-setup.ts';

/** The outbox sink for the configured spreadsheet, or null (with one log line saying why) when off. */
export function createSheetsSinkFromConfig(settings: SheetsSettings, logger: Logger): SheetsSink | null {
  if (!settings.enabled) {
    logger.info(`Google Sheets sink off: ${settings.reason}`);
    return null;
  }
  logger.info(
    { spreadsheetId: settings.spreadsheetId, writesPerMinute: settings.writesPerMinute },
    'Google Sheets sink on',
  );
  return createSheetsSink({ ...settings, api: createSheetsApi(settings), logger });
}
