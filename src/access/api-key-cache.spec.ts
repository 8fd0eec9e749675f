import { ApiKeyCache } from './api-key-cache';
import { Principal } from './role';

const admin = { keyId: 'k1', keyName: 'a', role: 'admin', kind: 'admin' } as Principal;

describe('ApiKeyCache', () => {
  it('serves a key for less than its TTL, then forgets it', () => {
    let now = 1000;
    const cache = new ApiKeyCache(500, 10, () => now);
    cache.set('h', admin, 1000);
    now = 1499;
    expect(cache.get('h')).toBe(admin);
    now = 1500;
    expect(cache.get('h')).toBeUndefined();
  });

  it('counts the age of an entry from the start of its lookup', () => {
    let now = 1300;
    const cache = new ApiKeyCache(500, 10, () => now);
    cache.set('h', admin, 1000);
    now = 1500;
    expect(cache.get('h')).toBeUndefined();
  });

  it('forgets a key revoked in this process at once, and keeps nothing with a TTL of 0', () => {
    const cache = new ApiKeyCache(500);
    cache.set('h', admin, Date.now());
    cache.forgetKey('k1');
    expect(cache.get('h')).toBeUndefined();
    const off = new ApiKeyCache(0);
    off.set('h', admin, Date.now());
    expect(off.get('h')).toBeUndefined();
  });

  it('stays bounded: at its limit it starts over rather than grow', () => {
    const cache = new ApiKeyCache(500, 2);
    for (const h of ['a', 'b', 'c']) cache.set(h, admin, Date.now());
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, admin]);
  });
});
