import { describe, expect, test } from 'vitest';
import { EventEnvelopeSchema, type EventInput, MAX_BATCH, PropertySchemas } from '../events/event.schema.ts';
import { DEFAULT_DEMO, type DemoOptions, generateDemo, generateDemoEvents } from './generate-demo.ts';

// Small enough to generate in a few milliseconds, big enough for every kind of event to show up.
const SMALL: DemoOptions = { ...DEFAULT_DEMO, seed: 7, customers: 800, days: 45, communities: 4 };
const events = generateDemoEvents(SMALL);

type Props = Record<string, unknown>;
const props = (e: EventInput): Props => e.properties ?? {};
const ofKind = (kind: EventInput['kind']) => events.filter((e) => e.kind === kind);
const wecomId = (e: EventInput) => e.identities.find((i) => i.kind === 'wecom_external_userid')?.value;

describe('generateDemoEvents', () => {
  test('the same seed gives the same events, another seed other events', () => {
    const again = JSON.stringify(generateDemoEvents(SMALL));
    expect(again === JSON.stringify(events)).toBe(true);
    const other = generateDemoEvents({ ...SMALL, seed: 8 });
    expect(JSON.stringify(other) === JSON.stringify(events)).toBe(false);
  });

  test('every event passes the envelope and its kind’s property schema', () => {
    const failures: string[] = [];
    for (const e of events) {
      const envelope = EventEnvelopeSchema.safeParse(e);
      const properties = PropertySchemas[e.kind].safeParse(e.properties);
      if (!envelope.success || !properties.success) {
        failures.push(`${e.source}/${e.id}: ${envelope.error?.message ?? properties.error?.message}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  test('produces every kind of event', () => {
    const kinds = new Set(events.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(Object.keys(PropertySchemas).sort());
  });

  test('ids are unique within their source', () => {
    const keys = new Set(events.map((e) => `${e.source}\u0000${e.id}`));
    expect(keys.size).toBe(events.length);
  });

  test('events are in time order, within the window and never after its end', () => {
    const end = SMALL.end.getTime();
    const start = end - SMALL.days * 86_400_000;
    const times = events.map((e) => Date.parse(e.occurred_at));
    expect(times.every((t) => t >= start && t <= end)).toBe(true);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
  });

  test('phones are mainland mobiles; masked ones only ride along with a matchable identity', () => {
    const phones = events.flatMap((e) => e.identities.filter((i) => i.kind === 'phone'));
    const masked = phones.filter((p) => p.value.includes('*'));
    expect(masked.length).toBeGreaterThan(0);
    expect(masked.every((p) => /^1[3-9]\d\*{4}\d{4}$/.test(p.value))).toBe(true);
    expect(phones.filter((p) => !p.value.includes('*')).every((p) => /^1[3-9]\d{9}$/.test(p.value))).toBe(
      true,
    );
    const withMasked = events.filter((e) => e.identities.some((i) => i.value.includes('*')));
    expect(withMasked.every((e) => e.identities.some((i) => i.kind === 'taobao_nick'))).toBe(true);
  });

  test('some people buy in more than one shop, and the phone on their orders shows it', () => {
    const shopsByPhone = new Map<string, Set<string>>();
    for (const e of ofKind('order.paid')) {
      for (const i of e.identities) {
        if (i.kind === 'phone' && !i.value.includes('*')) {
          shopsByPhone.set(i.value, (shopsByPhone.get(i.value) ?? new Set()).add(String(props(e).shop)));
        }
      }
    }
    const overlapping = [...shopsByPhone.values()].filter((shops) => shops.size > 1).length;
    expect(overlapping).toBeGreaterThan(0);
    expect(overlapping / shopsByPhone.size).toBeLessThan(0.3);
  });

  test('order amounts are the sum of their items, refunds never exceed what was paid', () => {
    const paid = new Map<string, number>();
    // Taobao and Tmall send their items apart, in order.items, as their imports do.
    const itemsApart = new Map(
      ofKind('order.items').map((e) => {
        const p = PropertySchemas['order.items'].parse(e.properties);
        return [p.order_id, p.items] as const;
      }),
    );
    for (const e of ofKind('order.paid')) {
      const p = PropertySchemas['order.paid'].parse(e.properties);
      const items = p.items.length > 0 ? p.items : (itemsApart.get(p.order_id) ?? []);
      expect(items.length > 0 && (p.items.length === 0) === itemsApart.has(p.order_id)).toBe(true);
      expect(p.amount_fen).toBe(items.reduce((sum, item) => sum + item.price_fen * item.quantity, 0));
      expect(items.every((item) => item.price_fen >= 3900 && item.price_fen <= 89900)).toBe(true);
      paid.set(p.order_id, p.amount_fen);
    }
    expect(itemsApart.size).toBeGreaterThan(0);
    const refunds = ofKind('order.refunded');
    expect(refunds.length / paid.size).toBeGreaterThan(0.03);
    expect(refunds.length / paid.size).toBeLessThan(0.1);
    const refunded = new Map<string, number>();
    for (const e of refunds) {
      const p = PropertySchemas['order.refunded'].parse(e.properties);
      // Refunds come after their order (time order), so the order is already known here.
      expect(paid.has(p.order_id)).toBe(true);
      refunded.set(p.order_id, (refunded.get(p.order_id) ?? 0) + p.amount_fen);
    }
    for (const [orderId, amount] of refunded) {
      expect(amount).toBeLessThanOrEqual(paid.get(orderId) ?? 0);
    }
  });

  test('package-card joins are preceded by a link from the shop buyer to the WeCom contact', () => {
    const linked = new Map<string, EventInput>();
    const orders = new Set<string>();
    let viaCard = 0;
    for (const e of events) {
      if (e.kind === 'order.paid') {
        orders.add(String(props(e).order_id));
      } else if (e.kind === 'identity.linked') {
        expect(e.identities.length).toBe(2);
        expect(orders.has(String(props(e).order_id))).toBe(true);
        linked.set(wecomId(e) ?? '', e);
      } else if (e.kind === 'community.joined' && props(e).via === 'package_card') {
        viaCard++;
        expect(linked.has(wecomId(e) ?? '')).toBe(true);
      }
    }
    const joined = ofKind('community.joined');
    expect(viaCard).toBeGreaterThan(0);
    expect(joined.some((e) => props(e).via === 'qr_code')).toBe(true);
    expect(new Set(joined.map(wecomId)).size).toBe(joined.length);
  });

  test('pats target another member of the same group who had already joined', () => {
    const groupOf = new Map<string, unknown>();
    for (const e of events) {
      if (e.kind === 'community.joined') {
        groupOf.set(wecomId(e) ?? '', props(e).community_id);
      } else if (e.kind === 'pat') {
        const p = PropertySchemas.pat.parse(e.properties);
        expect(p.target.value).not.toBe(wecomId(e));
        expect(groupOf.get(p.target.value)).toBe(p.community_id);
      }
    }
  });

  test('chat is heavy-tailed: the top 1 % of members send a large share of messages', () => {
    const sent = new Map<string, number>();
    for (const e of ofKind('community.joined')) {
      sent.set(wecomId(e) ?? '', 0);
    }
    for (const e of ofKind('message.sent')) {
      const id = wecomId(e) ?? '';
      sent.set(id, (sent.get(id) ?? 0) + 1);
    }
    const counts = [...sent.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const top = counts.slice(0, Math.ceil(counts.length / 100)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.15);
    // …and many members never say a word.
    expect(counts.filter((c) => c === 0).length / counts.length).toBeGreaterThan(0.3);
  });

  test('content metrics only grow, and come after their post', () => {
    const published = new Set<string>();
    const last = new Map<string, number>();
    for (const e of events) {
      if (e.kind === 'content.published') {
        published.add(String(props(e).content_id));
      } else if (e.kind === 'content.metrics') {
        const p = PropertySchemas['content.metrics'].parse(e.properties);
        expect(published.has(p.content_id)).toBe(true);
        expect(p.exposure).toBeGreaterThanOrEqual(last.get(p.content_id) ?? 0);
        last.set(p.content_id, p.exposure);
      }
    }
  });
});

describe('generateDemo', () => {
  test('yields the same events in batches of at most MAX_BATCH', () => {
    const batches = [...generateDemo(SMALL)];
    expect(batches.every((b) => b.length > 0 && b.length <= MAX_BATCH)).toBe(true);
    expect(batches.slice(0, -1).every((b) => b.length === MAX_BATCH)).toBe(true);
    expect(JSON.stringify(batches.flat()) === JSON.stringify(events)).toBe(true);
  });

  test('the default brand stays within what a first start can load', () => {
    const all = generateDemoEvents(DEFAULT_DEMO);
    expect(all.length).toBeGreaterThan(250_000);
    expect(all.length).toBeLessThan(400_000);
    expect(all.at(-1)?.occurred_at.localeCompare('2026-11-21T00:00:00+08:00')).toBeLessThanOrEqual(0);
  });

  test('rejects options it cannot honour', () => {
    expect(() => generateDemoEvents({ ...SMALL, customers: 0 })).toThrow(RangeError);
    expect(() => generateDemoEvents({ ...SMALL, end: new Date('nope') })).toThrow(RangeError);
  });
});
