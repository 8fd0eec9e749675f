/** The one pattern of a character PostgreSQL cannot store: NUL, or a surrogate without its pair. */
const UNSTORABLE_SOURCE = '\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE_SOURCE, 'g');

/**
 * What PostgreSQL can store. A `text` or `jsonb` value cannot hold the NUL character, and `jsonb`
 * refuses a UTF-16 surrogate that is not part of a pair (JSON allows both, escaped). Such a value
 * fails the whole INSERT of a batch, so it is refused at the door instead.
 */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** The text with every unstorable character written as its `\uXXXX` escape, for keeping a trace of it. */
export function escapeUnstorable(s: string): string {
  return s.replace(UNSTORABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Why a JSON value cannot be stored as jsonb, or null when it can: strings and object keys must
 * be storable text, and objects and arrays may nest at most `maxDepth` levels (the value itself
 * being level 1).
 */
export function unstorableJson(value: unknown, maxDepth: number): string | null {
  return walk(value, 1, maxDepth);
}

function walk(v: unknown, depth: number, maxDepth: number): string | null {
  if (typeof v === 'string') return isStorableText(v) ? null : 'contains a NUL character or an unpaired surrogate';
  if (typeof v !== 'object' || v === null) return null;
  if (depth > maxDepth) return `nests deeper than ${maxDepth} levels`;
  if (Array.isArray(v)) {
    for (const item of v) {
      const p = walk(item, depth + 1, maxDepth);
      if (p) return p;
    }
    return null;
  }
  for (const key of Object.keys(v)) {
    if (!isStorableText(key)) return 'has a key with a NUL character or an unpaired surrogate';
    const p = walk((v as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (p) return p;
  }
  return null;
}
