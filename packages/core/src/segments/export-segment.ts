import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { compileFilter, filterContext } from './compile-filter.ts';
import { type CustomerSelection, resolveSelection } from './customer-selection.ts';
import { requireFilter } from './filter.schema.ts';
import { findMatchingPage, findSegmentRow, type SegmentCustomerRow } from './segments.queries.ts';
import { type Cell, csvLine, xlsxValue } from './spreadsheet-cell.ts';

/**
 * A segment's customers, or the customer list's current selection (a filter, a segment and a
 * search together, customer-selection.ts), as CSV or XLSX, streamed: rows are read in keyset pages of PAGE and
 * written as they come, so memory does not grow with the segment, and the first bytes leave
 * before the last page is read. Identities are masked whoever exports (exports leave the system;
 * unmasking is for one customer at a time). Each export is audited before its first byte.
 * Pages are separate reads, so a customer changing while a long export runs may be seen as of
 * either side of the change; every customer appears at most once (ids only grow along the walk).
 */

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE = 1000;

const COLUMNS: readonly { header: string; value: (row: SegmentCustomerRow) => Cell }[] = [
  { header: 'customer_id', value: (r) => r.customer_id },
  { header: 'display', value: (r) => r.display },
  { header: 'orders', value: (r) => r.orders },
  { header: 'net_fen', value: (r) => r.net_fen },
  { header: 'total', value: (r) => r.total },
  { header: 'band', value: (r) => r.band },
  { header: 'rfm_group', value: (r) => r.rfm_group },
  { header: 'r', value: (r) => r.r },
  { header: 'f', value: (r) => r.f },
  { header: 'm', value: (r) => r.m },
  { header: 'consumption', value: (r) => r.consumption },
  { header: 'interaction', value: (r) => r.interaction },
  { header: 'content', value: (r) => r.content },
  { header: 'social', value: (r) => r.social },
  { header: 'koc_candidate', value: (r) => r.koc_candidate },
  { header: 'tags', value: (r) => r.tags.join(';') },
];

export type SegmentExport = {
  /** ASCII only, from the id: no user text reaches a response header. */
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
};

export async function exportSegment(
  db: Db,
  workspace: Workspace,
  id: number,
  format: ExportFormat,
  actor: string,
  now = new Date(),
): Promise<SegmentExport> {
  const segment = await findSegmentRow(db, workspace.id, id);
  if (!segment) {
    throw new AppError('not_found', `no segment ${id}`);
  }
  const compiled = compileFilter(requireFilter(segment.filter), filterContext(workspace, now));
  await insertAudit(db, workspace.id, {
    actor,
    action: 'segment.export',
    target: `segment:${id}`,
    detail: { name: segment.name, format, filter: segment.filter },
  });
  return spreadsheet(`segment-${id}`, format, (after) =>
    findMatchingPage(db, workspace.id, compiled, { limit: PAGE, after }),
  );
}

/**
 * The customer list as the Customers page shows it (filter, segment and search combined), with the
 * segment export's columns. Audited as `customers.export` with what was selected; the search text
 * is not kept (it is a phone or a nick: personal data), only that there was one.
 */
export async function exportCustomers(
  db: Db,
  workspace: Workspace,
  selection: CustomerSelection,
  format: ExportFormat,
  actor: string,
  now = new Date(),
): Promise<SegmentExport> {
  const resolved = await resolveSelection(db, workspace, selection, now);
  await insertAudit(db, workspace.id, {
    actor,
    action: 'customers.export',
    target: resolved.described.segment ? `segment:${resolved.described.segment.id}` : 'customers',
    detail: { format, ...resolved.described },
  });
  // The day in the workspace's calendar, digits only (the name reaches a response header).
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: workspace.timeZone })
    .format(now)
    .replace(/\D/g, '');
  return spreadsheet(`customers-${day}`, format, (after) =>
    findMatchingPage(db, workspace.id, resolved.compiled, { limit: PAGE, after, ids: resolved.ids }),
  );
}

function spreadsheet(
  name: string,
  format: ExportFormat,
  page: (after: number) => Promise<SegmentCustomerRow[]>,
): SegmentExport {
  async function* pages() {
    let after = 0;
    for (;;) {
      const rows = await page(after);
      if (rows.length > 0) {
        yield rows;
      }
      const last = rows.at(-1);
      if (rows.length < PAGE || !last) {
        return;
      }
      after = last.customer_id;
    }
  }
  const filename = `${name}.${format}`;
  return format === 'csv'
    ? { filename, contentType: 'text/csv; charset=utf-8', body: csvStream(pages()) }
    : {
        filename,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: xlsxStream(pages()),
      };
}

/** CSV pulled page by page as the client reads: backpressure for free. */
function csvStream(pages: AsyncGenerator<SegmentCustomerRow[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        // A byte-order mark, so that Excel opens UTF-8 (Chinese nicknames) as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(COLUMNS.map((c) => c.header))}`));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(
        encoder.encode(next.value.map((row) => csvLine(COLUMNS.map((c) => c.value(row)))).join('')),
      );
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

/**
 * XLSX through exceljs's streaming writer: rows are committed (serialised and zipped) as they are
 * added. The writer pushes, so between pages it waits while the client has not read what is
 * buffered.
 */
function xlsxStream(pages: AsyncGenerator<SegmentCustomerRow[]>): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const write = async () => {
    // Loaded on first use: exceljs adds ≈ 20 MiB to a process, which CSV never needs.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: false,
      useStyles: false,
    });
    const sheet = workbook.addWorksheet('customers');
    sheet.addRow(COLUMNS.map((c) => c.header)).commit();
    for await (const rows of pages) {
      if (out.destroyed) {
        // the client went away: stop reading pages
        await pages.return(undefined);
        return;
      }
      for (const row of rows) {
        sheet.addRow(COLUMNS.map((c) => xlsxValue(c.value(row)))).commit();
      }
      if (out.writableNeedDrain) {
        await Promise.race([once(out, 'drain'), once(out, 'close')]);
      }
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
