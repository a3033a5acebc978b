import { parseArgs } from 'node:util';
import {
  AppError,
  type Customer360,
  findCustomers,
  getCustomer360,
  getWorkspace,
  IDENTITY_KINDS,
  type IdentityKind,
} from '@hatchery/core';
import { withDb } from '../with-db.ts';

export async function runCustomer(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', default: 'demo' },
      kind: { type: 'string' },
      unmask: { type: 'boolean', default: false },
    },
  });
  const query = positionals.join(' ').trim();
  if (query === '') {
    throw new AppError('invalid_request', 'usage: hatchery customer <phone|nick|id…> [--workspace <slug>]');
  }
  const kind = values.kind;
  if (kind !== undefined && !IDENTITY_KINDS.includes(kind as IdentityKind)) {
    throw new AppError('invalid_request', `--kind must be one of ${IDENTITY_KINDS.join(', ')}`);
  }
  await withDb(async (db, config) => {
    const workspace = await getWorkspace(db, config.masterSecret, values.workspace);
    const ids = await findCustomers(db, workspace, { q: query, kind: kind as IdentityKind | undefined });
    if (ids.length === 0) {
      console.log(`no customer matches "${query}" in ${workspace.slug}`);
      return;
    }
    for (const id of ids) {
      const customer = await getCustomer360(db, workspace, id, {
        viewer: { actor: 'cli', canUnmask: true },
        unmask: values.unmask,
        timeline: { limit: 20 },
      });
      console.log(formatCustomer(customer));
    }
  });
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—');

export function formatCustomer(c: Customer360): string {
  const lines = [`customer ${c.id}  (profile since ${day(c.created_at)})`, '', 'identities:'];
  for (const i of c.identities) {
    lines.push(`  ${i.kind.padEnd(22)} ${i.value}${i.scope ? `  [${i.scope}]` : ''}`);
  }
  lines.push(
    '',
    `orders: ${c.totals.orders}, paid ${yuan(c.totals.paid_fen)}, refunded ${yuan(c.totals.refunded_fen)}`,
  );
  for (const s of c.shops) {
    lines.push(
      `  ${s.shop.padEnd(8)} ${String(s.orders).padStart(4)} orders  ${yuan(s.net_fen).padStart(12)} net  last ${day(s.last_paid_at)}`,
    );
  }
  lines.push('', 'communities:');
  for (const m of c.communities) {
    lines.push(
      `  ${m.name} (${m.id})  joined ${day(m.joined_at)}${m.member ? '' : `, left ${day(m.left_at)}`}`,
    );
  }
  lines.push('', 'latest events:');
  for (const e of c.timeline.events) {
    lines.push(
      `  ${e.occurred_at.toISOString().slice(0, 16).replace('T', ' ')}  ${e.kind.padEnd(24)} ${e.source}:${e.event_id}`,
    );
  }
  if (c.merges.length > 0) {
    lines.push('', 'merge history:');
    for (const m of c.merges) {
      const undone = m.undone_at ? ` (undone ${day(m.undone_at)})` : '';
      const record = m.record ? ` by ${m.record.source}:${m.record.event_id}` : '';
      lines.push(
        `  #${m.id} ${m.reason}: customer ${m.from_customer_id} → ${m.to_customer_id}${record}${undone}`,
      );
    }
  }
  return lines.join('\n');
}
