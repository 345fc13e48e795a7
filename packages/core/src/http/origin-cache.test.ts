import { describe, expect, it } from 'vitest';
import { clientAttributes, originOf } from './origin.js';
import { OriginCache } from './origin-cache.js';

describe('OriginCache', () => {
  it.each([
    'https://api.example.com/v1/users?page=2',
    'http://API.Example.com:80/x',
    'http://127.1:8080/',
    'http://[::1]:3000',
    'https://user:pw@api.example.com\\path',
    'http://api.example.com?x=1',
    'http://api.example.com#frag',
  ])('gives what parsing %s gives, from the first lookup and from the cache', (href) => {
    const cache = new OriginCache();
    const url = new URL(href);
    for (let i = 0; i < 2; i++) {
      const entry = cache.lookup(href);
      expect(entry?.name).toBe(originOf(url));
      expect(entry?.attributes('POST')).toEqual(clientAttributes('POST', url));
    }
  });

  it('tells apart authorities that differ, and reuses the attributes of one method', () => {
    const cache = new OriginCache();
    expect(cache.lookup('http://a.example/x')?.name).toBe('http://a.example:80');
    expect(cache.lookup('http://a.example:81/x')?.name).toBe('http://a.example:81');
    const a = cache.lookup('http://a.example/y');
    expect(a?.attributes('GET')).toBe(a?.attributes('GET'));
    expect(Object.isFrozen(a?.attributes('GET'))).toBe(true);
  });

  it('gives undefined for what is not an absolute http(s) URL, and starts over when full', () => {
    const cache = new OriginCache(2);
    expect(cache.lookup('/relative')).toBeUndefined();
    expect(cache.lookup('ftp://host/x')).toBeUndefined();
    expect(cache.lookup('http://bad host/')).toBeUndefined();
    const first = cache.lookup('http://a.example/');
    cache.lookup('http://b.example/');
    cache.lookup('http://c.example/');
    expect(cache.lookup('http://a.example/')).not.toBe(first);
    expect(cache.lookup('http://a.example/')?.name).toBe('http://a.example:80');
  });
});
