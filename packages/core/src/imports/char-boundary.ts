/**
 * Where a byte buffer can be cut without splitting a character, for each encoding we read.
 *
 * The decoder decodes whole characters only (never TextDecoder's `stream` mode), so that every
 * decode call starts on a known character boundary. That is what lets an invalid byte be located
 * exactly (decode-text.ts) instead of "somewhere in this 64 KiB chunk".
 */

export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/**
 * Length of the longest prefix of `bytes` made of whole characters, given that `bytes` starts
 * on a character boundary. Invalid bytes count as whole characters: the decoder will reject them.
 */
export function wholeCharsLength(encoding: TextEncodingName, bytes: Uint8Array): number {
  switch (encoding) {
    case 'utf-8':
      return utf8WholeLength(bytes);
    case 'gb18030':
      return gb18030WholeLength(bytes);
    case 'utf-16le':
      return utf16WholeLength(bytes, 1);
    case 'utf-16be':
      return utf16WholeLength(bytes, 0);
  }
}

function utf8WholeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  // A character is at most 4 bytes, so its lead byte is among the last 4.
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i]!;
    if (b < 0x80) {
      return n;
    }
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + need <= n ? n : i;
    }
  }
  return n;
}

function gb18030WholeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  // GB18030 trail bytes are 0x30–0x39 or 0x40–0xFE, so a byte below 0x30 (a comma, a quote, a line
  // break, a space) is always a character on its own: a boundary right after it is certain. From
  // there walk forward by character lengths; the walk is short because CSV has many such bytes.
  let pos = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (bytes[i]! < 0x30) {
      pos = i + 1;
      break;
    }
  }
  while (pos < n) {
    const b = bytes[pos]!;
    if (b <= 0x80 || b === 0xff) {
      pos += 1;
      continue;
    }
    if (pos + 1 >= n) {
      break;
    }
    const second = bytes[pos + 1]!;
    const length = second >= 0x30 && second <= 0x39 ? 4 : 2;
    if (pos + length > n) {
      break;
    }
    pos += length;
  }
  return pos;
}

/** `highByte` is the index, within a code unit, of its high byte: 1 for LE, 0 for BE. */
function utf16WholeLength(bytes: Uint8Array, highByte: 0 | 1): number {
  let n = bytes.length - (bytes.length % 2);
  if (n >= 2) {
    const high = bytes[n - 2 + highByte]!;
    // A high surrogate (D800–DBFF) needs the low one that follows it.
    if (high >= 0xd8 && high <= 0xdb) {
      n -= 2;
    }
  }
  return n;
}
