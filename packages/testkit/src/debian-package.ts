import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** The executable `name` on PATH, if there is one. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * `apt-get update && apt-get install --no-install-recommends` of Debian packages, for tests that need a
 * real service or program (Prometheus, Redis, Chromium). A temporary policy-rc.d keeps a package's own service from starting, so the
 * only instance running is the one the test starts and stops by pid.
 */
export function aptInstall(...packages: string[]): void {
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const apt = (...args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 240_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    apt('update', '-qq');
    apt('install', '-y', '-qq', '--no-install-recommends', ...packages);
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
}
