import type { sheets_v4 } from 'googleapis';
import type { SheetsApi } from './sheets-client.ts';
import { CHART_TITLES, DASHBOARD_TABLES, chartRequests } from './dashboard-charts.ts';
import {
  COMPLETED_TAB,
  DASHBOARD_TAB,
  DATE_COLUMNS,
  HEADERS,
  ORDERS_TAB,
  type RowTab,
} from './sheet-rows.ts';

type Request = sheets_v4.Schema$Request;

export interface SetupReport {
  addedTabs: string[];
  wroteHeaders: string[];
  wroteDashboardTables: boolean;
  addedCharts: string[];
}

const TABS = [ORDERS_TAB, COMPLETED_TAB, DASHBOARD_TAB];

function headerRequests(sheetId: number, tab: RowTab): Request[] {
  const headers = HEADERS[tab];
  return [
    {
      updateCells: {
        start: { sheetId, rowIndex: 0, columnIndex: 0 },
        rows: [{ values: headers.map((text) => ({ userEnteredValue: { stringValue: text } })) }],
        fields: 'userEnteredValue',
      },
    },
    {
      repeatCell: {
        range: {
          sheetId,
          startRowIndex: 0,
          endRowIndex: 1,
          startColumnIndex: 0,
          endColumnIndex: headers.length,
        },
        cell: {
          userEnteredFormat: {
            textFormat: { bold: true },
            backgroundColor: { red: 0.85, green: 0.9, blue: 0.97 },
          },
        },
        fields: 'userEnteredFormat(textFormat,backgroundColor)',
      },
    },
    ...DATE_COLUMNS[tab].map((columnIndex) => ({
      repeatCell: {
        range: { sheetId, startRowIndex: 1, startColumnIndex: columnIndex, endColumnIndex: columnIndex + 1 },
        cell: { userEnteredFormat: { numberFormat: { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm:ss' } } },
        fields: 'userEnteredFormat.numberFormat',
      },
    })),
    {
      updateSheetProperties: {
        properties: { sheetId, gridProperties: { frozenRowCount: 1 } },
        fields: 'gridProperties.frozenRowCount',
      },
    },
  ];
}

async function firstRow(api: SheetsApi, spreadsheetId: string, range: string): Promise<string[]> {
  const response = await api.spreadsheets.values.get({ spreadsheetId, range, valueRenderOption: 'FORMULA' });
  return (response.data.values?.[0] ?? []).map(String);
}

/**
 * Creates the tabs, headers, formats, dashboard tables and charts that are
 * missing; what exists is left alone, so a second run sends no write at all.
 */
export async function setupSpreadsheet(api: SheetsApi, spreadsheetId: string): Promise<SetupReport> {
  const fields = 'sheets(properties(sheetId,title),charts(chartId,spec(title)))';
  let { data } = await api.spreadsheets.get({ spreadsheetId, fields });
  const report: SetupReport = {
    addedTabs: [],
    wroteHeaders: [],
    wroteDashboardTables: false,
    addedCharts: [],
  };
  const titles = new Set((data.sheets ?? []).map((sheet) => sheet.properties?.title));
  report.addedTabs = TABS.filter((tab) => !titles.has(tab));
  if (report.addedTabs.length > 0) {
    await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: { requests: report.addedTabs.map((title) => ({ addSheet: { properties: { title } } })) },
    });
    ({ data } = await api.spreadsheets.get({ spreadsheetId, fields }));
  }
  const sheet = (title: string) => data.sheets!.find((s) => s.properties?.title === title)!;
  const id = (title: string) => sheet(title).properties!.sheetId ?? 0;

  const requests: Request[] = [];
  for (const tab of [ORDERS_TAB, COMPLETED_TAB] as const) {
    const current = await firstRow(api, spreadsheetId, `${tab}!1:1`);
    if (current.join('\t') !== HEADERS[tab].join('\t')) {
      requests.push(...headerRequests(id(tab), tab));
      report.wroteHeaders.push(tab);
    }
  }
  const dashboardRow = await firstRow(api, spreadsheetId, `${DASHBOARD_TAB}!A1:D1`);
  const tablesPresent = DASHBOARD_TABLES.every((table) => dashboardRow[table.column] === table.formula);
  if (!tablesPresent) {
    report.wroteDashboardTables = true;
    requests.push(
      ...DASHBOARD_TABLES.map((table) => ({
        updateCells: {
          start: { sheetId: id(DASHBOARD_TAB), rowIndex: 0, columnIndex: table.column },
          rows: [{ values: [{ userEnteredValue: { formulaValue: table.formula } }] }],
          fields: 'userEnteredValue',
        },
      })),
    );
  }
  const existingCharts = new Set(
    (sheet(DASHBOARD_TAB).charts ?? []).map((chart) => chart.spec?.title ?? '').filter(Boolean),
  );
  const charts = chartRequests(
    { dashboard: id(DASHBOARD_TAB), completed: id(COMPLETED_TAB) },
    existingCharts,
  );
  report.addedCharts = Object.values(CHART_TITLES).filter((title) => !existingCharts.has(title));
  requests.push(...charts);
  if (requests.length > 0) await api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } });
  return report;
}
