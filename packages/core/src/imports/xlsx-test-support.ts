/**
 * Helpers for the xlsx reader tests: workbooks written with exceljs, a tiny zip reader and writer
 * to doctor them (a wrong `<dimension>`, a lying size), and zip bombs made of deflated zeros.
 */

import { Readable } from 'node:stream';
import { crc32, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { CsvItem } from './read-csv.ts';
import { type OpenXlsxResult, openXlsx, type ReadXlsxOptions } from './read-xlsx.ts';

export type Worksheet = ExcelJS.Worksheet;

/** An .xlsx whose first sheet `build` fills. */
export async function xlsxBytes(
  build: (sheet: Worksheet, workbook: ExcelJS.Workbook) => void,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook.addWorksheet('订单报表'), workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export interface ZipPart {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Every entry of a zip, inflated (test data only: no limits). */
export function unzipAll(zip: Uint8Array): ZipPart[] {
  const bytes = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = bytes.length - 22;
  while (bytes.readUInt32LE(eocd) !== 0x06054b50) {
    eocd--;
  }
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const parts: ZipPart[] = [];
  for (let n = 0; n < count; n++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    const local = bytes.readUInt32LE(at + 42);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const packed = bytes.subarray(start, start + size);
    parts.push({ name, data: method === 8 ? inflateRawSync(packed) : Uint8Array.from(packed) });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return parts;
}

export interface ZipWriteEntry {
  readonly name: string;
  /** Unpacked bytes, deflated here; or `packed`, already deflated, with `size` and `crc`. */
  readonly data?: Uint8Array;
  readonly packed?: { readonly bytes: Uint8Array; readonly size: number; readonly crc: number };
  /** Writes this unpacked size in the headers instead of the true one (a lying entry). */
  readonly declaredSize?: number;
  /** Sets the "encrypted" flag. */
  readonly encrypted?: boolean;
}

/** A minimal zip: deflated entries, sizes in the local headers and the central directory. */
export function zipBytes(entries: readonly ZipWriteEntry[]): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const packed = entry.packed ?? {
      bytes: deflateRawSync(entry.data ?? new Uint8Array()),
      size: entry.data?.length ?? 0,
      crc: crc32(entry.data ?? new Uint8Array()),
    };
    const size = entry.declaredSize ?? packed.size;
    const flags = 0x800 | (entry.encrypted ? 1 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.crc >>> 0, 14);
    local.writeUInt32LE(packed.bytes.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(packed.crc >>> 0, 16);
    header.writeUInt32LE(packed.bytes.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    out.push(local, name, Buffer.from(packed.bytes));
    central.push(header, name);
    offset += 30 + name.length + packed.bytes.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, directory, end]);
}

/** The zip with the named entries' contents replaced. */
export function rewriteZip(zip: Uint8Array, edit: (part: ZipPart) => ZipWriteEntry | null): Buffer {
  return zipBytes(
    unzipAll(zip).map((part): ZipWriteEntry => edit(part) ?? { name: part.name, data: part.data }),
  );
}

/** `size` bytes of `fill` (zeros by default), deflated as they are made (never all in memory). */
export async function deflatedZeros(
  size: number,
  fill = 0,
): Promise<{ bytes: Buffer; size: number; crc: number }> {
  const zeros = Buffer.alloc(1024 * 1024, fill);
  let crc = 0;
  async function* source() {
    for (let left = size; left > 0; left -= zeros.length) {
      const chunk = left >= zeros.length ? zeros : zeros.subarray(0, left);
      crc = crc32(chunk, crc);
      yield chunk;
    }
  }
  const deflate = Readable.from(source()).pipe(createDeflateRaw({ level: 9 }));
  const parts: Buffer[] = [];
  for await (const chunk of deflate) {
    parts.push(chunk as Buffer);
  }
  return { bytes: Buffer.concat(parts), size, crc };
}

export type OpenedXlsx = Extract<OpenXlsxResult, { ok: true }>;

export async function readXlsx(
  source: string | Uint8Array,
  options: ReadXlsxOptions = {},
): Promise<{ file: OpenedXlsx; items: CsvItem[] }> {
  const file = await openXlsx(typeof source === 'string' ? source : oneChunk(source), options);
  if (!file.ok) {
    throw new Error(`expected a header: ${file.code}: ${file.reason.en}`);
  }
  const items: CsvItem[] = [];
  for await (const item of file.rows) {
    items.push(item);
  }
  return { file, items };
}

export async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
