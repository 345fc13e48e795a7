// @ts-check
/** Command-line options of `npm run bench`, parsed with `node:util`'s `parseArgs`. */
import { parseArgs as parse } from 'node:util';

/**
 * @typedef {object} BenchArgs
 * @property {boolean} quick
 * @property {boolean} help
 * @property {string[] | undefined} only
 * @property {number | undefined} rounds
 * @property {string | undefined} json
 * @property {string[] | undefined} frameworks
 * @property {'2' | '3'} sdk the OpenTelemetry SDK line the SDK cases register
 */

/** @param {string[]} [argv] @returns {BenchArgs} */
export function parseArgs(argv = process.argv.slice(2)) {
  const { values } = parse({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      only: { type: 'string' },
      rounds: { type: 'string' },
      json: { type: 'string' },
      frameworks: { type: 'string' },
      sdk: { type: 'string', default: '2' },
    },
  });
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1)) {
    throw new Error(`--rounds needs an integer >= 1, got ${values.rounds}`);
  }
  return {
    quick: values.quick === true,
    help: values.help === true,
    only: values.only?.split(','),
    rounds,
    json: values.json,
    frameworks: values.frameworks?.split(','),
    sdk: /** @type {'2' | '3'} */ (values.sdk),
  };
}

/** @param {readonly string[]} groupIds */
export function usage(groupIds) {
  return `Usage: npm run bench [-- options]
  --quick              a short run (seconds) that proves every group works; numbers mean little
  --only <ids>         comma-separated groups: ${groupIds.join(',')}
  --rounds <n>         rounds per group (default: each group's own; 1 with --quick)
  --frameworks <list>  HTTP frameworks to run: express,koa (default both)
  --sdk <2|3>          the OpenTelemetry SDK line the SDK cases register: 2 (default) or 3 (Node >= 22.15;
                       the 3.x packages test-sdk3/ installs)
  --json <file>        also write the raw per-round figures as JSON`;
}
