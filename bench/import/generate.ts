import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * A seeded Taobao/Tmall order report (`ExportOrderList*.csv`, formats README §1a) in GBK, written
 * in chunks so memory does not grow with the number of rows. Rows look like a real shop's export:
 * `="…"` order ids, repeat buyers (a pool of about a third as many buyers as rows, a tenth of them
 * with masked phones, phones sometimes written `'138…` as Excel-minded exports do), amounts with
 * postage, a `元` suffix on 打款商家金额, multi-item titles quoted because they hold commas, the full
 * status vocabulary (about 5 % unpaid or closed without payment, which an import skips), refunds,
 * and one row in 2,000 whose 订单编号 Excel turned into `1.98765E+18` (rejected).
 *
 * Node can decode GBK but not encode it, so the GBK table is inverted once at startup by decoding
 * every double-byte code with `TextDecoder('gb18030')`; the fixed Chinese strings are encoded with
 * it ahead of time, and rows are assembled from those bytes and ASCII.
 *
 * What an import must make of the file is counted while writing and returned (`Expected`).
 */

export type Expected = {
  version: number;
  rows: number;
  seed: number;
  bytes: number;
  /** Rows that become events. */
  imported: number;
  /** Unpaid, or closed without payment. */
  skipped: number;
  /** Order ids in E notation. */
  rejected: number;
  /** order.paid events (= imported rows). */
  orders: number;
  /** order.refunded events. */
  refunds: number;
  /** Distinct buyers of the imported rows: the customers an import creates. */
  buyers: number;
};

/** Bump when the generated file changes, so a cached file is not reused. */
export const GENERATOR_VERSION = 2;

/** The 54 columns of §1a, with the trailing spaces the real export has. */
export const HEADER =
  '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,特权订金订单id,是否上传合同照片,是否上传小票,是否代付,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,新零售交易类型,新零售导购门店名称,新零售导购门店id,新零售发货门店名称,新零售发货门店id,退款金额,预约门店,确认收货时间,打款商家金额,含应开票给个人的个人红包';

/** Encodes text as GBK; the table is built once from the platform's GB18030 decoder. */
export class GbkEncoder {
  readonly #table = new Map<number, number>();

  constructor() {
    const decoder = new TextDecoder('gb18030', { fatal: true });
    const pair = new Uint8Array(2);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) {
          continue;
        }
        pair[0] = lead;
        pair[1] = trail;
        let text: string;
        try {
          text = decoder.decode(pair);
        } catch {
          continue;
        }
        const code = text.codePointAt(0);
        if (text.length === 1 && code !== undefined && code >= 0x80 && !this.#table.has(code)) {
          this.#table.set(code, (lead << 8) | trail);
        }
      }
    }
  }

  encode(text: string): Buffer {
    const out: number[] = [];
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (code < 0x80) {
        out.push(code);
        continue;
      }
      const bytes = this.#table.get(code);
      if (bytes === undefined) {
        throw new Error(`"${char}" has no GBK code`);
      }
      out.push(bytes >> 8, bytes & 0xff);
    }
    return Buffer.from(out);
  }
}

/** mulberry32: small, fast, good enough for test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NICK_HEADS = [
  '小',
  '大',
  '爱吃',
  '快乐的',
  '淘气',
  '甜甜',
  '阿',
  '老',
  '开心',
  '云朵',
  '星星',
  '月亮上的',
];
const NICK_TAILS = ['猫', '鱼', '兔', '熊', '宝贝', '姐姐', '哥哥', '妈妈', '小屋', '之家', '丫头', '大叔'];
const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '艳',
  '勇',
  '杰',
  '娟',
  '涛',
];
const REGIONS = [
  '浙江省 杭州市 西湖区',
  '浙江省 宁波市 鄞州区',
  '上海 上海市 浦东新区',
  '北京 北京市 朝阳区',
  '广东省 深圳市 南山区',
  '广东省 广州市 天河区',
  '江苏省 南京市 鼓楼区',
  '江苏省 苏州市 工业园区',
  '四川省 成都市 武侯区',
  '湖北省 武汉市 洪山区',
  '福建省 厦门市 思明区',
  '山东省 青岛市 市南区',
];
const STREETS = ['文三路', '人民路', '中山路', '解放大道', '建设路', '科技园南路', '学院路', '滨江大道'];
const TITLES: readonly [string, number][] = [
  ['2025新款 明前龙井茶 特级 250g 礼盒装', 16800],
  ['云南普洱 熟茶 饼茶 357g 勐海老料', 12800],
  ['安溪铁观音 浓香型 新茶 500g 袋装', 8800],
  ['武夷山 大红袍 岩茶 特级 礼盒 送礼', 25800],
  ['福鼎白茶 白牡丹 2019年 老白茶 饼', 19900],
  ['茶具套装 家用 陶瓷 功夫茶杯 6只装', 6900],
  ['玻璃 公道杯 加厚 耐热 茶海 分茶器', 2900],
  ['正山小种 红茶 散装 罐装 200g', 5800],
  ['茉莉花茶 飘雪 浓香 花草茶 100g', 3900],
  ['竹制 茶盘 小型 储水式 干泡台', 11900],
  ['信阳毛尖 绿茶 雨前 嫩芽 250g', 9900],
  ['便携 旅行茶具 快客杯 一壶二杯 收纳包', 4500],
];
const LOGISTICS = ['圆通速递', '中通快递', '顺丰速运', '韵达快递', '申通快递', '邮政快递包裹'];
const MESSAGES = ['请尽快发货，谢谢', '送人的，不要放发票', '周末送货', '包装好一点'];
const CLOSE_REASONS = ['买家不想买了', '卖家缺货', '其他原因'];
const SHOP = '山野茶舍旗舰店';
const MOBILE_PREFIXES = [
  '130',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '158',
  '177',
  '186',
  '189',
];

const PAID_STATUSES = ['交易成功', '买家已付款，等待卖家发货', '卖家已发货，等待买家确认'] as const;
const UNPAID = '等待买家付款';
const CLOSED = '交易关闭';

const CHUNK = 1 << 22;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Writes `rows` rows to `path`; resolves with what an import must find in them. */
export async function generateTaobaoExport(options: {
  rows: number;
  seed: number;
  path: string;
}): Promise<Expected> {
  const { rows, seed } = options;
  const gbk = new GbkEncoder();
  const enc = (values: readonly string[]) => values.map((v) => gbk.encode(v));
  const nickHeads = enc(NICK_HEADS);
  const nickTails = enc(NICK_TAILS);
  const surnames = enc(SURNAMES);
  const given = enc(GIVEN);
  const regions = enc(REGIONS);
  const streets = enc(STREETS);
  const titles = enc(TITLES.map(([t]) => t));
  const logistics = enc(LOGISTICS);
  const messages = enc(MESSAGES);
  const closeReasons = enc(CLOSE_REASONS);
  const paidStatuses = enc(PAID_STATUSES);
  const unpaid = gbk.encode(UNPAID);
  const closed = gbk.encode(CLOSED);
  const shop = gbk.encode(SHOP);
  const hao = gbk.encode('号');
  const yuan = gbk.encode('元');
  const express = gbk.encode('快递');
  const mobileOrder = gbk.encode('手机订单');
  const no = gbk.encode('否');

  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const buyerPool = Math.max(1, Math.round(rows / 3));
  const seenBuyers = new Uint8Array(buyerPool);
  const expected: Expected = {
    version: GENERATOR_VERSION,
    rows,
    seed,
    bytes: 0,
    imported: 0,
    skipped: 0,
    rejected: 0,
    orders: 0,
    refunds: 0,
    buyers: 0,
  };

  const out = createWriteStream(options.path);
  let chunk = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  const bytes = (b: Buffer) => {
    at += b.copy(chunk, at);
  };
  const ascii = (s: string) => {
    at += chunk.write(s, at, 'latin1');
  };
  const flush = async () => {
    const full = chunk.subarray(0, at);
    expected.bytes += at;
    chunk = Buffer.allocUnsafe(CHUNK);
    at = 0;
    await write(out, full);
  };

  bytes(gbk.encode(HEADER));
  ascii('\r\n');
  for (let i = 0; i < rows; i++) {
    const buyer = Math.floor(buyerPool * rand() ** 1.6);
    // Status: 80 % paid, 5 % skipped (unpaid or closed unpaid), 3 % closed after payment
    // (refunded in full), plus one 交易成功 in 50 with a partial refund; E+ ids 1 in 2,000.
    const r = rand();
    const kind = r < 0.025 ? 'unpaid' : r < 0.05 ? 'closed_unpaid' : r < 0.08 ? 'closed_refunded' : 'paid';
    const badId = i % 2000 === 1999;
    const quantity = 1 + Math.floor(rand() ** 3 * 3);
    const items = rand() < 0.15 ? 2 : 1;
    const first = Math.floor(rand() * TITLES.length);
    const second = (first + 1 + Math.floor(rand() * (TITLES.length - 1))) % TITLES.length;
    let goodsFen = TITLES[first]![1] * quantity + (items === 2 ? TITLES[second]![1] : 0);
    if (goodsFen >= 10_000) {
      goodsFen -= [0, 500, 1000, 2000][Math.floor(rand() * 4)]!; // coupons
    }
    const postageFen = rand() < 0.8 ? 0 : 800;
    const totalFen = goodsFen + postageFen;
    const created = YEAR_START + Math.floor(((i + rand()) / rows) * YEAR_MS);
    const paid = kind === 'unpaid' || kind === 'closed_unpaid' ? null : created + 10_000 + rand() * 3_600_000;
    const status =
      kind === 'unpaid' ? unpaid : kind === 'paid' ? paidStatuses[r < 0.8 ? 0 : r < 0.9 ? 1 : 2]! : closed;
    const success = kind === 'paid' && r < 0.8;
    const refundFen =
      kind === 'closed_refunded' ? totalFen : success && rand() < 0.02 ? Math.min(totalFen, 1000) : 0;

    if (badId) {
      expected.rejected += 1;
    } else if (paid === null) {
      expected.skipped += 1;
    } else {
      expected.imported += 1;
      expected.orders += 1;
      if (seenBuyers[buyer] === 0) {
        seenBuyers[buyer] = 1;
        expected.buyers += 1;
      }
      if (refundFen > 0) {
        expected.refunds += 1;
      }
    }

    // 订单编号
    if (badId) {
      ascii(`${(1.9 + rand() * 0.09).toFixed(5)}E+18,`);
    } else {
      ascii(`="19${String(i * 97 + Math.floor(rand() * 97)).padStart(17, '0')}",`);
    }
    // 买家会员名, 买家支付宝账号
    if (buyer % 5 === 0) {
      ascii(`tb${String(buyer * 7 + 100000000)},`);
    } else {
      bytes(nickHeads[buyer % NICK_HEADS.length]!);
      bytes(nickTails[Math.floor(buyer / NICK_HEADS.length) % NICK_TAILS.length]!);
      ascii(`${buyer},`);
    }
    const prefix = MOBILE_PREFIXES[buyer % MOBILE_PREFIXES.length]!;
    const digits = String(buyer).padStart(8, '0');
    ascii(`${prefix}****${digits.slice(4)},`);
    // 买家应付货款 … 买家实际支付积分
    const paidFen = paid === null ? 0 : totalFen;
    ascii(`${yuanText(goodsFen)},${yuanText(postageFen)},0,${yuanText(totalFen)},0,${yuanText(paidFen)},0,`);
    // 订单状态, 买家留言
    bytes(status);
    ascii(',');
    if (rand() < 0.05) {
      bytes(pick(messages));
    }
    ascii(',');
    // 收货人姓名, 收货地址, 运送方式, 联系电话, 联系手机
    bytes(surnames[buyer % SURNAMES.length]!);
    bytes(given[Math.floor(buyer / SURNAMES.length) % GIVEN.length]!);
    ascii(',');
    bytes(regions[buyer % REGIONS.length]!);
    ascii(' ');
    bytes(streets[buyer % STREETS.length]!);
    ascii(` ${1 + (buyer % 300)}`);
    bytes(hao);
    ascii('(310000),');
    bytes(express);
    ascii(',,');
    if (buyer % 10 === 3) {
      ascii(`${prefix}****${digits.slice(4)},`);
    } else {
      ascii(`${buyer % 2 === 0 ? "'" : ''}${prefix}${digits},`);
    }
    // 订单创建时间, 订单付款时间
    ascii(`${wallTime(created)},${paid === null ? '' : wallTime(paid)},`);
    // 宝贝标题 (several titles are quoted: they hold a comma), 宝贝种类
    if (items === 2) {
      ascii('"');
      bytes(titles[first]!);
      ascii(', ');
      bytes(titles[second]!);
      ascii('",2,');
    } else {
      bytes(titles[first]!);
      ascii(',1,');
    }
    // 物流单号, 物流公司, 订单备注, 宝贝总数量, 店铺Id, 店铺名称
    if (paid !== null && kind === 'paid' && status !== paidStatuses[1]) {
      ascii(`="YT${String(Math.floor(rand() * 1e12)).padStart(12, '0')}",`);
      bytes(pick(logistics));
    } else {
      ascii(',');
    }
    ascii(`,,${quantity + items - 1},0,`);
    bytes(shop);
    ascii(',');
    // 订单关闭原因
    if (status === closed) {
      bytes(pick(closeReasons));
    }
    // 卖家服务费 … 是否上传合同照片/小票/代付 … 集分宝抵扣
    ascii(',0,0,,');
    if (rand() < 0.7) {
      bytes(mobileOrder);
    }
    ascii(',,,');
    bytes(no);
    ascii(',');
    bytes(no);
    ascii(',');
    bytes(no);
    ascii(',,,,,0,0,');
    // 是否是O2O交易 … 新零售发货门店id, 退款金额, 预约门店, 确认收货时间, 打款商家金额, 个人红包
    ascii(`,,,,,,${yuanText(refundFen)},,`);
    if (success && paid !== null) {
      ascii(wallTime(paid + 3 * 86_400_000 + rand() * 7 * 86_400_000));
    }
    ascii(`,${yuanText(success ? totalFen - refundFen : 0)}`);
    bytes(yuan);
    ascii(',0\r\n');

    if (at > CHUNK - 4096) {
      await flush();
    }
  }
  await flush();
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return expected;
}

function write(stream: WriteStream, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

function yuanText(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** Wall-clock time in the shop's zone, as the export writes it. */
function wallTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'ExportOrderList202601010000.csv' },
    },
  });
  const expected = await generateTaobaoExport({
    rows: Number(values.rows),
    seed: Number(values.seed),
    path: values.out,
  });
  console.log(JSON.stringify(expected));
}
