/** Command-line options shared by the runner and its child processes. */

export function parseArgs(argv = process.argv.slice(2)) {
  const opts = { quick: false, only: undefined, rounds: undefined, json: undefined, frameworks: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--only') opts.only = argv[++i]?.split(',');
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--frameworks') opts.frameworks = argv[++i]?.split(',');
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown argument ${JSON.stringify(a)} (try --help)`);
  }
  if (opts.rounds !== undefined && !(Number.isInteger(opts.rounds) && opts.rounds >= 1)) {
    throw new Error(`--rounds needs an integer >= 1, got ${opts.rounds}`);
  }
  return opts;
}

export const USAGE = `Usage: npm run bench [-- options]
  --quick              a short run (seconds) that proves every group works; numbers mean little
  --only <ids>         comma-separated groups: success,failure,open,window,memory,telemetry,http
  --rounds <n>         rounds per group (default: 5 micro, 3 window/HTTP, 2 memory; 1 with --quick)
  --frameworks <list>  HTTP frameworks to run: express,koa (default both)
  --json <file>        also write the raw per-round figures as JSON`;
