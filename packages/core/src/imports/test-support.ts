/**
 * Helpers for the reader tests: byte sources cut into chunks, and GBK bytes for the few Chinese
 * words the tests use (the platform has a GBK decoder but no GBK encoder, so the bytes are written
 * out; they are what Python's `'…'.encode('gbk')` gives).
 */

import { type CsvItem, type OpenCsvResult, openCsv, type ReadCsvOptions } from './read-csv.ts';

const GBK_WORDS: Record<string, string> = {
  订单编号: 'b6 a9 b5 a5 b1 e0 ba c5',
  买家会员名: 'c2 f2 bc d2 bb e1 d4 b1 c3 fb',
  买家实际支付金额: 'c2 f2 bc d2 ca b5 bc ca d6 a7 b8 b6 bd f0 b6 ee',
  订单状态: 'b6 a9 b5 a5 d7 b4 cc ac',
  订单付款时间: 'b6 a9 b5 a5 b8 b6 bf ee ca b1 bc e4',
  联系手机: 'c1 aa cf b5 ca d6 bb fa',
  张三: 'd5 c5 c8 fd',
  李四: 'c0 ee cb c4',
  交易成功: 'bd bb d2 d7 b3 c9 b9 a6',
  等待买家付款: 'b5 c8 b4 fd c2 f2 bc d2 b8 b6 bf ee',
  '卖家已发货，等待买家确认': 'c2 f4 bc d2 d2 d1 b7 a2 bb f5 a3 ac b5 c8 b4 fd c2 f2 bc d2 c8 b7 c8 cf',
  订单报表: 'b6 a9 b5 a5 b1 a8 b1 ed',
  宝贝标题: 'b1 a6 b1 b4 b1 ea cc e2',
  玉肌皂: 'd3 f1 bc a1 d4 ed',
  导出时间: 'b5 bc b3 f6 ca b1 bc e4',
  至: 'd6 c1',
  店铺名称: 'b5 ea c6 cc c3 fb b3 c6',
  王五: 'cd f5 ce e5',
  小鹿天猫旗舰店: 'd0 a1 c2 b9 cc ec c3 a8 c6 ec bd a2 b5 ea',
  标题: 'b1 ea cc e2',
  价格: 'bc db b8 f1',
  购买数量: 'b9 ba c2 f2 ca fd c1 bf',
  外部系统编号: 'cd e2 b2 bf cf b5 cd b3 b1 e0 ba c5',
  商品属性: 'c9 cc c6 b7 ca f4 d0 d4',
  套餐信息: 'cc d7 b2 cd d0 c5 cf a2',
  备注: 'b1 b8 d7 a2',
  商家编码: 'c9 cc bc d2 b1 e0 c2 eb',
  玻尿酸精华液: 'b2 a3 c4 f2 cb e1 be ab bb aa d2 ba',
  保湿面霜: 'b1 a3 ca aa c3 e6 cb aa',
  洁面乳: 'bd e0 c3 e6 c8 e9',
  '颜色分类：': 'd1 d5 c9 ab b7 d6 c0 e0 a3 ba',
  '——': 'a1 aa a1 aa',
  '\u3000': 'a1 a1',
};

const GBK_BY_LENGTH = Object.keys(GBK_WORDS).sort((a, b) => b.length - a.length);

/** Words `gbk` can encode. */
export const GBK_ENCODABLE: readonly string[] = GBK_BY_LENGTH;

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.trim().split(/\s+/), (h) => Number.parseInt(h, 16));
}

/** `text` in GBK: ASCII as is, each run of other characters looked up in the table above. */
export function gbk(text: string): Uint8Array {
  const out: number[] = [];
  let run = '';
  const flush = () => {
    if (run === '') {
      return;
    }
    // Longest table word first, so that runs like 张三李四 are found word by word.
    while (run !== '') {
      const word = GBK_BY_LENGTH.find((w) => run.startsWith(w));
      if (word === undefined) {
        throw new Error(`test-support: no GBK bytes for "${run}"`);
      }
      out.push(...hexBytes(GBK_WORDS[word]!));
      run = run.slice(word.length);
    }
  };
  for (const c of text) {
    if (c.charCodeAt(0) < 0x80) {
      flush();
      out.push(c.charCodeAt(0));
    } else {
      run += c;
    }
  }
  flush();
  return Uint8Array.from(out);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The bytes as a stream of chunks of `size` bytes (the last may be shorter). */
export async function* chunks(
  bytes: Uint8Array,
  size = Math.max(1, bytes.length),
): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.slice(at, at + size);
  }
}

/** The bytes cut at the given offsets. */
export async function* cutAt(bytes: Uint8Array, offsets: readonly number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const at of [...offsets].sort((a, b) => a - b)) {
    yield bytes.slice(from, at);
    from = at;
  }
  yield bytes.slice(from);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
  }
  return out;
}

export type OpenedCsv = Extract<OpenCsvResult, { ok: true }>;

/** Opens and reads the whole file; fails the test if there is no header. */
export async function readAll(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  options: ReadCsvOptions = {},
): Promise<{ file: OpenedCsv; items: CsvItem[] }> {
  const file = await openCsv(source instanceof Uint8Array ? chunks(source) : source, options);
  if (!file.ok) {
    throw new Error(`expected a header: ${file.reason.en}`);
  }
  return { file, items: await collect(file.rows) };
}

/** The cells of the rows, as plain objects (rows have no prototype). */
export function rowCells(items: readonly CsvItem[]): Record<string, string | null>[] {
  return items.flatMap((item) => (item.kind === 'row' ? [{ ...item.cells }] : []));
}
