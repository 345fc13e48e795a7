import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * Installs Debian packages (`apt-get update`, then `install --no-install-recommends`), for the tests that
 * need a real Prometheus or Chromium. A temporary policy-rc.d keeps any service a package brings from
 * starting, so the only instance running is the one a test starts and stops.
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
