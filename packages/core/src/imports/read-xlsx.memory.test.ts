import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { openXlsx } from './read-xlsx.ts';
import { oneChunk, zipBytes } from './xlsx-test-support.ts';

// A real collection before each heap reading, so the numbers are what is retained, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 50_000;
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook whose sheet (with inline strings, as streaming writers make them) holds `rows` rows. */
function generatedWorkbook(rows: number): { zip: Buffer; sheetBytes: number } {
  const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;
  const parts = [
    `<worksheet xmlns="${MAIN}"><dimension ref="A1:A1"/><sheetData><row r="1">`,
    `${inline('A1', '订单编号')}${inline('B1', '买家会员名')}${inline('C1', '买家实际支付金额')}${inline('D1', '宝贝标题')}</row>`,
  ];
  for (let r = 2; r <= rows + 1; r++) {
    parts.push(
      `<row r="${r}">${inline(`A${r}`, String(1_000_000_000_000 + r))}${inline(`B${r}`, `买家${r}`)}` +
        `<c r="C${r}"><v>${r % 1000}.5</v></c>${inline(`D${r}`, `玉肌皂 ${'x'.repeat(60)} ${r}`)}</row>`,
    );
  }
  parts.push('</sheetData></worksheet>');
  const sheet = Buffer.from(parts.join(''), 'utf8');
  const text = (s: string) => Buffer.from(s, 'utf8');
  const zip = zipBytes([
    { name: '[Content_Types].xml', data: text('<Types/>') },
    {
      name: 'xl/workbook.xml',
      data: text(
        `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: text(
        `<Relationships><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
  ]);
  return { zip, sheetBytes: sheet.length };
}

test(`${ROWS} xlsx rows stream through with the heap bounded`, async () => {
  const { zip, sheetBytes } = generatedWorkbook(ROWS);
  gc();
  const before = process.memoryUsage().heapUsed;
  const file = await openXlsx(oneChunk(zip), { expectedHeaders: ['订单编号', '买家会员名', '宝贝标题'] });
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
    if (rows % 10_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
  }
  expect(rows).toBe(ROWS);
  expect(lastLine).toBe(ROWS + 1);
  console.log(
    `xlsx: ${(sheetBytes / 1024 / 1024).toFixed(1)} MiB of sheet XML; retained heap at most ` +
      `${(peak / 1024 / 1024).toFixed(1)} MiB above the start`,
  );
  // Over 10 MiB of XML went through (as rows, many times that); what stays is a chunk or two.
  expect(sheetBytes).toBeGreaterThan(10 * 1024 * 1024);
  expect(peak).toBeLessThan(8 * 1024 * 1024);
});
