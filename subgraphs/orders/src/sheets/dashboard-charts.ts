import type { sheets_v4 } from 'googleapis';
import { COMPLETED_TAB, HEADERS } from './sheet-rows.ts';

type Request = sheets_v4.Schema$Request;
type GridRange = sheets_v4.Schema$GridRange;

/**
 * Charts over RAW rows cannot aggregate (aggregateType is for data-source
 * charts only), so the dashboard holds two QUERY tables the charts read.
 */
export const DASHBOARD_TABLES: { cell: string; column: number; formula: string }[] = [
  {
    cell: 'A1',
    column: 0,
    formula:
      '=QUERY(orders!A:H, "select H, count(A) where H is not null group by H label count(A) \'orders\'", 1)',
  },
  {
    cell: 'D1',
    column: 3,
    formula:
      '=QUERY(completed_orders!A:J, "select toDate(F), sum(H), sum(I), sum(J) where F is not null ' +
      "group by toDate(F) label toDate(F) 'day', sum(H) 'WIDGET', sum(I) 'GADGET', sum(J) 'GIZMO'\", 1)",
  },
];

export const CHART_TITLES = {
  perProduct: 'Orders completed per product over time',
  leadTime: 'Lead time distribution (seconds)',
  byStatus: 'Orders by status',
} as const;

const column = (sheetId: number, index: number, startRowIndex = 0): GridRange => ({
  sheetId,
  startRowIndex,
  endRowIndex: 1000,
  startColumnIndex: index,
  endColumnIndex: index + 1,
});

const series = (sheetId: number, index: number) => ({
  series: { sourceRange: { sources: [column(sheetId, index)] } },
  targetAxis: 'LEFT_AXIS',
});

const anchor = (sheetId: number, rowIndex: number) => ({
  overlayPosition: { anchorCell: { sheetId, rowIndex, columnIndex: 9 }, widthPixels: 600, heightPixels: 320 },
});

/** addChart requests for the charts whose titles are not on the dashboard yet. */
export function chartRequests(
  ids: { dashboard: number; completed: number },
  existing: Set<string>,
): Request[] {
  const leadTimeColumn = HEADERS[COMPLETED_TAB].indexOf('lead_time_seconds');
  const specs: sheets_v4.Schema$EmbeddedChart[] = [
    {
      spec: {
        title: CHART_TITLES.perProduct,
        basicChart: {
          chartType: 'COLUMN',
          stackedType: 'STACKED',
          legendPosition: 'BOTTOM_LEGEND',
          headerCount: 1,
          axis: [
            { position: 'BOTTOM_AXIS', title: 'day' },
            { position: 'LEFT_AXIS', title: 'units completed' },
          ],
          domains: [{ domain: { sourceRange: { sources: [column(ids.dashboard, 3)] } } }],
          series: [4, 5, 6].map((index) => series(ids.dashboard, index)),
        },
      },
      position: anchor(ids.dashboard, 0),
    },
    {
      spec: {
        title: CHART_TITLES.leadTime,
        histogramChart: {
          legendPosition: 'NO_LEGEND',
          series: [{ data: { sourceRange: { sources: [column(ids.completed, leadTimeColumn, 1)] } } }],
        },
      },
      position: anchor(ids.dashboard, 18),
    },
    {
      spec: {
        title: CHART_TITLES.byStatus,
        pieChart: {
          legendPosition: 'RIGHT_LEGEND',
          domain: { sourceRange: { sources: [column(ids.dashboard, 0, 1)] } },
          series: { sourceRange: { sources: [column(ids.dashboard, 1, 1)] } },
        },
      },
      position: anchor(ids.dashboard, 36),
    },
  ];
  return specs.filter((chart) => !existing.has(chart.spec!.title!)).map((chart) => ({ addChart: { chart } }));
}
