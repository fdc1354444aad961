import { columnLetters, parseA1, quoteSheet, type A1Range } from './a1.ts';
import { invalid } from './api-error.ts';
import { validateChart } from './chart-validation.ts';

export type CellValue = string | number | boolean;
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

export interface StandInSheet {
  sheetId: number;
  title: string;
  rows: (CellValue | undefined)[][];
  charts: { chartId: number; spec: Json; position: Json }[];
  frozenRowCount: number;
  /** Format requests applied (repeatCell), kept only to assert on. */
  formats: Json[];
}

/** One spreadsheet's state, changed only through the API operations below. */
export class SpreadsheetModel {
  readonly id: string;
  readonly sheets: StandInSheet[] = [];
  #nextId = 1000;

  constructor(id: string, titles: string[] = ['Sheet1']) {
    this.id = id;
    for (const title of titles) this.#addSheet(title, 0);
  }

  sheet(title: string): StandInSheet | undefined {
    return this.sheets.find((sheet) => sheet.title === title);
  }

  #addSheet(title: string, sheetId = this.#nextId++): StandInSheet {
    const sheet: StandInSheet = { sheetId, title, rows: [], charts: [], frozenRowCount: 0, formats: [] };
    this.sheets.push(sheet);
    return sheet;
  }

  #range(range: string): { sheet: StandInSheet; a1: A1Range } {
    const a1 = parseA1(
      range,
      this.sheets.map((s) => s.title),
    );
    return { sheet: this.sheet(a1.sheet)!, a1 };
  }

  toJson() {
    return {
      spreadsheetId: this.id,
      properties: { title: 'Factory Floor' },
      sheets: this.sheets.map((sheet, index) => ({
        properties: {
          sheetId: sheet.sheetId,
          title: sheet.title,
          index,
          sheetType: 'GRID',
          gridProperties: {
            rowCount: Math.max(1000, sheet.rows.length),
            columnCount: 26,
            frozenRowCount: sheet.frozenRowCount || undefined,
          },
        },
        ...(sheet.charts.length > 0 ? { charts: sheet.charts } : {}),
      })),
    };
  }

  getValues(range: string, majorDimension = 'ROWS', render = 'FORMATTED_VALUE') {
    if (!['ROWS', 'COLUMNS'].includes(majorDimension))
      throw invalid(`Invalid majorDimension: ${majorDimension}`);
    const { sheet, a1 } = this.#range(range);
    const endRow = Math.min(a1.endRow ?? sheet.rows.length, sheet.rows.length);
    const width = Math.max(0, ...sheet.rows.map((row) => row.length));
    const endColumn = Math.min(a1.endColumn ?? width, width);
    const shown = (value: CellValue | undefined) =>
      value === undefined ? '' : render === 'FORMATTED_VALUE' ? String(value) : value;
    let grid = sheet.rows
      .slice(a1.startRow, endRow)
      .map((row) => row.slice(a1.startColumn, endColumn).map(shown));
    if (majorDimension === 'COLUMNS') {
      grid = Array.from({ length: endColumn - a1.startColumn }, (_, c) => grid.map((row) => row[c] ?? ''));
    }
    // Like Google: trailing empty cells and rows are omitted, and `values` is absent when all are empty.
    grid = grid.map((line) => trimEnd(line));
    while (grid.length > 0 && grid.at(-1)!.length === 0) grid.pop();
    return {
      range: `${quoteSheet(sheet.title)}!${range.split('!')[1] ?? ''}`,
      majorDimension,
      ...(grid.length ? { values: grid } : {}),
    };
  }

  append(range: string, body: unknown) {
    const { sheet, a1 } = this.#range(range);
    if (!isObject(body) || !Array.isArray(body.values))
      throw invalid('Invalid JSON payload: values must be a list');
    if (body.majorDimension !== undefined && body.majorDimension !== 'ROWS') {
      throw invalid('Invalid majorDimension: the stand-in takes ROWS');
    }
    if (body.range !== undefined && body.range !== range) {
      throw invalid(
        `Requested writing within range [${range}], but tried writing to [${String(body.range)}]`,
      );
    }
    const values = body.values.map((row, i) => {
      if (!Array.isArray(row)) throw invalid(`Invalid values[${i}]: must be a list`);
      return row.map((cell, j) => {
        if (cell === null || !['string', 'number', 'boolean'].includes(typeof cell)) {
          throw invalid(`Invalid values[${i}][${j}]: must be a string, number or boolean`);
        }
        return cell as CellValue;
      });
    });
    const first = lastUsedRow(sheet) + 1;
    values.forEach((row, i) => {
      const target = (sheet.rows[first + i] ??= []);
      row.forEach((cell, j) => (target[a1.startColumn + j] = cell));
    });
    const width = Math.max(0, ...values.map((row) => row.length));
    const updatedRange = `${quoteSheet(sheet.title)}!${columnLetters(a1.startColumn)}${first + 1}:${columnLetters(a1.startColumn + width - 1)}${first + values.length}`;
    return {
      spreadsheetId: this.id,
      updates: {
        spreadsheetId: this.id,
        updatedRange,
        updatedRows: values.length,
        updatedColumns: width,
        updatedCells: values.length * width,
      },
    };
  }

  /** Validates every request first: like Google, a batch applies all or nothing. */
  batchUpdate(body: unknown) {
    if (!isObject(body) || !Array.isArray(body.requests) || body.requests.length === 0) {
      throw invalid('Invalid JSON payload: requests must be a non-empty list');
    }
    const requests = body.requests as unknown[];
    const ids = new Set(this.sheets.map((s) => s.sheetId));
    const titles = new Set(this.sheets.map((s) => s.title));
    requests.forEach((request, i) => {
      if (!isObject(request) || Object.keys(request).length !== 1)
        throw invalid(`Invalid requests[${i}]: exactly one kind`);
      const [kind, value] = Object.entries(request)[0]!;
      const where = `requests[${i}].${kind}`;
      if (!isObject(value)) throw invalid(`Invalid ${where}`);
      if (kind === 'addSheet') {
        const title = isObject(value.properties) ? value.properties.title : undefined;
        if (typeof title !== 'string' || !title) throw invalid(`Invalid ${where}: properties.title required`);
        if (titles.has(title))
          throw invalid(`Invalid ${where}: A sheet with the name "${title}" already exists.`);
        titles.add(title);
      } else if (kind === 'addChart') {
        validateChart(value.chart, ids, where);
      } else if (['updateCells', 'repeatCell', 'updateSheetProperties'].includes(kind)) {
        if (typeof value.fields !== 'string' || !value.fields)
          throw invalid(`Invalid ${where}: fields required`);
        const target = (value.start ?? value.range ?? value.properties) as Json | undefined;
        if (!isObject(target) || !ids.has(Number(target.sheetId ?? 0)))
          throw invalid(`Invalid ${where}: no grid with that id`);
      } else {
        throw invalid(`Invalid requests[${i}]: ${kind} is not supported by the stand-in`);
      }
    });
    const replies = requests.map((request) => this.#apply(request as Json));
    return { spreadsheetId: this.id, replies };
  }

  #apply(request: Json): Json {
    const [kind, value] = Object.entries(request)[0] as [string, Json];
    const byId = (id: unknown) => this.sheets.find((s) => s.sheetId === Number(id ?? 0))!;
    if (kind === 'addSheet') {
      const sheet = this.#addSheet(String((value.properties as Json).title));
      return { addSheet: { properties: { sheetId: sheet.sheetId, title: sheet.title, sheetType: 'GRID' } } };
    }
    if (kind === 'addChart') {
      const chart = value.chart as Json;
      const position = chart.position as Json;
      const anchorSheet = byId(((position.overlayPosition as Json).anchorCell as Json).sheetId);
      const stored = { chartId: this.#nextId++, spec: chart.spec as Json, position };
      anchorSheet.charts.push(stored);
      return { addChart: { chart: stored } };
    }
    if (kind === 'updateCells') {
      const start = value.start as { sheetId?: number; rowIndex?: number; columnIndex?: number };
      const sheet = byId(start.sheetId);
      ((value.rows as Json[]) ?? []).forEach((row, r) => {
        const target = (sheet.rows[(start.rowIndex ?? 0) + r] ??= []);
        ((row.values as Json[]) ?? []).forEach((cell, c) => {
          const entered = (cell.userEnteredValue ?? {}) as Json;
          target[(start.columnIndex ?? 0) + c] = (entered.formulaValue ??
            entered.stringValue ??
            entered.numberValue) as CellValue;
        });
      });
    }
    if (kind === 'repeatCell') byId((value.range as Json).sheetId).formats.push(value);
    if (kind === 'updateSheetProperties') {
      const properties = value.properties as Json;
      const frozen = (properties.gridProperties as Json | undefined)?.frozenRowCount;
      if (typeof frozen === 'number') byId(properties.sheetId).frozenRowCount = frozen;
    }
    return {};
  }
}

const trimEnd = <T>(line: T[]) => {
  const copy = [...line];
  while (copy.length > 0 && (copy.at(-1) === '' || copy.at(-1) === undefined)) copy.pop();
  return copy;
};

function lastUsedRow(sheet: StandInSheet): number {
  for (let r = sheet.rows.length - 1; r >= 0; r--) {
    if ((sheet.rows[r] ?? []).some((cell) => cell !== undefined && cell !== '')) return r;
  }
  return -1;
}
