import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { type Reason, reason } from './import-reason.ts';
import { readAt, type ZipDirectory, type ZipEntry } from './zip-directory.ts';

/**
 * Reading one entry of a zip whose central directory was checked (zip-directory.ts): inflated as
 * a stream, and held to its declared size — the moment an entry inflates past the size the
 * directory declared (a zip bomb lying about its size), reading stops with an error. Its CRC is
 * checked at its end.
 */

export type ZipReadErrorCode = 'corrupt' | 'zip_bomb' | 'encrypted' | 'unsupported';

/** Its message is `reason.en`. */
export class ZipReadError extends Error {
  readonly code: ZipReadErrorCode;
  readonly reason: Reason;

  constructor(code: ZipReadErrorCode, why: Reason) {
    super(why.en);
    this.name = 'ZipReadError';
    this.code = code;
    this.reason = why;
  }
}

const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const CHUNK = 64 * 1024;

/** The entry's unpacked bytes, as they are inflated. Throws `ZipReadError`. */
export async function* entryBytes(
  file: FileHandle,
  directory: ZipDirectory,
  entry: ZipEntry,
): AsyncGenerator<Buffer, void, undefined> {
  if (entry.flags & 0x1) {
    throw new ZipReadError(
      'encrypted',
      reason(
        'encrypted_entry',
        `The packed entry "${entry.name}" is encrypted (password-protected).`,
        `压缩包中的文件“${entry.name}”已加密（设有密码）。`,
      ),
    );
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipReadError(
      'unsupported',
      reason(
        'unsupported_compression',
        `The packed entry "${entry.name}" uses compression method ${entry.method}; only stored and deflated entries can be read.`,
        `压缩包中的文件“${entry.name}”使用了压缩方式 ${entry.method}；只能读取未压缩（stored）或 deflate 压缩的文件。`,
      ),
    );
  }
  const header = await readAt(file, entry.localHeaderOffset, LOCAL_HEADER_SIZE);
  if (header.length < LOCAL_HEADER_SIZE || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw damaged(entry, 'entry_header_missing', 'its header is missing', '缺少它的文件头');
  }
  const start =
    entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > directory.directoryOffset) {
    throw damaged(
      entry,
      'entry_past_end',
      'its data runs past the end of the archive',
      '它的数据超出了压缩包的末尾',
    );
  }
  let produced = 0;
  let crc = 0;
  if (entry.compressedSize > 0) {
    const input = Readable.from(packedChunks(file, entry, start), { objectMode: false });
    // `pipeline` passes an error of either stream on to `output`, where the loop below sees it.
    const output: Readable =
      entry.method === 8 ? pipeline(input, createInflateRaw({ chunkSize: CHUNK }), () => {}) : input;
    try {
      for await (const chunk of output as AsyncIterable<Buffer>) {
        produced += chunk.length;
        if (produced > entry.uncompressedSize) {
          throw new ZipReadError(
            'zip_bomb',
            reason(
              'entry_larger_than_declared',
              `The packed entry "${entry.name}" unpacks to more than the ${entry.uncompressedSize} bytes it declares; ` +
                'reading stopped (a damaged file or a zip bomb).',
              `压缩包中的文件“${entry.name}”解压后超过它声明的 ${entry.uncompressedSize} 字节，已停止读取（文件已损坏，或是压缩炸弹）。`,
            ),
          );
        }
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof ZipReadError) {
        throw error;
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw damaged(entry, 'entry_inflate_failed', detail, `解压出错：${detail}`);
    } finally {
      output.destroy();
      input.destroy();
    }
  }
  if (produced !== entry.uncompressedSize) {
    throw damaged(
      entry,
      'entry_size_mismatch',
      `it unpacks to ${produced} bytes, not the ${entry.uncompressedSize} it declares`,
      `解压后是 ${produced} 字节，而不是它声明的 ${entry.uncompressedSize} 字节`,
    );
  }
  if (crc >>> 0 !== entry.crc32) {
    throw damaged(entry, 'entry_checksum_mismatch', 'its checksum does not match', '校验和不符');
  }
}

/** The packed bytes, read with positioned reads: the handle stays open for the next entry. */
async function* packedChunks(file: FileHandle, entry: ZipEntry, start: number): AsyncGenerator<Buffer> {
  const length = entry.compressedSize;
  for (let done = 0; done < length; ) {
    const size = Math.min(CHUNK, length - done);
    const chunk = await readAt(file, start + done, size);
    if (chunk.length < size) {
      throw damaged(entry, 'entry_cut_off', 'the file ends inside it', '文件在它的中间就结束了');
    }
    done += size;
    yield chunk;
  }
}

/** The whole entry as UTF-8 text; for the small parts of a workbook (its sheet list, relationships). */
export async function entryText(
  file: FileHandle,
  directory: ZipDirectory,
  entry: ZipEntry,
  maxBytes: number,
): Promise<string> {
  if (entry.uncompressedSize > maxBytes) {
    throw new ZipReadError(
      'zip_bomb',
      reason(
        'part_too_large',
        `The packed entry "${entry.name}" declares ${entry.uncompressedSize} bytes, more than the ${maxBytes} such a part may have.`,
        `压缩包中的文件“${entry.name}”声明有 ${entry.uncompressedSize} 字节，超过这类部件的上限 ${maxBytes} 字节。`,
      ),
    );
  }
  const parts: Buffer[] = [];
  for await (const chunk of entryBytes(file, directory, entry)) {
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

export interface StoredZipEntry {
  readonly name: string;
  readonly size: number;
  readonly crc32: number;
  /** Must yield exactly `size` bytes whose CRC is `crc32` (`entryBytes` guarantees it, or throws). */
  readonly bytes: () => AsyncIterable<Uint8Array>;
}

/**
 * A zip of stored (uncompressed) entries, written as it is read: how the chosen parts of a
 * workbook are handed on, in the order the reader needs them, already inflated and checked.
 */
export async function* storedZip(
  entries: readonly StoredZipEntry[],
): AsyncGenerator<Buffer, void, undefined> {
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(LOCAL_HEADER_SIZE);
    local.writeUInt32LE(LOCAL_SIGNATURE, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt32LE(entry.crc32 >>> 0, 14);
    local.writeUInt32LE(entry.size, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    yield Buffer.concat([local, name]);
    for await (const chunk of entry.bytes()) {
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x800, 8);
    header.writeUInt32LE(entry.crc32 >>> 0, 16);
    header.writeUInt32LE(entry.size, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += LOCAL_HEADER_SIZE + name.length + entry.size;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  yield Buffer.concat([directory, end]);
}

/** A small part made up here (an empty shared-strings table), as a stored entry. */
export function textEntry(name: string, text: string): StoredZipEntry {
  const bytes = Buffer.from(text, 'utf8');
  return {
    name,
    size: bytes.length,
    crc32: crc32(bytes) >>> 0,
    bytes: async function* () {
      yield bytes;
    },
  };
}

/** `detailEn` and `detailZh` say what is wrong with the entry; `code` names it. */
function damaged(entry: ZipEntry, code: string, detailEn: string, detailZh: string): ZipReadError {
  return new ZipReadError(
    'corrupt',
    reason(
      code,
      `The file is damaged: the packed entry "${entry.name}" cannot be read (${detailEn}). Download the export again and upload it.`,
      `文件已损坏：无法读取压缩包中的文件“${entry.name}”（${detailZh}）。请重新下载导出的文件再上传。`,
    ),
  );
}
