import { Principal } from './role';

interface Entry {
  principal: Principal;
  until: number;
}

/**
 * API keys known to this process, by secret hash, for at most `ttlMs`. That TTL is the whole
 * revocation bound: a key revoked through another process is refused here once its entry is
 * older than the TTL, and the setting cannot exceed one second. An entry's age counts from the
 * moment its lookup began, so a read that raced the revocation cannot outlive the bound either. Only valid keys are kept; an
 * unknown secret always goes to the database. The map is bounded: at `maxEntries` it is cleared,
 * which costs one lookup per key and never serves a stale entry.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(hash: string): Principal | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until > this.clock()) return entry.principal;
    this.entries.delete(hash);
    return undefined;
  }

  now(): number {
    return this.clock();
  }

  /** `lookedUpAt`: when the database read that found the key began (see now()). */
  set(hash: string, principal: Principal, lookedUpAt: number): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { principal, until: lookedUpAt + this.ttlMs });
  }

  /** A revocation in this process takes effect here at once. */
  forgetKey(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal.keyId === keyId) this.entries.delete(hash);
  }
}
