import { describe, expect, test } from 'vitest';
import { decodeText, TextDecodeError } from './decode-text.ts';
import { chunks, collect, concat, cutAt, gbk, hexBytes, utf8 } from './test-support.ts';

async function decodeAll(source: AsyncIterable<Uint8Array>, encoding?: 'utf-8' | 'gb18030') {
  const decoded = await decodeText(source, encoding === undefined ? {} : { encoding });
  return {
    encoding: decoded.encoding,
    decidedBy: decoded.decidedBy,
    text: (await collect(decoded.text)).join(''),
  };
}

async function decodeError(source: AsyncIterable<Uint8Array>): Promise<TextDecodeError> {
  try {
    await decodeAll(source);
  } catch (error) {
    if (error instanceof TextDecodeError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a TextDecodeError');
}

describe('decodeText', () => {
  test('a UTF-8 BOM decides UTF-8 and is stripped (Douyin, WeChatMsg: §0.2)', async () => {
    const r = await decodeAll(chunks(concat(hexBytes('ef bb bf'), utf8('主订单编号,达人ID\n'))));
    expect(r).toEqual({ encoding: 'utf-8', decidedBy: 'bom', text: '主订单编号,达人ID\n' });
  });

  test('UTF-16 BOMs, little and big endian, are read too', async () => {
    const le = concat(hexBytes('ff fe'), hexBytes('62 53 55 53 2c 00 0a 00'));
    const be = concat(hexBytes('fe ff'), hexBytes('53 62 53 55 00 2c 00 0a'));
    expect((await decodeAll(chunks(le, 3))).text).toBe('\u5362\u5355,\n');
    expect(await decodeAll(chunks(be, 1))).toMatchObject({ encoding: 'utf-16be', text: '\u5362\u5355,\n' });
  });

  test('GBK without BOM is recognised from its content (classic Taobao: §0.1)', async () => {
    const r = await decodeAll(chunks(gbk('订单编号,买家会员名\n张三,李四\n')));
    expect(r).toEqual({
      encoding: 'gb18030',
      decidedBy: 'content',
      text: '订单编号,买家会员名\n张三,李四\n',
    });
  });

  test('a character split between chunks, at every possible cut, decodes the same', async () => {
    const bytes = gbk('订单编号,"卖家已发货，等待买家确认"\n宝贝标题,玉肌皂');
    // A 4-byte GB18030 character (U+0080 is 81 30 81 30) and a UTF-8 file with 3-byte characters.
    const withFourByte = concat(bytes, hexBytes('81 30 81 30'), gbk(',张三\n'));
    const expected = (await decodeAll(chunks(withFourByte))).text;
    for (let cut = 1; cut < withFourByte.length; cut++) {
      expect((await decodeAll(cutAt(withFourByte, [cut]), 'gb18030')).text).toBe(expected);
    }
    expect((await decodeAll(chunks(withFourByte, 1))).text).toBe(expected);
    const u = utf8('订单号,😀表情\n');
    for (let cut = 1; cut < u.length; cut++) {
      expect((await decodeAll(cutAt(u, [cut, Math.min(u.length, cut + 2)]))).text).toBe('订单号,😀表情\n');
    }
  });

  test('bytes that fit neither UTF-8 nor GBK name their offset and line', async () => {
    // 0xFF never occurs in GB18030 text.
    const bytes = concat(gbk('订单编号\n张三\n'), hexBytes('ff 41'), gbk('\n'));
    const error = await decodeError(chunks(bytes));
    expect(error.offset).toBe(14);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/neither UTF-8 nor GBK.*byte offset 14 \(line 3\)/);
  });

  test('invalid GBK bytes after the first 64 KiB stop the text at the bad byte, with its offset', async () => {
    const row = gbk('张三,交易成功\n'); // 14 bytes
    const rows = Array.from({ length: 6000 }, () => row); // 84,000 bytes: past the sniffed prefix
    // 0x81 0x7F: a lead byte followed by a byte that cannot trail it.
    const bytes = concat(gbk('订单编号,订单状态\n'), ...rows, gbk('李四,'), hexBytes('81 7f'), gbk('\n'));
    const decoded = await decodeText(chunks(bytes, 4096));
    expect(decoded.encoding).toBe('gb18030');
    let text = '';
    let caught: unknown = null;
    try {
      for await (const t of decoded.text) {
        text += t;
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TextDecodeError);
    const error = caught as TextDecodeError;
    expect(error.offset).toBe(18 + 6000 * 14 + 5);
    expect(error.line).toBe(6002);
    expect(error.message).toContain('the bytes there are 81 7F 0A');
    expect(error.message).toContain('not valid GB18030/GBK');
    // Everything before the bad character was delivered.
    expect(text.endsWith('张三,交易成功\n李四,')).toBe(true);
  });

  test('UTF-8 with a damaged byte is reported as such, never read as GBK nonsense', async () => {
    const bytes = concat(utf8('主订单编号,订单状态\n9001,'), hexBytes('e5 b7'), utf8('发货\n'));
    const error = await decodeError(chunks(bytes));
    expect(error.offset).toBe(34);
    expect(error.message).toMatch(/The file is UTF-8, but the text at byte offset 34 \(line 2\) is not/);
  });

  test('a UTF-8 file cut off in its last character is not mistaken for GBK', async () => {
    const decoded = await decodeText(chunks(concat(utf8('订单号\n张'), hexBytes('e4'))));
    expect(decoded.encoding).toBe('utf-8');
    await expect(collect(decoded.text)).rejects.toThrow(/ends in the middle of a character/);
  });

  test('UTF-8 at the start and GBK later is reported as a file that mixes encodings', async () => {
    const start = utf8(`订单号,状态\n${'O-1,完成\n'.repeat(8000)}`);
    const error = await decodeError(chunks(concat(start, gbk('张三\n')), 8192));
    expect(error.offset).toBe(start.length);
    expect(error.line).toBe(8002);
    expect(error.message).toMatch(
      /not valid UTF-8 \(the bytes there are D5 C5 C8 FD …\)\. The start of the file is UTF-8, so the file mixes encodings/,
    );
  });

  test('a file cut off in the middle of a character says so', async () => {
    const bytes = concat(utf8('订单号\n张三'), hexBytes('e5 bc'));
    const decoded = await decodeText(chunks(bytes), { encoding: 'utf-8' });
    await expect(collect(decoded.text)).rejects.toThrow(
      /ends in the middle of a character, at byte offset 16 \(line 2\) \(the bytes there are E5 BC\)/,
    );
  });

  test('the encoding can be forced, and a pure-ASCII start is read as UTF-8', async () => {
    expect((await decodeAll(chunks(gbk('张三')), 'gb18030')).decidedBy).toBe('option');
    expect(await decodeAll(chunks(utf8('a,b\n1,2')))).toEqual({
      encoding: 'utf-8',
      decidedBy: 'content',
      text: 'a,b\n1,2',
    });
    expect(await decodeAll(chunks(new Uint8Array(0)))).toEqual({
      encoding: 'utf-8',
      decidedBy: 'content',
      text: '',
    });
  });

  test('a U+FEFF inside the text is kept; only the leading BOM is removed', async () => {
    const bytes = concat(hexBytes('ef bb bf'), utf8('a'), hexBytes('ef bb bf'), utf8('b'));
    expect((await decodeAll(cutAt(bytes, [4]))).text).toBe('a\ufeffb');
  });

  test('stopping early closes the source', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; i < 100; i++) {
          yield utf8('x'.repeat(70_000));
        }
      } finally {
        closed = true;
      }
    }
    const decoded = await decodeText(source());
    for await (const _ of decoded.text) {
      break;
    }
    expect(closed).toBe(true);
  });
});
