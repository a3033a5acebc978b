import { z } from 'zod';
import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { lockWorkspace } from '../workspaces/workspace-locks.queries.ts';
import { applyTagRules } from './apply-tag-rules.ts';
import { type Filter, requireFilter, TagSchema, tagsNamedBy } from './filter.schema.ts';
import { parseInput } from './parse-input.ts';
import {
  countTagged,
  deleteRuleTags,
  deleteTagRuleRow,
  findTagRuleRow,
  insertTagRule,
  listTagRuleRows,
  updateTagRuleRow,
} from './tag-rules.queries.ts';

/**
 * Tag rules: a tag (`rule:<name>`) carried by the customers a filter selects. Saving a rule tags
 * the workspace at once, in one set-based statement, while ingestion waits (as a rescore does), so
 * no batch applies the old version after the new one. Every change is audited.
 */

const RULE_PREFIX = 'rule:';

const RuleTag = TagSchema.refine((t) => t.startsWith(RULE_PREFIX) && t.length > RULE_PREFIX.length, {
  message: 'a rule tag is written rule:<name>',
});
export const TagRuleInputSchema = z.strictObject({
  tag: RuleTag,
  name: z.string().trim().min(1).max(100),
  filter: z.unknown(),
});
/** The tag is the rule's identity (customers carry it since a date); to rename it, make a new rule. */
export const TagRuleUpdateSchema = TagRuleInputSchema.omit({ tag: true });

/** Rules may read derived and manual tags, never rule tags: then no rule depends on another's turn. */
function ruleFilter(input: unknown): Filter {
  const filter = requireFilter(input);
  const { tags, prefixes } = tagsNamedBy(filter);
  const bad =
    tags.find((t) => t.startsWith(RULE_PREFIX)) ??
    prefixes.find((p) => p.startsWith(RULE_PREFIX) || RULE_PREFIX.startsWith(p));
  if (bad !== undefined) {
    throw new AppError(
      'invalid_request',
      `filter: a rule may not depend on rule tags (${JSON.stringify(bad)})`,
    );
  }
  return filter;
}

export async function listTagRules(db: Db, workspace: Workspace) {
  return { rules: await listTagRuleRows(db, workspace.id) };
}

export async function createTagRule(
  db: Db,
  workspace: Workspace,
  input: unknown,
  actor: string,
  now = new Date(),
) {
  const body = parseInput(TagRuleInputSchema, input);
  const filter = ruleFilter(body.filter);
  return db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, workspace.id);
    const rule = await insertTagRule(trx, workspace.id, { tag: body.tag, name: body.name, filter, actor });
    if (!rule) {
      throw new AppError('conflict', `a rule for ${body.tag} exists`);
    }
    await applyTagRules(trx, workspace, null, now, [rule]);
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'tag_rule.create',
      target: `tag_rule:${rule.id}`,
      detail: { tag: rule.tag, filter },
    });
    return { ...rule, customers: await countTagged(trx, workspace.id, rule.tag) };
  });
}

export async function updateTagRule(
  db: Db,
  workspace: Workspace,
  id: number,
  input: unknown,
  actor: string,
  now = new Date(),
) {
  const body = parseInput(TagRuleUpdateSchema, input);
  const filter = ruleFilter(body.filter);
  return db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, workspace.id);
    const rule = await updateTagRuleRow(trx, workspace.id, id, { name: body.name, filter, actor });
    if (!rule) {
      throw new AppError('not_found', `no tag rule ${id}`);
    }
    await applyTagRules(trx, workspace, null, now, [rule]);
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'tag_rule.update',
      target: `tag_rule:${rule.id}`,
      detail: { tag: rule.tag, version: rule.version, filter },
    });
    return { ...rule, customers: await countTagged(trx, workspace.id, rule.tag) };
  });
}

export async function deleteTagRule(db: Db, workspace: Workspace, id: number, actor: string) {
  await db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, workspace.id);
    const rule = await findTagRuleRow(trx, workspace.id, id);
    if (!rule) {
      throw new AppError('not_found', `no tag rule ${id}`);
    }
    await deleteTagRuleRow(trx, workspace.id, id);
    await deleteRuleTags(trx, workspace.id, rule.tag);
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'tag_rule.delete',
      target: `tag_rule:${id}`,
      detail: { tag: rule.tag, version: rule.version },
    });
  });
}
