import { describe, expect, it } from 'vitest';
import { clientAttributes, originOf, portOf } from './origin.js';

describe('originOf and portOf', () => {
  it.each([
    { url: 'https://api.example.com/v1/users?page=2', origin: 'https://api.example.com:443', port: '443' },
    { url: 'http://api.example.com', origin: 'http://api.example.com:80', port: '80' },
    { url: 'http://api.example.com:80/x', origin: 'http://api.example.com:80', port: '80' },
    { url: 'http://127.0.0.1:8080/', origin: 'http://127.0.0.1:8080', port: '8080' },
    { url: 'http://[::1]:3000/', origin: 'http://[::1]:3000', port: '3000' },
    { url: 'wss://ws.example.com/feed', origin: 'wss://ws.example.com:443', port: '443' },
    { url: 'HTTPS://User:pw@API.Example.com/', origin: 'https://api.example.com:443', port: '443' },
    { url: 'custom://host/x', origin: 'custom://host', port: undefined },
  ])('$url → $origin', ({ url, origin, port }) => {
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
