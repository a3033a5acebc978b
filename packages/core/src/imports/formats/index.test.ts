import { createReadStream, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { openCsv } from '../read-csv.ts';
import { detectFormat, FORMATS, findFormat } from './index.ts';
import { csvText, mapFile } from './test-helpers.ts';

const SAMPLES = fileURLToPath(new URL('../../../../../../shared/formats/samples/', import.meta.url));

/** Which format each sample belongs to (null would mean: no format reads it yet). */
const SAMPLE_FORMATS: Record<string, string | null> = {
  'douyin/doudian_order_export_min_fixture.csv': 'douyin_orders',
  'wechat_chat/pywxdump_v1_content_json.csv': 'wechat_chat',
  'youzan/youzan_order_export_fixture.csv': 'youzan_orders',
};

describe('the formats', () => {
  test('ids are unique and found by id', () => {
    const ids = FORMATS.map((f) => f.id);
    expect(ids).toEqual([
      'taobao_orders',
      'jd_orders',
      'youzan_orders',
      'youzan_customers',
      'douyin_orders',
      'pdd_orders',
      'wecom_customers',
      'wecom_group_members',
      'wechat_chat',
      'taobao_order_items',
    ]);
    expect(findFormat('jd_orders')?.label).toBe('京东订单导出');
    expect(findFormat('nope')).toBeNull();
  });

  test('no header, no format', () => {
    expect(detectFormat([])).toBeNull();
    expect(detectFormat(['订单编号', '备注'])).toBeNull();
  });

  test('each sample is detected as its format (or as none) and its rows all accounted for', async () => {
    const files = readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.csv'))
      .sort();
    expect(files).toEqual(Object.keys(SAMPLE_FORMATS).sort());
    for (const name of files) {
      // The samples have their header on line 1; detection alone decides.
      const file = await openCsv(createReadStream(`${SAMPLES}${name}`));
      if (!file.ok) {
        throw new Error(`${name}: ${file.reason.en}`);
      }
      await file.rows.return();
      const expected = SAMPLE_FORMATS[name] ?? null;
      expect(detectFormat(file.header.names)?.format.id ?? null, name).toBe(expected);
      if (expected !== null) {
        const mapped = await mapFile(createReadStream(`${SAMPLES}${name}`), { expect: expected });
        // Every reason has a code for programs and words in both console languages.
        for (const outcome of [...mapped.rejected, ...mapped.skipped]) {
          expect(outcome.reason, `${name}:${outcome.line}`).toEqual({
            code: expect.stringMatching(/^[a-z][a-z0-9_]*$/),
            en: expect.stringMatching(/\w/),
            zh: expect.stringMatching(/[\u4e00-\u9fff]/),
          });
        }
        // Every row is accounted for: imported, or rejected/skipped with a reason. (The Douyin
        // fixture has no buyer phone column, so all its rows are rejected, each saying so.)
        expect(mapped.events.length + mapped.rejected.length + mapped.skipped.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('one buyer across shops and WeCom', () => {
  test('Taobao, JD and WeCom rows of the same phone carry the same phone identity', async () => {
    const taobao = await mapFile(
      csvText(
        ['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间', '联系手机'],
        [
          {
            订单编号: '="5000000000000000001"',
            买家会员名: 'tb_alice',
            买家实际支付金额: '50.00',
            订单状态: '交易成功',
            订单付款时间: '2024-03-01 10:00:00',
            联系手机: "'13800138000",
          },
        ],
      ),
      { expect: 'taobao_orders' },
    );
    const jd = await mapFile(
      csvText(
        [
          '订单号',
          '商品ID',
          '商品名称',
          '订购数量',
          '京东价',
          '应付金额',
          '订单状态',
          '下单帐号',
          '联系电话',
          '付款确认时间',
        ],
        [
          {
            订单号: '290000000001',
            商品ID: '1',
            商品名称: '玉肌皂',
            订购数量: '1',
            京东价: '30',
            应付金额: '30',
            订单状态: '完成',
            下单帐号: 'jd_alice',
            联系电话: '+86 138-0013-8000',
            付款确认时间: '2024-04-01 10:00:00',
          },
        ],
      ),
      { expect: 'jd_orders' },
    );
    const wecom = await mapFile(
      csvText(
        ['客户名称', '添加人', '添加人账号', '添加时间', '手机', '外部联系人ID'],
        [
          {
            客户名称: 'Alice',
            添加人: '小王',
            添加人账号: 'wang',
            添加时间: '2024-05-01 10:00:00',
            手机: '13800138000',
            外部联系人ID: 'wmAlice',
          },
        ],
      ),
      { expect: 'wecom_customers' },
    );
    const phone = { kind: 'phone', value: '13800138000' };
    expect(taobao.events[0]?.identities).toContainEqual(phone);
    expect(jd.events[0]?.identities).toContainEqual(phone);
    expect(wecom.events[0]?.identities).toEqual([{ kind: 'wecom_external_userid', value: 'wmAlice' }, phone]);
  });
});
