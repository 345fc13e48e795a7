import { describeClientAdapter } from '@tripswitch/testkit/client-suite';
import axios from 'axios';
import { type AxiosBreakerOptions, statusOf, withBreaker } from './index.js';

// The behaviour every HTTP client adapter shares; this package's own tests cover what is Axios's.
describeClientAdapter({
  label: 'axios',
  keyArg: 'config',
  optOut: true,
  client(options) {
    const http = axios.create();
    withBreaker(http, options as AxiosBreakerOptions);
    return {
      async send(url, request = {}) {
        try {
          const response = await http.request({
            url,
            method: request.method ?? 'GET',
            headers: { ...request.headers },
            ...(request.signal === undefined ? {} : { signal: request.signal }),
            ...(request.timeoutMs === undefined ? {} : { timeout: request.timeoutMs }),
            ...(request.breaker === undefined ? {} : { breaker: request.breaker }),
          });
          return response.status;
        } catch (error) {
          // Axios rejects 4xx and 5xx (the default validateStatus): the suite wants the status.
          const status = axios.isAxiosError(error) ? error.response?.status : undefined;
          if (status !== undefined) return status;
          throw error;
        }
      },
    };
  },
  isAbort: (error) => axios.isCancel(error),
  isTimeout: (error) => axios.isAxiosError(error) && error.code === 'ECONNABORTED',
  adapterErrorOf: (error) => error,
  statusOf,
  resetCodes: ['ECONNRESET'],
});
