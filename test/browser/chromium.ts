import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aptInstall } from '@tripswitch/testkit/debian-package';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium, installed when missing and root; otherwise why the suite must be skipped. */
export function ensureChromium(): string | undefined {
  if (executable(CHROMIUM)) return undefined;
  if (process.getuid?.() !== 0) {
    return `no Chromium at ${CHROMIUM} (set CHROMIUM_BIN, or run as root so the test can apt-get install chromium)`;
  }
  console.log('[browser] chromium is not installed: apt-get install -y --no-install-recommends chromium');
  aptInstall('chromium', 'fonts-dejavu-core');
  return executable(CHROMIUM) ? undefined : 'apt-get install chromium did not provide /usr/bin/chromium';
}

/** A running headless Chromium with a fresh profile, removed on close. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a new, empty user-data dir. The flags keep it from reaching out on its
 * own (updates, sync, field trials): this machine's network is closed, and a test must not depend on it.
 */
export async function startChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tripswitch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
