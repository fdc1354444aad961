import { invalid } from './api-error.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

const BASIC_TYPES = ['BAR', 'LINE', 'AREA', 'COLUMN', 'SCATTER', 'COMBO', 'STEPPED_AREA'];
const AXES = ['BOTTOM_AXIS', 'LEFT_AXIS', 'RIGHT_AXIS'];

function gridRange(value: unknown, sheetIds: Set<number>, where: string) {
  if (!isObject(value) || typeof value.sheetId !== 'number' || !sheetIds.has(value.sheetId)) {
    throw invalid(`Invalid ${where}: no grid with id ${isObject(value) ? String(value.sheetId) : '?'}`);
  }
  const {
    startRowIndex = 0,
    endRowIndex,
    startColumnIndex = 0,
    endColumnIndex,
  } = value as Record<string, number>;
  if ([startRowIndex, startColumnIndex].some((n) => !Number.isInteger(n) || n < 0)) {
    throw invalid(`Invalid ${where}: negative or fractional index`);
  }
  if ((endRowIndex ?? Infinity) <= startRowIndex || (endColumnIndex ?? Infinity) <= startColumnIndex) {
    throw invalid(`Invalid ${where}: empty range`);
  }
  // Google: a chart source range must be one column or one row.
  const width = (endColumnIndex ?? Infinity) - startColumnIndex;
  const height = (endRowIndex ?? Infinity) - startRowIndex;
  if (width !== 1 && height !== 1) throw invalid(`Invalid ${where}: must be a single row or column`);
}

function chartData(value: unknown, sheetIds: Set<number>, where: string) {
  const sources = isObject(value) && isObject(value.sourceRange) ? value.sourceRange.sources : undefined;
  if (!Array.isArray(sources) || sources.length === 0)
    throw invalid(`Invalid ${where}: sourceRange.sources required`);
  sources.forEach((source, i) => gridRange(source, sheetIds, `${where}.sourceRange.sources[${i}]`));
}

function basicChart(spec: Json, sheetIds: Set<number>, where: string) {
  if (!BASIC_TYPES.includes(String(spec.chartType))) throw invalid(`Invalid ${where}.chartType`);
  const { domains, series } = spec;
  if (!Array.isArray(domains) || domains.length === 0) throw invalid(`Invalid ${where}.domains: required`);
  domains.forEach((d, i) => chartData(isObject(d) ? d.domain : d, sheetIds, `${where}.domains[${i}].domain`));
  if (!Array.isArray(series) || series.length === 0) throw invalid(`Invalid ${where}.series: required`);
  series.forEach((s, i) => {
    if (!isObject(s)) throw invalid(`Invalid ${where}.series[${i}]`);
    chartData(s.series, sheetIds, `${where}.series[${i}].series`);
    if (s.targetAxis !== undefined && !AXES.includes(String(s.targetAxis))) {
      throw invalid(`Invalid ${where}.series[${i}].targetAxis`);
    }
  });
}

/** The checks the Sheets API makes on an addChart request, for the chart kinds we use. */
export function validateChart(chart: unknown, sheetIds: Set<number>, where: string) {
  if (!isObject(chart) || !isObject(chart.spec)) throw invalid(`Invalid ${where}: chart.spec required`);
  const { spec } = chart;
  const kinds = ['basicChart', 'pieChart', 'histogramChart'].filter((kind) => spec[kind] !== undefined);
  if (kinds.length !== 1) throw invalid(`Invalid ${where}.spec: exactly one chart type required`);
  const kind = kinds[0]!;
  const body = spec[kind];
  if (!isObject(body)) throw invalid(`Invalid ${where}.spec.${kind}`);
  if (kind === 'basicChart') basicChart(body, sheetIds, `${where}.spec.basicChart`);
  if (kind === 'pieChart') {
    chartData(body.domain, sheetIds, `${where}.spec.pieChart.domain`);
    chartData(body.series, sheetIds, `${where}.spec.pieChart.series`);
  }
  if (kind === 'histogramChart') {
    const { series } = body;
    if (!Array.isArray(series) || series.length === 0)
      throw invalid(`Invalid ${where}.histogramChart.series`);
    series.forEach((s, i) =>
      chartData(isObject(s) ? s.data : s, sheetIds, `${where}.histogramChart.series[${i}].data`),
    );
  }
  const anchor =
    isObject(chart.position) && isObject(chart.position.overlayPosition)
      ? chart.position.overlayPosition.anchorCell
      : undefined;
  if (!isObject(anchor) || typeof anchor.sheetId !== 'number' || !sheetIds.has(anchor.sheetId)) {
    throw invalid(`Invalid ${where}.position: overlayPosition.anchorCell on an existing sheet required`);
  }
}
