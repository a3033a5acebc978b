import {
  ApiKeyInputSchema,
  ErrorCodes,
  EVENT_KINDS,
  EventEnvelopeSchema,
  EXPORT_FORMATS,
  FIELDS,
  FilterDocSchema,
  IDENTITY_KINDS,
  MAX_BATCH,
  ManualTagSchema,
  PropertySchemas,
  ValueModelSchema,
  WorkspaceUpdateSchema,
} from '@hatchery/core';
import { z } from 'zod';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.ts';
import { STATUS } from './errors.ts';
import { MAX_FILTER_PARAM } from './routes/customers.ts';
import { LoginSchema } from './routes/session.ts';

/**
 * The API's OpenAPI 3.1 description, served at /openapi.json. Request bodies come from the same
 * zod schemas the handlers validate with, so the document cannot drift from what is accepted.
 */
export function openApiDocument() {
  const schema = (s: z.ZodType) => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
    return rest;
  };
  const properties = Object.fromEntries(
    EVENT_KINDS.map((kind) => [`properties.${kind}`, schema(PropertySchemas[kind])]),
  );
  const error = { $ref: '#/components/schemas/Error' };
  const errors = (...codes: (keyof typeof STATUS)[]) =>
    Object.fromEntries(
      codes.map((code) => [
        String(STATUS[code]),
        { description: code, content: { 'application/json': { schema: error } } },
      ]),
    );
  const json = (ref: string, description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object', description: ref } } },
  });
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const limit = (maximum: number, byDefault: number) => ({
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum, default: byDefault },
  });
  const filterRef = { $ref: '#/components/schemas/Filter' };
  // The filter schema is recursive; its self-references ("#") must point at its place in this document.
  const filterSchema = JSON.parse(
    JSON.stringify(schema(FilterDocSchema)).replaceAll('"$ref":"#"', '"$ref":"#/components/schemas/Filter"'),
  ) as Record<string, unknown>;
  const body = (properties: Record<string, unknown>, required: string[]) => ({
    required: true,
    content: {
      'application/json': { schema: { type: 'object', properties, required, additionalProperties: false } },
    },
  });
  // How the customer list, its count and its export are narrowed (besides the search text q).
  const selection = [
    {
      name: 'filter',
      in: 'query',
      schema: { type: 'string', maxLength: MAX_FILTER_PARAM },
      description:
        'a filter of the filter language as URL-encoded JSON (schema: #/components/schemas/Filter); larger filters: save a segment',
    },
    {
      name: 'segment',
      in: 'query',
      schema: { type: 'integer', minimum: 1 },
      description: "a saved segment's id: its filter must hold too",
    },
  ];
  const spreadsheet = {
    description: 'the file (Content-Disposition: attachment)',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
        schema: { type: 'string', format: 'binary' },
      },
    },
  };
  const segmentBody = body({ name: { type: 'string', minLength: 1, maxLength: 100 }, filter: filterRef }, [
    'name',
    'filter',
  ]);
  const ruleBody = (withTag: boolean) =>
    body(
      {
        ...(withTag ? { tag: { type: 'string', pattern: '^rule:.+', description: 'rule:<name>' } } : {}),
        name: { type: 'string', minLength: 1, maxLength: 100 },
        filter: filterRef,
      },
      withTag ? ['tag', 'name', 'filter'] : ['name', 'filter'],
    );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hatchery API',
      version: '0.1.0',
      description:
        'One customer profile across shops and WeCom. Every /v1 call needs an API key of one workspace, ' +
        `or the console's session cookie (${SESSION_COOKIE}); changes made with the cookie also need the header ` +
        `${CSRF_HEADER}: 1. Operators may do what their role allows (README: roles).`,
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'hk_… API key' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'set by POST /v1/session',
        },
      },
      schemas: {
        Event: {
          ...schema(EventEnvelopeSchema),
          description: `One event. \`properties\` follows the schema of its kind: ${EVENT_KINDS.map((k) => `properties.${k}`).join(', ')}. Identity kinds: ${IDENTITY_KINDS.join(', ')}.`,
        },
        ...properties,
        Filter: {
          ...filterSchema,
          description: `A filter of the JSON filter language (packages/core/src/segments/FILTER-LANGUAGE.md). Fields: ${Object.entries(
            FIELDS,
          )
            .map(([name, f]) => `${name} (${f.type})`)
            .join(', ')}.`,
        },
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string', enum: Object.keys(ErrorCodes) },
                message: { type: 'string' },
              },
              required: ['code', 'message'],
            },
          },
          required: ['error'],
        },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths: {
      '/v1/events': {
        post: {
          summary: `Store a batch of up to ${MAX_BATCH} events; each is answered stored, duplicate, conflict or rejected`,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    events: {
                      type: 'array',
                      minItems: 1,
                      maxItems: MAX_BATCH,
                      items: { $ref: '#/components/schemas/Event' },
                    },
                  },
                  required: ['events'],
                },
              },
            },
          },
          responses: {
            '200': json(
              '{ summary, results }',
              'one result per event, in order; stored events are committed',
            ),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'batch_too_large'),
          },
        },
      },
      '/v1/session': {
        post: {
          summary:
            'Log in an operator: sets the HttpOnly, SameSite=Strict session cookie (Secure over https)',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: schema(LoginSchema) } } },
          responses: {
            '200': json('{ workspace, operator, role, permissions }', 'logged in'),
            ...errors('invalid_request', 'unauthorized', 'too_many_attempts'),
          },
        },
        get: {
          summary: 'Who is calling: workspace, operator, role and permissions',
          responses: {
            '200': json('{ workspace, operator, role, permissions }', 'the caller'),
            ...errors('unauthorized'),
          },
        },
        delete: {
          summary: 'Log out: ends the session and clears the cookie',
          responses: { '200': json('{ ok }', 'logged out'), ...errors('unauthorized', 'forbidden') },
        },
      },
      '/v1/overview': {
        get: {
          summary:
            'Customers and buyers, buyers by shop, the overlap between shops, orders per month (workspace time zone)',
          responses: { '200': json('Overview', 'the figures'), ...errors('unauthorized', 'forbidden') },
        },
      },
      '/v1/overview/scores': {
        get: {
          summary:
            'How the last run spread the workspace: customers per RFM group, per band, KOC candidates, and per tenth of each of the four values',
          responses: {
            '200': json('{ run, customers, rfm_groups, bands, koc_candidates, values }', 'the counts'),
            ...errors('unauthorized', 'forbidden'),
          },
        },
      },
      '/v1/audit': {
        get: {
          summary: 'The audit log, newest first (admins): logins, unmasks, undos, imports…',
          parameters: [
            limit(200, 50),
            {
              name: 'before',
              in: 'query',
              schema: { type: 'integer' },
              description: 'next_before of the previous page',
            },
          ],
          responses: {
            '200': json('{ entries, next_before }', 'newest first'),
            ...errors('invalid_request', 'unauthorized', 'forbidden'),
          },
        },
      },
      '/v1/customers': {
        get: {
          summary:
            'Without q: customers in id order, keyset-paged ({ customers, next_after }). With q: find customers by any identity (a phone in any spelling, a nick, a pin, an openid…) ({ customer_ids, customers }). filter and segment narrow either; every row has its main identity (masked), orders, scores and tags',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 256 } },
            ...selection,
            limit(200, 50),
            {
              name: 'after',
              in: 'query',
              schema: { type: 'integer' },
              description: 'next_after of the previous page',
            },
            { name: 'kind', in: 'query', schema: { type: 'string', enum: [...IDENTITY_KINDS] } },
            { name: 'scope', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': json('{ customers, next_after } or { customer_ids, customers }', 'a page, or the matches'),
            ...errors('invalid_request', 'unauthorized', 'not_found'),
          },
        },
      },
      '/v1/customers/count': {
        get: {
          summary:
            'How many customers the list holds for q, filter and segment: exact, or (exact: false) estimated from a sample when an exact count takes longer than 1.5 s',
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string', maxLength: 256 } }, ...selection],
          responses: {
            '200': json('{ count, exact }', 'the count'),
            ...errors('invalid_request', 'unauthorized', 'not_found'),
          },
        },
      },
      '/v1/customers/export': {
        get: {
          summary:
            'The customer list for q, filter and segment as CSV or XLSX, streamed; identities masked, formula-like cells escaped; audited',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 256 } },
            ...selection,
            {
              name: 'format',
              in: 'query',
              schema: { type: 'string', enum: [...EXPORT_FORMATS], default: 'csv' },
            },
          ],
          responses: {
            '200': spreadsheet,
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
      '/v1/customers/{id}': {
        get: {
          summary:
            'The customer 360: identities (masked), orders per shop, communities, timeline, merge history',
          parameters: [
            id,
            {
              name: 'unmask',
              in: 'query',
              schema: { type: 'boolean' },
              description: 'needs a key that may unmask; audited',
            },
            limit(500, 50),
            {
              name: 'cursor',
              in: 'query',
              schema: { type: 'string' },
              description: 'timeline.next_cursor of the previous page',
            },
          ],
          responses: {
            '200': json('Customer360', 'the profile'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
      '/v1/merges/{id}/undo': {
        post: {
          summary: 'Undo a merge: its identities go back, with their events, orders and memberships',
          parameters: [id],
          responses: {
            '200': json('{ undo_id, restored_customer_id, identity_ids }', 'undone'),
            ...errors('unauthorized', 'forbidden', 'not_found', 'conflict'),
          },
        },
      },
      '/v1/imports': {
        post: {
          summary:
            'Upload a shop export (multipart: file, format?, dry_run?); answers at once, the import runs on',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    file: { type: 'string', format: 'binary', description: 'the export, at most 512 MiB' },
                    format: { type: 'string' },
                    mapping: {
                      type: 'string',
                      description: 'a generic mapping as JSON (GENERIC-MAPPING.md)',
                    },
                    dry_run: { type: 'string', enum: ['true', 'false'] },
                  },
                  required: ['file'],
                },
              },
            },
          },
          responses: {
            '202': json('Import', 'the import, running'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'file_too_large'),
          },
        },
      },
      '/v1/imports/{id}': {
        get: {
          summary:
            'An import: status, progress and summary; a failed one says why in failure (English), failure_zh and a stable failure_code',
          parameters: [id],
          responses: { '200': json('Import', 'the import'), ...errors('unauthorized', 'not_found') },
        },
      },
      '/v1/imports/{id}/problems': {
        get: {
          summary:
            "The import's report: rejected and skipped lines with column, reason (English), reason_zh and a stable code",
          parameters: [
            id,
            { name: 'after_line', in: 'query', schema: { type: 'integer', minimum: 0 } },
            limit(1000, 200),
          ],
          responses: {
            '200': json('{ problems, next_after_line }', 'in line order'),
            ...errors('unauthorized', 'not_found'),
          },
        },
      },
      '/v1/merge-conflicts': {
        get: {
          summary: 'Records that would have given one person two unique identities, for review',
          parameters: [
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: ['open', 'resolved', 'dismissed'] },
            },
            limit(200, 50),
            { name: 'before', in: 'query', schema: { type: 'integer' } },
          ],
          responses: {
            '200': json('{ conflicts, next_before }', 'newest first'),
            ...errors('invalid_request', 'unauthorized'),
          },
        },
      },
      '/v1/customers/{id}/scores': {
        get: {
          summary:
            "A customer's RFM, four values, total, band and lifetime figures, each with its explanation; tags with since and why",
          parameters: [id],
          responses: { '200': json('CustomerScores', 'scores'), ...errors('unauthorized', 'not_found') },
        },
      },
      '/v1/rankings': {
        get: {
          summary:
            'Customers best first: by total, super users, second-tier core or KOC candidates; each with reasons',
          parameters: [
            {
              name: 'kind',
              in: 'query',
              schema: { type: 'string', enum: ['total', 'super_user', 'second_tier', 'koc_candidate'] },
            },
            limit(500, 50),
            {
              name: 'cursor',
              in: 'query',
              schema: { type: 'string' },
              description: 'next_cursor of the previous page',
            },
          ],
          responses: {
            '200': json('{ run, rows, next_cursor }', 'a page'),
            ...errors('invalid_request', 'unauthorized'),
          },
        },
      },
      '/v1/value-model': {
        get: {
          summary:
            'The value model in force (weights, bands, KOC rule, activity thresholds) and the last run',
          responses: { '200': json('ValueModel', 'the model'), ...errors('unauthorized') },
        },
        put: {
          summary: 'Save a new version of the value model; everyone is rescored in the background',
          requestBody: { content: { 'application/json': { schema: schema(ValueModelSchema) } } },
          responses: {
            '202': json('{ version, config, run }', 'saved; the rescoring runs on'),
            ...errors('invalid_request', 'unauthorized'),
          },
        },
      },
      '/v1/value-model/preview': {
        post: {
          summary: 'Who would lead with other weights (nothing is saved): new and current totals and ranks',
          responses: { '200': json('{ rows }', 'the new top'), ...errors('invalid_request', 'unauthorized') },
        },
      },
      '/v1/scoring-runs': {
        post: {
          summary: 'Rescore every customer of the workspace; answers at once, the run goes on',
          responses: { '202': json('ScoringRun', 'started'), ...errors('unauthorized') },
        },
      },
      '/v1/scoring-runs/{id}': {
        get: {
          summary: 'A scoring run: status, step and progress',
          parameters: [id],
          responses: { '200': json('ScoringRun', 'the run'), ...errors('unauthorized', 'not_found') },
        },
      },
      '/v1/tags': {
        get: {
          summary: 'Every tag of the workspace with how many customers carry it',
          responses: { '200': json('{ tags }', 'by tag'), ...errors('unauthorized') },
        },
      },
      '/v1/customers/{id}/tags': {
        post: {
          summary: 'Add a manual tag (manual:<name>, with a note) to a customer; audited',
          parameters: [id],
          requestBody: { content: { 'application/json': { schema: schema(ManualTagSchema) } } },
          responses: {
            '201': json('{ customer_id, created, tag, source, since, reason }', 'added'),
            '200': json('{ customer_id, created, tag, source, since, reason }', 'already carried'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'not_found'),
          },
        },
        delete: {
          summary: 'Remove a manual tag from a customer; audited',
          parameters: [
            id,
            { name: 'tag', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'note', in: 'query', schema: { type: 'string', maxLength: 500 } },
          ],
          responses: {
            '204': { description: 'removed' },
            ...errors('unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
      '/v1/segments/preview': {
        post: {
          summary: 'How many customers a filter selects now (nothing is saved): the live count of a builder',
          requestBody: body({ filter: filterRef }, ['filter']),
          responses: { '200': json('{ count }', 'the count'), ...errors('invalid_request', 'unauthorized') },
        },
      },
      '/v1/segments/fields': {
        get: {
          summary:
            'The filter language for builders: every field with its type, operators, values or suggestions, unit and range; the tag families; the limits',
          responses: {
            '200': json('{ fields, tag_prefixes, limits }', 'the catalogue'),
            ...errors('unauthorized'),
          },
        },
      },
      '/v1/segments': {
        get: {
          summary: 'Saved segments, by name',
          responses: { '200': json('{ segments }', 'the segments'), ...errors('unauthorized') },
        },
        post: {
          summary: 'Save a segment (a named filter)',
          requestBody: segmentBody,
          responses: {
            '201': json('Segment', 'saved'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'conflict'),
          },
        },
      },
      '/v1/segments/{id}': {
        get: {
          summary: 'A segment with its count as of now',
          parameters: [id],
          responses: { '200': json('Segment', 'with count'), ...errors('unauthorized', 'not_found') },
        },
        put: {
          summary: 'Rename a segment or change its filter',
          parameters: [id],
          requestBody: segmentBody,
          responses: {
            '200': json('Segment', 'saved'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict'),
          },
        },
        delete: {
          summary: 'Delete a segment',
          parameters: [id],
          responses: {
            '204': { description: 'deleted' },
            ...errors('unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
      '/v1/segments/{id}/customers': {
        get: {
          summary: "A page of a segment's customers in id order: masked identity, key scores, tags",
          parameters: [
            id,
            limit(500, 50),
            {
              name: 'cursor',
              in: 'query',
              schema: { type: 'string' },
              description: 'next_cursor of the previous page',
            },
          ],
          responses: {
            '200': json('{ customers, next_cursor }', 'a page'),
            ...errors('invalid_request', 'unauthorized', 'not_found'),
          },
        },
      },
      '/v1/segments/{id}/export': {
        get: {
          summary:
            "A segment's customers as CSV or XLSX, streamed; identities masked, formula-like cells escaped; audited",
          parameters: [
            id,
            {
              name: 'format',
              in: 'query',
              schema: { type: 'string', enum: [...EXPORT_FORMATS], default: 'csv' },
            },
          ],
          responses: {
            '200': spreadsheet,
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
      '/v1/tag-rules': {
        get: {
          summary: 'Tag rules: tags (rule:<name>) carried by the customers a filter selects',
          responses: { '200': json('{ rules }', 'by id'), ...errors('unauthorized') },
        },
        post: {
          summary:
            'Make a tag rule; the workspace is tagged at once, then kept in line by rescores and events',
          requestBody: ruleBody(true),
          responses: {
            '201': json('TagRule', 'saved, with the customers tagged'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'conflict'),
          },
        },
      },
      '/v1/tag-rules/{id}': {
        put: {
          summary:
            "Change a rule's name or filter (a new version); customers who keep the tag keep its since",
          parameters: [id],
          requestBody: ruleBody(false),
          responses: {
            '200': json('TagRule', 'saved'),
            ...errors('invalid_request', 'unauthorized', 'forbidden', 'not_found'),
          },
        },
        delete: {
          summary: 'Delete a rule and take its tag from everyone',
          parameters: [id],
          responses: {
            '204': { description: 'deleted' },
            ...errors('unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
      '/v1/workspace': {
        get: {
          summary: "The caller's workspace: slug, name and the time zone its business days are counted in",
          responses: {
            '200': json('{ slug, name, time_zone, created_at }', 'the workspace'),
            ...errors('unauthorized'),
          },
        },
        put: {
          summary:
            'Rename the workspace or move it to another IANA time zone (audited); a new zone rebuilds every aggregate and rescores everyone in the background',
          requestBody: { content: { 'application/json': { schema: schema(WorkspaceUpdateSchema) } } },
          responses: {
            '200': json('{ slug, name, time_zone, created_at, run: null }', 'saved; the zone did not change'),
            '202': json(
              '{ slug, name, time_zone, created_at, run }',
              'saved; the rebuild and rescoring run on',
            ),
            ...errors('invalid_request', 'unauthorized', 'forbidden'),
          },
        },
      },
      '/v1/api-keys': {
        get: {
          summary:
            "The workspace's API keys, revoked ones too: name, prefix, unmask right, created, last used (never the key)",
          responses: { '200': json('{ keys }', 'by id'), ...errors('unauthorized', 'forbidden') },
        },
        post: {
          summary: 'Make an API key (admins, with a session); the key is in this answer only; audited',
          requestBody: { content: { 'application/json': { schema: schema(ApiKeyInputSchema) } } },
          responses: {
            '201': json('{ id, name, prefix, can_unmask, created_at, created_by, key }', 'made'),
            ...errors('invalid_request', 'unauthorized', 'forbidden'),
          },
        },
      },
      '/v1/api-keys/{id}': {
        delete: {
          summary: 'Revoke an API key: it is refused from the next request on and stays listed; audited',
          parameters: [id],
          responses: {
            '200': json('ApiKey', 'revoked, with revoked_at'),
            ...errors('unauthorized', 'forbidden', 'not_found'),
          },
        },
      },
    },
  };
}
