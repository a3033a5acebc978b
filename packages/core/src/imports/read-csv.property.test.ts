import fc from 'fast-check';
import { expect, test } from 'vitest';
import { cleanText } from './clean-cell.ts';
import { type CsvItem, openCsv, type ReadCsvOptions } from './read-csv.ts';
import { collect, concat, cutAt, GBK_ENCODABLE, gbk, hexBytes, utf8 } from './test-support.ts';

/**
 * Malformed CSV of every kind (bad quotes, line breaks in and out of quotes, cells over the length
 * limit, invalid bytes, formula prefixes, BOMs, GBK) never crashes or hangs the reader, and every
 * line after the header is accounted for: inside a row's or an error's span, blank, or at or after
 * a fatal item. Well-formed files come back exactly, however the bytes are cut.
 */

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.RUNS ?? 300);

const NAMES = ['id', 'a', 'b', 'c'];
const LIMIT = 64; // a small cell limit, so that "over the limit" is cheap to generate

const unit = fc.constantFrom(
  ...['a', 'Z', '7', '.', ' ', ',', '"', '""', '\n', '\r', '\r\n', '\t', '\u00a0', '\u3000', '\ufeff'],
  ...['=', '+', '-', '@', "'", '`', '="', '——', 'N/A', ...GBK_ENCODABLE],
);
const text = (maxLength: number) => fc.string({ unit, maxLength });
const cell = fc.oneof(
  { weight: 6, arbitrary: text(12) },
  { weight: 1, arbitrary: fc.constantFrom('=', '+', '-', '@').chain((p) => text(8).map((t) => p + t)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 19n }).map((n) => `="${n}"`) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 19n }).map((n) => `\t${n}`) },
  { weight: 1, arbitrary: fc.integer({ min: LIMIT - 4, max: LIMIT + 20 }).map((n) => 'x'.repeat(n)) },
);
// How a cell is written: as a correct writer would, raw (quotes and line breaks unescaped), or broken.
const style = fc.constantFrom('proper', 'proper', 'proper', 'raw', 'unclosed', 'after-quote');
const row = fc.record({
  cells: fc.array(fc.tuple(cell, style), { minLength: 3, maxLength: 3 }),
  eol: fc.constantFrom('\n', '\r\n'),
});
const file = fc.record({
  // A clean file is written as a correct writer would; a messy one has everything else.
  clean: fc.boolean(),
  banner: fc.array(fc.constantFrom('订单报表', '导出时间 2026-09-01 至 2026-09-15', '张三 李四'), {
    maxLength: 2,
  }),
  rows: fc.array(row, { maxLength: 25 }),
  finalEol: fc.boolean(),
  bom: fc.boolean(),
  gbk: fc.boolean(),
  forceEncoding: fc.boolean(),
  invalidByteAt: fc.option(fc.nat(), { freq: 2 }),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});

function write(value: string, how: string): string {
  switch (how) {
    case 'proper':
      return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
    case 'raw':
      return value;
    case 'unclosed':
      return `"${value}`;
    default:
      return `"${value}"x`;
  }
}

type Input = typeof file extends fc.Arbitrary<infer T> ? T : never;

function build(input: Input) {
  const lines = [...input.banner.map((b) => `${b}\n`), `${NAMES.join(',')}\n`];
  const cells = input.rows.map((r) =>
    r.cells.map(([value, how]) =>
      input.clean ? ([value.slice(0, LIMIT), 'proper'] as const) : ([value, how] as const),
    ),
  );
  cells.forEach((written, i) => {
    lines.push([`R${i}`, ...written.map(([value, how]) => write(value, how))].join(',') + input.rows[i]!.eol);
  });
  let text = lines.join('');
  if (!input.finalEol) {
    text = text.replace(/\r?\n$/, '');
  }
  const useGbk = input.gbk && !input.bom && !/[\u00a0\ufeff]/.test(text);
  let bytes = useGbk ? gbk(text) : utf8(text);
  if (input.bom && !useGbk) {
    bytes = concat(hexBytes('ef bb bf'), bytes);
  }
  const invalidByteAt = input.clean ? null : input.invalidByteAt;
  if (invalidByteAt !== null) {
    const at = invalidByteAt % (bytes.length + 1);
    bytes = concat(bytes.slice(0, at), hexBytes('ff'), bytes.slice(at));
  }
  const wellFormed =
    invalidByteAt === null &&
    cells.every((r) => r.every(([value, how]) => how === 'proper' && value.length <= LIMIT));
  const options: ReadCsvOptions = {
    expectedHeaders: NAMES,
    maxFieldChars: LIMIT,
    maxRecordChars: 100_000,
    ...(input.forceEncoding ? { encoding: useGbk ? 'gb18030' : 'utf-8' } : {}),
  };
  return { text, bytes, wellFormed, invalidByte: invalidByteAt !== null, expected: cells, options };
}

async function read(bytes: Uint8Array, cuts: readonly number[], options: ReadCsvOptions) {
  const opened = await openCsv(
    cutAt(
      bytes,
      cuts.map((c) => c % (bytes.length + 1)),
    ),
    options,
  );
  return opened.ok ? { opened, items: await collect(opened.rows) } : { opened, items: [] as CsvItem[] };
}

test(`malformed CSV is read without crash or hang, every line accounted for (seed ${SEED})`, async () => {
  console.log(`read-csv property: seed ${SEED}, ${RUNS} runs (rerun with SEED=${SEED})`);
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(file, async (input) => {
      const { text, bytes, wellFormed, invalidByte, expected, options } = build(input);
      const { opened, items } = await read(bytes, input.cuts, options);
      // However the bytes are cut, the outcome is the same.
      const whole = await read(bytes, [], options);
      expect(whole.opened.ok).toBe(opened.ok);
      expect(whole.items).toEqual(items);

      if (!opened.ok) {
        // Only an invalid byte before the header refuses the whole file (with its offset).
        expect(opened).toMatchObject({
          code: 'undecodable',
          reason: { en: expect.stringMatching(/byte offset \d+/), zh: expect.stringMatching(/字节偏移 \d+/) },
        });
        expect(invalidByte).toBe(true);
        return;
      }
      // Physical lines, counted as the reader counts them (CR LF, LF or a lone CR ends a line).
      const physical = text.split(/\r\n|\n|\r/);
      const covered = new Set<number>();
      let next = opened.header.endLine + 1;
      let fatalLine = Number.POSITIVE_INFINITY;
      for (const [index, item] of items.entries()) {
        if (item.kind === 'fatal') {
          expect(index).toBe(items.length - 1);
          expect(item.line).toBeGreaterThanOrEqual(next);
          fatalLine = item.line;
          break;
        }
        // In order, without overlap.
        expect(item.line).toBeGreaterThanOrEqual(next);
        expect(item.endLine).toBeGreaterThanOrEqual(item.line);
        for (let l = item.line; l <= item.endLine; l++) {
          covered.add(l);
        }
        next = item.endLine + 1;
      }
      // An invalid byte is never skipped over: it stops reading where it is.
      expect(fatalLine < Number.POSITIVE_INFINITY).toBe(invalidByte);
      // Every line after the header is in a row or an error, or blank, or after reading stopped.
      for (let l = opened.header.endLine + 1; l <= physical.length && l < fatalLine; l++) {
        if (!covered.has(l)) {
          expect(physical[l - 1]).toMatch(/^[\s,"]*$/);
        }
      }
      if (wellFormed) {
        expect(items.map((i) => i.kind)).toEqual(expected.map(() => 'row'));
        const rows = items.flatMap((i) => (i.kind === 'row' ? [{ ...i.cells }] : []));
        expect(rows).toEqual(
          expected.map(([a, b, c], i) => ({
            id: `R${i}`,
            a: cleanText(a![0]),
            b: cleanText(b![0]),
            c: cleanText(c![0]),
          })),
        );
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // Bounded: a few hundred small files take well under the test timeout.
  expect(Date.now() - started).toBeLessThan(30_000);
});
