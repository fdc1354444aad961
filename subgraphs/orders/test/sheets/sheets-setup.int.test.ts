import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSheetsApi } from '../../src/sheets/sheets-client.ts';
import { setupSpreadsheet } from '../../src/sheets/sheets-setup.ts';
import { CHART_TITLES } from '../../src/sheets/dashboard-charts.ts';
import { HEADERS } from '../../src/sheets/sheet-rows.ts';
import { serviceAccount } from './fixtures.ts';
import { startSheetsStandIn, type SheetsStandIn } from './sheets-stand-in.ts';

let standIn: SheetsStandIn;
let api: ReturnType<typeof createSheetsApi>;

beforeEach(async () => {
  standIn = await startSheetsStandIn();
  standIn.createSpreadsheet('sheet-1', ['Sheet1']);
  api = createSheetsApi({
    credentials: serviceAccount(standIn),
    rootUrl: standIn.rootUrl,
    tokenUrl: standIn.tokenUrl,
    requestTimeoutMs: 2_000,
  });
});
afterEach(() => standIn.close());

describe('sheets:setup', () => {
  it('creates tabs, headers, formats and the three dashboard charts', async () => {
    const report = await setupSpreadsheet(api, 'sheet-1');
    expect(report.addedTabs).toEqual(['orders', 'completed_orders', 'dashboard']);
    const sheet = standIn.spreadsheet('sheet-1')!;
    expect(sheet.sheet('orders')!.rows[0]).toEqual(HEADERS.orders);
    expect(sheet.sheet('completed_orders')!.rows[0]).toEqual(HEADERS.completed_orders);
    expect(sheet.sheet('orders')!.frozenRowCount).toBe(1);
    expect(sheet.sheet('orders')!.formats.length).toBeGreaterThan(1); // header style + date column
    const charts = sheet.sheet('dashboard')!.charts;
    expect(charts.map((chart) => chart.spec.title)).toEqual(Object.values(CHART_TITLES));
    expect(charts.map((chart) => Object.keys(chart.spec).find((key) => key.endsWith('Chart')))).toEqual([
      'basicChart',
      'histogramChart',
      'pieChart',
    ]);
  });

  it('changes nothing when run a second time', async () => {
    await setupSpreadsheet(api, 'sheet-1');
    const writesBefore = standIn.log.filter((entry) => entry.kind === 'batchUpdate').length;
    const report = await setupSpreadsheet(api, 'sheet-1');
    expect(report).toEqual({ addedTabs: [], wroteHeaders: [], wroteDashboardTables: false, addedCharts: [] });
    expect(standIn.log.filter((entry) => entry.kind === 'batchUpdate').length).toBe(writesBefore);
    expect(standIn.spreadsheet('sheet-1')!.sheet('dashboard')!.charts).toHaveLength(3);
  });

  it('is refused by the stand-in when a chart spec is invalid (so the check above means something)', async () => {
    await setupSpreadsheet(api, 'sheet-1');
    const dashboard = standIn.spreadsheet('sheet-1')!.sheet('dashboard')!.sheetId;
    const twoColumns = {
      sheetId: dashboard,
      startRowIndex: 0,
      endRowIndex: 10,
      startColumnIndex: 0,
      endColumnIndex: 2,
    };
    const request = api.spreadsheets.batchUpdate({
      spreadsheetId: 'sheet-1',
      requestBody: {
        requests: [
          {
            addChart: {
              chart: {
                spec: {
                  pieChart: {
                    domain: { sourceRange: { sources: [twoColumns] } },
                    series: { sourceRange: { sources: [twoColumns] } },
                  },
                },
                position: {
                  overlayPosition: { anchorCell: { sheetId: dashboard, rowIndex: 0, columnIndex: 0 } },
                },
              },
            },
          },
        ],
      },
    });
    await expect(request).rejects.toThrow(/single row or column/);
  });

  it('rejects what Google rejects: a bad range and a missing valueInputOption', async () => {
    await setupSpreadsheet(api, 'sheet-1');
    await expect(
      api.spreadsheets.values.get({ spreadsheetId: 'sheet-1', range: 'nosuchtab!A:A' }),
    ).rejects.toThrow(/Unable to parse range/);
    await expect(
      api.spreadsheets.values.append({
        spreadsheetId: 'sheet-1',
        range: 'orders!A:A',
        requestBody: { values: [['x']] },
      }),
    ).rejects.toThrow(/valueInputOption/);
  });
});
