import type { FileHandle } from 'node:fs/promises';
import { type Reason, reason } from './import-reason.ts';

/**
 * The central directory of a zip archive (an .xlsx is one), read before anything is inflated, so
 * that an upload whose entries would unpack to more than the limits (a zip bomb) is refused from
 * its declared sizes alone. zip-entry.ts then holds every entry to its declared size while
 * inflating it, so an entry that lies about its size is stopped too.
 *
 * ZIP64 is not read: only archives or entries over 4 GiB need it, far above any limit here, so
 * such a file is refused as too large.
 */

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated; anything else cannot be read. */
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

export interface ZipDirectory {
  readonly fileSize: number;
  /** Where the central directory starts: no entry's data may reach past it. */
  readonly directoryOffset: number;
  readonly entries: readonly ZipEntry[];
}

export interface ZipLimits {
  /** The declared sizes of all entries together, unpacked. Default 512 MiB. */
  readonly maxUncompressedBytes?: number;
  /** Default 10,000 (a workbook has a few dozen). */
  readonly maxEntries?: number;
  /** Largest unpacked : packed ratio of an entry of at least `ratioCheckMinBytes`. Default 200. */
  readonly maxCompressionRatio?: number;
  /** Default 1 MiB: small entries (an empty sheet, a style table) may compress very well. */
  readonly ratioCheckMinBytes?: number;
}

export const DEFAULT_ZIP_LIMITS: Required<ZipLimits> = {
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxEntries: 10_000,
  maxCompressionRatio: 200,
  ratioCheckMinBytes: 1024 * 1024,
};

export type ZipFailureCode = 'corrupt' | 'too_large' | 'zip_bomb' | 'encrypted' | 'unsupported';

export type ZipDirectoryResult =
  | { readonly ok: true; readonly directory: ZipDirectory }
  | { readonly ok: false; readonly code: ZipFailureCode; readonly reason: Reason };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_HEADER_SIZE = 46;

const TRUNCATED: Reason = reason(
  'incomplete_zip',
  'The file is not a complete .xlsx: the end of its zip structure is missing or damaged ' +
    '(was the download or upload cut short?). Download the export again and upload it.',
  '文件不是完整的 .xlsx：它的压缩包结构末尾缺失或已损坏（是不是下载或上传时中断了？）。请重新下载导出的文件再上传。',
);

/** Reads and checks the central directory; inflates nothing. */
export async function readZipDirectory(
  file: FileHandle,
  fileSize: number,
  limits: ZipLimits = {},
): Promise<ZipDirectoryResult> {
  const limit = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const tailSize = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tail = await readAt(file, fileSize - tailSize, tailSize);
  // The record that ends the file exactly (its comment length agrees) is the real one.
  let eocd = -1;
  for (let at = tail.length - EOCD_SIZE; at >= 0; at--) {
    if (
      tail.readUInt32LE(at) === EOCD_SIGNATURE &&
      at + EOCD_SIZE + tail.readUInt16LE(at + 20) === tail.length
    ) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) {
    return { ok: false, code: 'corrupt', reason: TRUNCATED };
  }
  const disk = tail.readUInt16LE(eocd + 4);
  const directoryDisk = tail.readUInt16LE(eocd + 6);
  const count = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  const eocdOffset = fileSize - tailSize + eocd;
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    return zip64Refused();
  }
  if (disk !== 0 || directoryDisk !== 0) {
    return {
      ok: false,
      code: 'unsupported',
      reason: reason(
        'split_zip',
        'The file is one part of a zip split over several files.',
        '该文件只是分卷压缩包中的一卷。',
      ),
    };
  }
  if (count > limit.maxEntries) {
    return {
      ok: false,
      code: 'zip_bomb',
      reason: reason(
        'too_many_entries',
        `The file holds ${count} packed entries, more than the ${limit.maxEntries} allowed; an Excel workbook has a few dozen.`,
        `压缩包中有 ${count} 个文件，超过上限 ${limit.maxEntries} 个；一个 Excel 工作簿通常只有几十个。`,
      ),
    };
  }
  if (directoryOffset + directorySize > eocdOffset || directorySize < count * CENTRAL_HEADER_SIZE) {
    return { ok: false, code: 'corrupt', reason: TRUNCATED };
  }
  const central = await readAt(file, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let at = 0, n = 0; n < count; n++) {
    if (at + CENTRAL_HEADER_SIZE > central.length || central.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      return { ok: false, code: 'corrupt', reason: TRUNCATED };
    }
    const flags = central.readUInt16LE(at + 8);
    const nameLength = central.readUInt16LE(at + 28);
    const next =
      at + CENTRAL_HEADER_SIZE + nameLength + central.readUInt16LE(at + 30) + central.readUInt16LE(at + 32);
    if (next > central.length) {
      return { ok: false, code: 'corrupt', reason: TRUNCATED };
    }
    const nameBytes = central.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
    const entry: ZipEntry = {
      // Bit 11: UTF-8 names. Others are in a code page (GBK in Chinese zips, §0.13); workbook part
      // names are ASCII either way.
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: central.readUInt16LE(at + 10),
      flags,
      crc32: central.readUInt32LE(at + 16),
      compressedSize: central.readUInt32LE(at + 20),
      uncompressedSize: central.readUInt32LE(at + 24),
      localHeaderOffset: central.readUInt32LE(at + 42),
    };
    at = next;
    if (
      entry.compressedSize === 0xffffffff ||
      entry.uncompressedSize === 0xffffffff ||
      entry.localHeaderOffset === 0xffffffff
    ) {
      return zip64Refused();
    }
    if (entry.localHeaderOffset + entry.compressedSize > directoryOffset) {
      return { ok: false, code: 'corrupt', reason: TRUNCATED };
    }
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize >= limit.ratioCheckMinBytes && ratio > limit.maxCompressionRatio) {
      return {
        ok: false,
        code: 'zip_bomb',
        reason: reason(
          'compression_ratio',
          `The packed entry "${entry.name}" would unpack from ${sizeText(entry.compressedSize)} to ` +
            `${sizeText(entry.uncompressedSize)} (${Math.round(ratio)}:1, more than ${limit.maxCompressionRatio}:1). ` +
            'No real export compresses that much; the file was refused as a possible zip bomb.',
          `压缩包中的文件“${entry.name}”会从 ${sizeText(entry.compressedSize, 'zh')} 解压到 ` +
            `${sizeText(entry.uncompressedSize, 'zh')}（${Math.round(ratio)}:1，超过 ${limit.maxCompressionRatio}:1）。` +
            '真实的导出文件不会压缩到这种程度：该文件可能是压缩炸弹，已拒绝导入。',
        ),
      };
    }
    total += entry.uncompressedSize;
    entries.push(entry);
  }
  if (total > limit.maxUncompressedBytes) {
    return {
      ok: false,
      code: 'too_large',
      reason: reason(
        'unpacked_too_large',
        `Unpacked, the file would take ${sizeText(total)}, more than the limit of ${sizeText(limit.maxUncompressedBytes)}. ` +
          'Export a shorter date range, or as CSV.',
        `文件解压后将占用 ${sizeText(total, 'zh')}，超过上限 ${sizeText(limit.maxUncompressedBytes, 'zh')}。` +
          '请缩短导出的日期范围，或导出为 CSV。',
      ),
    };
  }
  return { ok: true, directory: { fileSize, directoryOffset, entries } };
}

/** The entries by lower-cased name (part names in an .xlsx are case-insensitive). */
export function entriesByName(directory: ZipDirectory): Map<string, ZipEntry> {
  const map = new Map<string, ZipEntry>();
  for (const entry of directory.entries) {
    const key = entry.name.toLowerCase();
    if (!map.has(key)) {
      map.set(key, entry);
    }
  }
  return map;
}

/** `1.5 MiB`, `12.0 KiB`, `300 bytes` (in Chinese `300 字节`). */
export function sizeText(bytes: number, language: 'en' | 'zh' = 'en'): string {
  if (bytes >= 1024 * 1024) {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  }
  if (bytes >= 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return language === 'zh' ? `${bytes} 字节` : `${bytes} bytes`;
}

export async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) {
      return buffer.subarray(0, done);
    }
    done += bytesRead;
  }
  return buffer;
}

function zip64Refused(): ZipDirectoryResult {
  return {
    ok: false,
    code: 'too_large',
    reason: reason(
      'zip64',
      'The file uses ZIP64, which only archives over 4 GiB need: it is far larger than an import may be.',
      '文件使用了 ZIP64 格式，只有超过 4 GiB 的压缩包才需要它：远远超出导入允许的大小。',
    ),
  };
}
