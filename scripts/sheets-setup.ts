/**
 * `npm run sheets:setup`: creates the tabs, headers, formats and dashboard
 * charts the Google Sheets sink expects; safe to run again (changes nothing).
 */
import { createSheetsApi, loadSheetsConfig, setupSpreadsheet } from '../subgraphs/orders/src/sheets/index.ts';

const settings = loadSheetsConfig(process.env);
if (!settings.enabled) {
  console.error(
    `sheets:setup: Google Sheets is not configured (${settings.reason}). See docs/google-sheets.md.`,
  );
  process.exit(1);
}
try {
  const report = await setupSpreadsheet(createSheetsApi(settings), settings.spreadsheetId);
  const changed = report.addedTabs.length + report.wroteHeaders.length + report.addedCharts.length > 0;
  console.log(
    changed || report.wroteDashboardTables
      ? `sheets:setup: tabs added [${report.addedTabs.join(', ')}], headers written [${report.wroteHeaders.join(', ')}], ` +
          `dashboard tables ${report.wroteDashboardTables ? 'written' : 'kept'}, charts added [${report.addedCharts.join(', ')}]`
      : 'sheets:setup: spreadsheet already set up; nothing changed',
  );
} catch (error) {
  console.error(`sheets:setup failed: ${(error as Error).message}`);
  process.exit(1);
}
