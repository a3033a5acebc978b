/** What other areas may use of the import readers. */
export {
  type Cleaned,
  cleanText,
  DEFAULT_TIME_ZONE,
  parseAmountFen,
  parseId,
  parseTimestamp,
} from './clean-cell.ts';
export type { CsvProblem } from './csv-tokenizer.ts';
export { type DecodedText, decodeText, TextDecodeError, type TextEncodingName } from './decode-text.ts';
export { normalizeHeaderName, uniqueHeaderNames } from './header-row.ts';
export {
  type CsvBannerLine,
  type CsvCells,
  type CsvErrorCode,
  type CsvHeader,
  type CsvItem,
  type OpenCsvResult,
  openCsv,
  type ReadCsvOptions,
} from './read-csv.ts';
