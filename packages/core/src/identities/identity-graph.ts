/**
 * The matching rules, without I/O: which profile a record's identities belong to, and
 * whether the record merges profiles, attaches new identities, or is a merge conflict.
 *
 * A record (an event, an order, an import row) says its identities belong to one person.
 * If they belong to several profiles today, those profiles merge — unless the result would
 * hold two values of a kind that is unique per person (its `slot`); then nothing merges,
 * the record's new identities stand alone, and the conflict is reported.
 */

export type GraphIdentity = Readonly<{
  /** Keyed hash of the identity (hex). */
  key: string;
  /** `kind/scope` for kinds unique per person, else null. */
  slot: string | null;
}>;

export type RecordOutcome =
  | { type: 'new'; group: number; added: string[] }
  | { type: 'attach'; group: number; added: string[] }
  | { type: 'merge'; group: number; absorbed: { group: number; keys: string[] }[]; added: string[] }
  | { type: 'conflict'; groups: number[]; slots: string[]; added: string[] };

export class IdentityGraph {
  readonly #groupOf = new Map<string, number>();
  readonly #slots = new Map<number, Map<string, string>>();
  readonly #members = new Map<number, string[]>();
  readonly #newGroup: () => number;

  /** `newGroup` hands out ids for profiles the graph creates (placeholders until stored). */
  constructor(newGroup: () => number) {
    this.#newGroup = newGroup;
  }

  /** Seeds an existing identity (from the store) into its profile. */
  seed(group: number, identity: GraphIdentity): void {
    this.#place(group, identity);
  }

  groupOf(key: string): number | undefined {
    return this.#groupOf.get(key);
  }

  /** Identities per profile, for the identities this graph has seen. */
  groups(): ReadonlyMap<number, readonly string[]> {
    return this.#members;
  }

  apply(record: readonly GraphIdentity[]): RecordOutcome {
    const unique = dedupe(record);
    const known = unique.filter((i) => this.#groupOf.has(i.key));
    const fresh = unique.filter((i) => !this.#groupOf.has(i.key));
    const groups = [...new Set(known.map((i) => this.#groupOf.get(i.key)!))].sort(byAge);

    const clashes = this.#clashingSlots(groups, fresh);
    if (clashes.length > 0) {
      for (const identity of fresh) {
        this.#place(this.#newGroup(), identity);
      }
      return { type: 'conflict', groups, slots: clashes, added: fresh.map((i) => i.key) };
    }

    const added = fresh.map((i) => i.key);
    const [winner, ...absorbed] = groups;
    if (winner === undefined) {
      const group = this.#newGroup();
      for (const identity of fresh) {
        this.#place(group, identity);
      }
      return { type: 'new', group, added };
    }
    const moved = absorbed.map((loser) => ({ group: loser, keys: this.#absorb(winner, loser) }));
    for (const identity of fresh) {
      this.#place(winner, identity);
    }
    return absorbed.length > 0
      ? { type: 'merge', group: winner, absorbed: moved, added }
      : { type: 'attach', group: winner, added };
  }

  #clashingSlots(groups: readonly number[], fresh: readonly GraphIdentity[]): string[] {
    const seen = new Map<string, string>();
    const clashes = new Set<string>();
    const visit = (slot: string, key: string) => {
      const other = seen.get(slot);
      if (other !== undefined && other !== key) {
        clashes.add(slot);
      }
      seen.set(slot, key);
    };
    for (const group of groups) {
      for (const [slot, key] of this.#slots.get(group) ?? []) {
        visit(slot, key);
      }
    }
    for (const identity of fresh) {
      if (identity.slot !== null) {
        visit(identity.slot, identity.key);
      }
    }
    return [...clashes].sort();
  }

  #place(group: number, identity: GraphIdentity): void {
    this.#groupOf.set(identity.key, group);
    const members = this.#members.get(group);
    if (members) {
      members.push(identity.key);
    } else {
      this.#members.set(group, [identity.key]);
    }
    if (identity.slot !== null) {
      const slots = this.#slots.get(group) ?? new Map<string, string>();
      slots.set(identity.slot, identity.key);
      this.#slots.set(group, slots);
    }
  }

  /** Moves the loser's identities (those this graph has seen) to the winner and returns them. */
  #absorb(winner: number, loser: number): string[] {
    const moved = this.#members.get(loser) ?? [];
    for (const key of moved) {
      this.#groupOf.set(key, winner);
    }
    this.#members.set(winner, [...(this.#members.get(winner) ?? []), ...moved]);
    this.#members.delete(loser);
    const slots = this.#slots.get(winner) ?? new Map<string, string>();
    for (const [slot, key] of this.#slots.get(loser) ?? []) {
      slots.set(slot, key);
    }
    this.#slots.set(winner, slots);
    this.#slots.delete(loser);
    return moved;
  }
}

/**
 * The oldest profile wins a merge: stored profiles (positive ids) by id, then profiles created
 * in this run (negative placeholders) in the order they were made.
 */
export function byAge(a: number, b: number): number {
  if (a > 0 && b > 0) {
    return a - b;
  }
  if (a < 0 && b < 0) {
    return b - a;
  }
  return a > 0 ? -1 : 1;
}

function dedupe(record: readonly GraphIdentity[]): GraphIdentity[] {
  return [...new Map(record.map((i) => [i.key, i])).values()];
}
