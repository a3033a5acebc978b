import { describe, expect, test } from 'vitest';
import { type CsvRecord, CsvTokenizer, type CsvTokenizerLimits } from './csv-tokenizer.ts';

function tokenize(text: string | readonly string[], limits: CsvTokenizerLimits = {}): CsvRecord[] {
  const tokenizer = new CsvTokenizer(limits);
  const parts = typeof text === 'string' ? [text] : text;
  return [...parts.flatMap((part) => tokenizer.push(part)), ...tokenizer.end()];
}

const brief = (records: readonly CsvRecord[]) =>
  records.map((r) =>
    r.problem === null ? [r.line, r.endLine, ...r.fields] : [r.line, r.endLine, r.problem.code],
  );

describe('CsvTokenizer', () => {
  test('quotes, doubled quotes, and line breaks inside quotes, with the lines each record spans', () => {
    const text = 'a,b,c\n1,"say ""hi""","two\nlines"\n2,,"x,y"\n';
    expect(brief(tokenize(text))).toEqual([
      [1, 1, 'a', 'b', 'c'],
      [2, 3, '1', 'say "hi"', 'two\nlines'],
      [4, 4, '2', '', 'x,y'],
    ]);
  });

  test('CRLF, LF and lone CR line ends, mixed, and CRLF inside a quoted cell', () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n2,3\n4,5\r6,7';
    expect(brief(tokenize(text))).toEqual([
      [1, 1, 'a', 'b'],
      [2, 3, '1', 'x\r\ny'],
      [4, 4, '2', '3'],
      [5, 5, '4', '5'],
      [6, 6, '6', '7'],
    ]);
  });

  test('blank lines are records of one empty cell, on their own line', () => {
    expect(brief(tokenize('a\n\n\r\nb\n'))).toEqual([
      [1, 1, 'a'],
      [2, 2, ''],
      [3, 3, ''],
      [4, 4, 'b'],
    ]);
  });

  test('the result does not depend on where the text is cut into chunks', () => {
    const text = 'h1,h2\r\n"a""b",="123"\r\n"multi\r\nline","x"\n"bad"x,y\r\n,\n"open,\n';
    const whole = tokenize(text);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(tokenize([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(tokenize(text.split(''))).toEqual(whole);
  });

  test('a quote inside an unquoted cell is text: Taobao writes ids as ="…" (§0.4)', () => {
    expect(brief(tokenize('="1234567890123456789",5" screen\n'))).toEqual([
      [1, 1, '="1234567890123456789"', '5" screen'],
    ]);
  });

  test('text after a closing quote rejects the record and the next record is read', () => {
    const records = tokenize('a,b\n"abc"def,x\n1,2\n');
    expect(records[1]).toEqual({
      line: 2,
      endLine: 2,
      fields: [],
      problem: { code: 'text_after_quote', column: 1 },
    });
    expect(brief(records.slice(2))).toEqual([[3, 3, '1', '2']]);
  });

  test('a quote never closed is reported from its line to the end', () => {
    const records = tokenize('a,b\n1,"open\n2,3\n4,5\n');
    expect(records).toHaveLength(2);
    expect(records[1]).toEqual({
      line: 2,
      endLine: 4,
      fields: [],
      problem: { code: 'unclosed_quote', column: 2, quoteLine: 2 },
    });
  });

  test('a cell over the limit rejects its record, keeps no more than the limit, and reading goes on', () => {
    const records = tokenize(
      ['a,b\n1,', 'x'.repeat(60), 'y'.repeat(60), '\n2,"', 'z'.repeat(200), '"\n3,4\n'],
      {
        maxFieldChars: 100,
      },
    );
    expect(brief(records)).toEqual([
      [1, 1, 'a', 'b'],
      [2, 2, 'field_too_long'],
      [3, 3, 'field_too_long'],
      [4, 4, '3', '4'],
    ]);
    expect(records[1]!.problem).toEqual({ code: 'field_too_long', column: 2, limit: 100 });
  });

  test('too many cells, or too long a record, reject the record', () => {
    expect(brief(tokenize(`${','.repeat(20)}\nok\n`, { maxCells: 10 }))).toEqual([
      [1, 1, 'too_many_cells'],
      [2, 2, 'ok'],
    ]);
    expect(brief(tokenize(`${'abcd,'.repeat(10)}\nok\n`, { maxFieldChars: 10, maxRecordChars: 20 }))).toEqual(
      [
        [1, 1, 'record_too_long'],
        [2, 2, 'ok'],
      ],
    );
  });

  test('pendingLine says where reading stands', () => {
    const tokenizer = new CsvTokenizer();
    tokenizer.push('a\nb,"c\n');
    expect(tokenizer.pendingLine).toBe(2);
    tokenizer.push('d"\n');
    expect(tokenizer.pendingLine).toBe(4);
    tokenizer.push('e\r');
    expect(tokenizer.pendingLine).toBe(5);
  });
});
