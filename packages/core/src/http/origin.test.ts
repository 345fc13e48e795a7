import { describe, expect, it } from 'vitest';
import { clientAttributes, originOf, portOf } from './origin.js';

describe('originOf and portOf', () => {
  it.each([
    ['https://api.example.com/v1/users?page=2', 'https://api.example.com:443', '443'],
    ['http://api.example.com', 'http://api.example.com:80', '80'],
    ['http://api.example.com:80/x', 'http://api.example.com:80', '80'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080', '8080'],
    ['http://[::1]:3000/', 'http://[::1]:3000', '3000'],
    ['wss://ws.example.com/feed', 'wss://ws.example.com:443', '443'],
    ['HTTPS://User:pw@API.Example.com/', 'https://api.example.com:443', '443'],
    ['custom://host/x', 'custom://host', undefined],
  ])('%s → %s', (url, origin, port) => {
    expect(originOf(new URL(url))).toBe(origin);
    expect(portOf(new URL(url))).toBe(port);
  });
});

describe('clientAttributes', () => {
  it('gives the method in upper case, the host without IPv6 brackets and the port as a number', () => {
    expect(clientAttributes('post', new URL('http://[::1]:3000/x'))).toEqual({
      'http.request.method': 'POST',
      'server.address': '::1',
      'server.port': 3000,
      'url.scheme': 'http',
    });
    expect(clientAttributes(undefined, new URL('https://a.example/'))).toEqual({
      'http.request.method': 'GET',
      'server.address': 'a.example',
      'server.port': 443,
      'url.scheme': 'https',
    });
    expect(clientAttributes('delete', undefined)).toEqual({ 'http.request.method': 'DELETE' });
  });
});
