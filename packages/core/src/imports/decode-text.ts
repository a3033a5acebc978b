import { type TextEncodingName, wholeCharsLength } from './char-boundary.ts';
import { type Reason, reason } from './import-reason.ts';

export type { TextEncodingName } from './char-boundary.ts';

/**
 * Turns the bytes of an uploaded export into text, streaming.
 *
 * Shops export UTF-8 (Douyin and WeChatMsg with a BOM), GBK (classic Taobao) or either (PDD), and
 * nothing in the file says which. The order is the formats README's (§0.1): a BOM decides; else
 * strict UTF-8; else GB18030 (a superset of GBK). Both decoders are fatal, so a byte that fits
 * neither is an error that names its offset, never a silent U+FFFD.
 *
 * The encoding is decided once, from the first `sniffBytes` (64 KiB: every export's header and first
 * rows). A file whose later bytes are not valid in that encoding stops with an error that says the
 * file mixes encodings, rather than re-reading a file already half imported under another
 * encoding; the caller can pass `encoding` to override the guess. A prefix that is UTF-8 for a few
 * Chinese characters and then breaks is damaged UTF-8, not GBK (see `sniffEncoding`).
 */

export const DEFAULT_SNIFF_BYTES = 64 * 1024;

export interface DecodeTextOptions {
  /** Skip sniffing and decode as this (a BOM of the same encoding is still stripped). */
  readonly encoding?: TextEncodingName;
  readonly sniffBytes?: number;
}

export interface DecodedText {
  readonly encoding: TextEncodingName;
  /** How the encoding was chosen, for the import report. */
  readonly decidedBy: 'bom' | 'content' | 'option';
  /** Whole characters only, in order; throws TextDecodeError at the first undecodable byte. */
  readonly text: AsyncGenerator<string, void, undefined>;
}

/** Bytes that cannot be decoded. `offset` counts from the start of the file, BOM included. */
export class TextDecodeError extends Error {
  readonly reason: Reason;
  readonly offset: number;
  /** 1-based line of the offending byte (lines counted by LF). */
  readonly line: number;

  constructor(why: Reason, offset: number, line: number) {
    super(why.en);
    this.name = 'TextDecodeError';
    this.reason = why;
    this.offset = offset;
    this.line = line;
  }
}

const BOMS: readonly { encoding: TextEncodingName; bytes: readonly number[] }[] = [
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

const LABELS: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  gb18030: 'GB18030/GBK',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
};

/** Reads the first bytes, decides the encoding, and returns the text as a stream of strings. */
export async function decodeText(
  source: AsyncIterable<Uint8Array>,
  options: DecodeTextOptions = {},
): Promise<DecodedText> {
  const input = source[Symbol.asyncIterator]();
  const sniffBytes = options.sniffBytes ?? DEFAULT_SNIFF_BYTES;
  const parts: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  try {
    while (size < sniffBytes) {
      const next = await input.next();
      if (next.done) {
        ended = true;
        break;
      }
      parts.push(next.value);
      size += next.value.length;
    }
    const prefix = concatBytes(parts);
    const bom = BOMS.find((b) => b.bytes.every((byte, i) => prefix[i] === byte));
    let encoding: TextEncodingName;
    let decidedBy: DecodedText['decidedBy'];
    if (options.encoding !== undefined) {
      encoding = options.encoding;
      decidedBy = 'option';
    } else if (bom !== undefined) {
      encoding = bom.encoding;
      decidedBy = 'bom';
    } else {
      encoding = sniffEncoding(prefix);
      decidedBy = 'content';
    }
    const bomLength = bom !== undefined && bom.encoding === encoding ? bom.bytes.length : 0;
    const state: StreamState = {
      encoding,
      decidedBy,
      input,
      ended,
      carry: prefix.subarray(bomLength),
      offset: bomLength,
      line: 1,
    };
    return { encoding, decidedBy, text: decodeStream(state) };
  } catch (error) {
    await input.return?.();
    throw error;
  }
}

/**
 * UTF-8 if the prefix is valid UTF-8, else GB18030 if it is valid GB18030, else an error. A last
 * character cut off by the end of the file is left to the stream to report.
 */
function sniffEncoding(prefix: Uint8Array): TextEncodingName {
  const utf8 = findInvalid('utf-8', prefix.subarray(0, wholeCharsLength('utf-8', prefix)));
  if (utf8 === null) {
    return 'utf-8';
  }
  // GBK text fails UTF-8 at its first Chinese character. Text that was UTF-8 for several non-ASCII
  // characters is UTF-8 with a damaged byte: read as GB18030 it could decode, silently, to nonsense.
  if (countNonAscii(utf8.validText) >= UTF8_EVIDENCE) {
    const line = 1 + countNewlines(utf8.validText);
    const bytes = describeBytes(prefix, utf8.length);
    throw new TextDecodeError(
      reason(
        'damaged_utf8',
        `The file is UTF-8, but the text at byte offset ${utf8.length} (line ${line}) is not ` +
          `(${bytes}). The file is damaged or mixes encodings: export it again ` +
          'from the platform and upload it unchanged.',
        `文件是 UTF-8 编码，但第 ${line} 行（字节偏移 ${utf8.length}）的内容不是（${bytes}）。` +
          '文件已损坏或混用了多种编码：请从平台重新导出，原样上传。',
      ),
      utf8.length,
      line,
    );
  }
  const gb = findInvalid('gb18030', prefix.subarray(0, wholeCharsLength('gb18030', prefix)));
  if (gb === null) {
    return 'gb18030';
  }
  const line = 1 + countNewlines(gb.validText);
  const bytes = describeBytes(prefix, gb.length);
  throw new TextDecodeError(
    reason(
      'unknown_encoding',
      `The file is neither UTF-8 nor GBK/GB18030: byte offset ${gb.length} (line ${line}) fits neither ` +
        `(${bytes}). Export the file again from the platform and upload it unchanged.`,
      `文件既不是 UTF-8 也不是 GBK/GB18030 编码：第 ${line} 行（字节偏移 ${gb.length}）两者都不符（${bytes}）。` +
        '请从平台重新导出，原样上传。',
    ),
    gb.length,
    line,
  );
}

/** Non-ASCII characters decoded as UTF-8 before a bad byte that make the file UTF-8 all the same. */
const UTF8_EVIDENCE = 4;

function countNonAscii(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length && count < UTF8_EVIDENCE; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      count++;
    }
  }
  return count;
}

interface StreamState {
  readonly encoding: TextEncodingName;
  readonly decidedBy: DecodedText['decidedBy'];
  readonly input: AsyncIterator<Uint8Array>;
  ended: boolean;
  /** Undecoded bytes; they always start on a character boundary. */
  carry: Uint8Array;
  /** File offset of carry[0]. */
  offset: number;
  line: number;
}

async function* decodeStream(state: StreamState): AsyncGenerator<string, void, undefined> {
  // Not `stream: true`: each call decodes whole characters from a known boundary (char-boundary.ts),
  // and the BOM is handled above, so the decoder keeps any U+FEFF inside the text.
  const decoder = new TextDecoder(state.encoding, { fatal: true, ignoreBOM: true });
  try {
    for (;;) {
      let bytes = state.carry;
      if (!state.ended) {
        const next = await state.input.next();
        if (next.done) {
          state.ended = true;
        } else if (next.value.length > 0) {
          bytes = bytes.length === 0 ? next.value : concatBytes([bytes, next.value]);
        }
      }
      const whole = state.ended ? bytes.length : wholeCharsLength(state.encoding, bytes);
      let text: string;
      try {
        text = decoder.decode(bytes.subarray(0, whole));
      } catch {
        const bad = findInvalid(state.encoding, bytes.subarray(0, whole));
        if (bad === null) {
          throw new Error('bug: the decoder rejected bytes that decode on their own');
        }
        if (bad.validText !== '') {
          yield bad.validText;
        }
        throw streamError(state, bytes, bad);
      }
      state.line += countNewlines(text);
      state.offset += whole;
      // Copy: a subarray would keep the whole chunk alive for the sake of a few bytes.
      state.carry = bytes.slice(whole);
      if (text !== '') {
        yield text;
      }
      if (state.ended) {
        return;
      }
    }
  } finally {
    if (!state.ended) {
      await state.input.return?.();
    }
  }
}

function streamError(state: StreamState, bytes: Uint8Array, bad: Invalid): TextDecodeError {
  const offset = state.offset + bad.length;
  const line = state.line + countNewlines(bad.validText);
  const where = `byte offset ${offset} (line ${line})`;
  const bytesThere = describeBytes(bytes, bad.length);
  if (bad.truncated) {
    return new TextDecodeError(
      reason(
        'cut_off_character',
        `The file ends in the middle of a character, at ${where} (${bytesThere}). It may have been cut ` +
          'off while downloading; download it again.',
        `文件在第 ${line} 行（字节偏移 ${offset}）的一个字符中间结束（${bytesThere}），可能下载时被截断：请重新下载。`,
      ),
      offset,
      line,
    );
  }
  const label = LABELS[state.encoding];
  const mixed = state.decidedBy === 'content';
  const why = mixed
    ? ` The start of the file is ${label}, so the file mixes encodings (for example rows pasted in ` +
      'from another file). Export it again from the platform, or choose its encoding explicitly.'
    : ` The file is damaged or is not ${label}. Export it again from the platform.`;
  const whyZh = mixed
    ? `文件开头是 ${label}，所以文件混用了多种编码（例如从别的文件粘贴进来的行）。请从平台重新导出，或明确指定编码。`
    : `文件已损坏或不是 ${label} 编码。请从平台重新导出。`;
  return new TextDecodeError(
    reason(
      mixed ? 'mixed_encodings' : 'undecodable_text',
      `The text at ${where} is not valid ${label} (${bytesThere}).${why}`,
      `第 ${line} 行（字节偏移 ${offset}）的内容不是有效的 ${label}（${bytesThere}）。${whyZh}`,
    ),
    offset,
    line,
  );
}

interface Invalid {
  /** Offset, within the bytes examined, where the first undecodable character starts. */
  readonly length: number;
  /** The text of the bytes before it. */
  readonly validText: string;
  /** The bytes end inside a character rather than holding an invalid one. */
  readonly truncated: boolean;
}

/**
 * Where `bytes` (starting on a character boundary) stop being decodable, or null if they decode.
 * Only used on failure, so it may decode a prefix a dozen times.
 */
function findInvalid(encoding: TextEncodingName, bytes: Uint8Array): Invalid | null {
  const decodes = (length: number, stream: boolean): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, length), {
        stream,
      });
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(bytes.length, false)) {
    return null;
  }
  // The smallest prefix that fails even when an unfinished last character is allowed: its last
  // byte is where the decoder noticed. Failing is monotone in the length, so bisect.
  let bad = bytes.length + 1;
  if (!decodes(bytes.length, true)) {
    let good = 0;
    bad = bytes.length;
    while (bad - good > 1) {
      const mid = (good + bad) >>> 1;
      if (decodes(mid, true)) {
        good = mid;
      } else {
        bad = mid;
      }
    }
  }
  // The offending character starts at the last whole-character boundary before that byte,
  // at most 4 bytes back (no encoding here has longer characters).
  let start = bad - 1;
  while (start > 0 && !decodes(start, false)) {
    start--;
  }
  const validText = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(0, start));
  return { length: start, validText, truncated: bad > bytes.length };
}

/** The bytes from `at` on, for the message: `the bytes there are 81 7F 0D 0A`. */
function describeBytes(bytes: Uint8Array, at: number): string {
  const shown = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).toUpperCase().padStart(2, '0'));
  return `the bytes there are ${shown.join(' ')}${at + 4 < bytes.length ? ' …' : ''}`;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    count++;
  }
  return count;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) {
    return parts[0]!;
  }
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
