/**
 * Cells of exported spreadsheets, pure. A text cell that starts with = + - @ (or a tab or carriage
 * return, which some spreadsheet apps skip before looking for them) would be read as a formula by
 * Excel, LibreOffice or Sheets — `=HYPERLINK(...)` in a nickname becomes a live link. Such cells
 * get a leading apostrophe (OWASP's advice for CSV injection): shown as text, never evaluated.
 * Numbers are written as numbers and need nothing.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export type Cell = string | number | boolean | null;

export function escapeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV field (RFC 4180): escaped against formulas, then quoted when it holds , " CR or LF. */
export function csvField(value: Cell): string {
  if (value === null) {
    return '';
  }
  const text = typeof value === 'string' ? escapeCell(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** An XLSX cell value: text escaped as in CSV (a workbook may be saved as CSV later). */
export function xlsxValue(value: Cell): string | number | boolean | null {
  return typeof value === 'string' ? escapeCell(value) : value;
}
