import { invalid } from './api-error.ts';

/** A parsed A1 range: 0-based, end exclusive, undefined when unbounded. */
export interface A1Range {
  sheet: string;
  startRow: number;
  endRow?: number;
  startColumn: number;
  endColumn?: number;
}

const CELL = /^(?:([A-Z]{1,3})?(\d+)?)$/;

export function columnIndex(letters: string): number {
  return [...letters].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

function splitSheet(range: string): { sheet?: string; cells?: string } {
  const quoted = /^'((?:[^']|'')+)'(?:!(.*))?$/.exec(range);
  if (quoted) return { sheet: quoted[1]!.replaceAll("''", "'"), cells: quoted[2] };
  const bang = range.lastIndexOf('!');
  if (bang === -1) return { cells: range };
  return { sheet: range.slice(0, bang), cells: range.slice(bang + 1) };
}

/** Parses `Sheet!A1:B2`, `'My sheet'!A:A`, `Sheet!1:1`, `Sheet` the way the Sheets API accepts them. */
export function parseA1(range: string, titles: string[]): A1Range {
  const fail = () => invalid(`Unable to parse range: ${range}`);
  const { cells } = splitSheet(range);
  let { sheet } = splitSheet(range);
  if (sheet === undefined) {
    if (titles.includes(range)) return { sheet: range, startRow: 0, startColumn: 0 };
    sheet = titles[0];
  }
  if (sheet === undefined || !titles.includes(sheet)) throw fail();
  if (cells === undefined || cells === '') return { sheet, startRow: 0, startColumn: 0 };
  const [from, to, extra] = cells.split(':');
  if (extra !== undefined) throw fail();
  const start = CELL.exec(from ?? '');
  const end = to === undefined ? start : CELL.exec(to);
  if (!start || !end || (!start[1] && !start[2]) || (!end[1] && !end[2])) throw fail();
  const row = (digits?: string) => (digits ? Number(digits) - 1 : undefined);
  const col = (letters?: string) => (letters ? columnIndex(letters) : undefined);
  const startRow = row(start[2]) ?? 0;
  const startColumn = col(start[1]) ?? 0;
  const endRowIndex = row(end[2]);
  const endColumnIndex = col(end[1]);
  if (startRow < 0 || (endRowIndex !== undefined && endRowIndex < startRow)) throw fail();
  return {
    sheet,
    startRow,
    endRow: endRowIndex === undefined ? undefined : endRowIndex + 1,
    startColumn,
    endColumn: endColumnIndex === undefined ? undefined : endColumnIndex + 1,
  };
}

export const quoteSheet = (title: string) => (/^[A-Za-z0-9_]+$/.test(title) ? title : `'${title}'`);
