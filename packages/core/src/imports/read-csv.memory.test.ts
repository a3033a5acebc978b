import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { openCsv } from './read-csv.ts';
import { concat, gbk } from './test-support.ts';

// A real collection before each heap reading, so the numbers are what is retained, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 200_000;
const HEADER = gbk('订单编号,买家会员名,买家实际支付金额,订单状态,联系手机,宝贝标题\r\n');
const MESSAGE = 'x'.repeat(100);

/** A GBK Taobao-like export of `rows` rows, made as it is read, in 64 KiB chunks. */
async function* generatedExport(rows: number): AsyncGenerator<Uint8Array> {
  yield HEADER;
  const middle = gbk(`",张三,178.80,"卖家已发货，等待买家确认",'13800138000,`);
  let pending: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; i < rows; i++) {
    const row = concat(gbk(`="${1_000_000_000_000 + i}`), middle, gbk(`玉肌皂 ${MESSAGE}\r\n`));
    pending.push(row);
    size += row.length;
    if (size >= 65_536) {
      yield concat(...pending);
      pending = [];
      size = 0;
    }
  }
  yield concat(...pending);
}

test(`${ROWS} rows stream through with the heap bounded`, async () => {
  gc();
  const before = process.memoryUsage().heapUsed;
  let bytesRead = 0;
  async function* counted() {
    for await (const chunk of generatedExport(ROWS)) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  const file = await openCsv(counted(), { expectedHeaders: ['订单编号', '买家会员名', '订单状态'] });
  if (!file.ok) {
    throw new Error(file.reason.en);
  }
  let rows = 0;
  let lastLine = 0;
  let peak = 0;
  for await (const item of file.rows) {
    if (item.kind !== 'row') {
      throw new Error(`unexpected ${item.kind} at line ${item.line}`);
    }
    rows++;
    lastLine = item.line;
    if (rows % 50_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
  }
  expect(rows).toBe(ROWS);
  expect(lastLine).toBe(ROWS + 1);
  console.log(
    `read ${bytesRead} bytes; retained heap at most ${(peak / 1024 / 1024).toFixed(1)} MiB above the start`,
  );
  // Over 30 MB went through; what stays behind is a chunk or two and the tokenizer's state.
  expect(bytesRead).toBeGreaterThan(30_000_000);
  expect(peak).toBeLessThan(8 * 1024 * 1024);
});
