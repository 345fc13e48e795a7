import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { originKey, requestUrl } from './request-url.js';

function config(fields: Partial<InternalAxiosRequestConfig>): InternalAxiosRequestConfig {
  return { headers: new AxiosHeaders(), ...fields };
}

describe('originKey', () => {
  it.each([
    [{ url: 'http://payments.internal/charges' }, 'http://payments.internal:80'],
    [{ url: 'https://payments.internal/charges?x=1' }, 'https://payments.internal:443'],
    [{ url: 'https://Payments.Internal:8443/charges' }, 'https://payments.internal:8443'],
    [{ baseURL: 'https://api.example.com/v1', url: 'users' }, 'https://api.example.com:443'],
    [{ baseURL: 'https://api.example.com/v1/', url: '/users/1' }, 'https://api.example.com:443'],
    [{ baseURL: 'https://api.example.com' }, 'https://api.example.com:443'],
    [
      { baseURL: 'https://api.example.com', url: 'http://other.example.com:81/x' },
      'http://other.example.com:81',
    ],
    [{ url: 'http://[::1]:8080/x' }, 'http://[::1]:8080'],
  ] as const)('%j → %s', (fields, expected) => {
    expect(originKey(config(fields))).toBe(expected);
  });

  it('keeps the baseURL when allowAbsoluteUrls is false, as Axios does', () => {
    const c = config({
      baseURL: 'https://api.example.com',
      url: 'http://evil.example/x',
      allowAbsoluteUrls: false,
    });
    expect(originKey(c)).toBe('https://api.example.com:443');
  });

  it('gives undefined when the URL is not absolute (Axios then rejects the request itself)', () => {
    expect(originKey(config({ url: '/relative' }))).toBeUndefined();
    expect(originKey(config({}))).toBeUndefined();
    expect(requestUrl(config({ url: '//host.example/x' }))).toBeUndefined();
  });
});
