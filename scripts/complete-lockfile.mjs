// Keeps `npm ci` working with this machine's npm registry, which only serves the platform packages of
// the platforms it runs on (e.g. @biomejs/cli-linux-x64, but not @biomejs/cli-darwin-arm64).
//
// npm leaves an optional dependency it cannot fetch out of package-lock.json, and `npm ci` then refuses
// the lockfile as out of sync ("Missing: @biomejs/cli-darwin-arm64@ from lock file"). This script adds
// such entries back with the `os` / `cpu` / `libc` their names declare, so npm ci skips them as foreign
// platforms, exactly as it would had the registry served them. Run it after changing dependencies
// (`npm run lockfile`); it only writes when an entry is missing. `--check` writes nothing and exits 1 when
// the committed lockfile needs completing (.ci/run runs that). Packages whose platform it cannot tell from
// the name are reported.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};

const OS = [
  'win32',
  'darwin',
  'linux',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['x64', 'arm64', 'ia32', 'arm', 'ppc64', 'riscv64', 's390x', 'loong64', 'mips64el', 'loong64'];
const OS_ALIASES = { windows: 'win32', win: 'win32', mac: 'darwin', macos: 'darwin' };
const CPU_ALIASES = { 64: 'x64', amd64: 'x64', x86_64: 'x64', aarch64: 'arm64', 32: 'ia32' };

/** The platform a package name declares, e.g. `@rollup/rollup-linux-x64-musl` → linux / x64 / musl. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  let os;
  let cpu;
  let libc;
  for (const part of parts) {
    const p = OS_ALIASES[part] ?? part;
    if (os === undefined && OS.includes(p)) os = p;
    else if (os !== undefined && cpu === undefined && (CPU.includes(p) || CPU_ALIASES[p]))
      cpu = CPU_ALIASES[p] ?? p;
    else if (part === 'musl' || part === 'gnu' || part === 'musleabihf' || part === 'gnueabihf') {
      libc = part.startsWith('musl') ? 'musl' : 'glibc';
    }
  }
  return os === undefined || cpu === undefined ? undefined : { os, cpu, libc };
}

let added = 0;
const unknown = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    // npm resolves from the package's own node_modules up to the root.
    const candidates = [];
    for (let base = path; ; ) {
      candidates.push(`${base ? `${base}/` : ''}node_modules/${name}`);
      const i = base.lastIndexOf('/node_modules/');
      if (base === '') break;
      base = i === -1 ? '' : base.slice(0, i);
    }
    if (candidates.some((c) => packages[c] !== undefined)) continue;
    const platform = platformOf(name);
    const version = String(range).replace(/^[\^~=]/, '');
    if (platform === undefined || !/^\d+\.\d+\.\d+/.test(version)) {
      unknown.push(`${name}@${range}`);
      continue;
    }
    const key = `node_modules/${name}`;
    packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
      ...(platform.libc ? { libc: [platform.libc] } : {}),
    };
    added++;
  }
}

const check = process.argv.includes('--check');
if (added > 0 && check) {
  console.error(
    `complete-lockfile: package-lock.json lacks ${added} foreign-platform optional packages; run \`npm run lockfile\` and commit it`,
  );
  process.exitCode = 1;
} else if (added > 0) {
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`complete-lockfile: added ${added} foreign-platform optional packages to package-lock.json`);
}
if (unknown.length > 0) {
  console.warn(
    `complete-lockfile: cannot tell the platform of ${unknown.join(', ')}; npm ci may refuse the lockfile`,
  );
}
