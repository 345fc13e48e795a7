import { createHash } from 'node:crypto';
import { statusPageClient } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

const SCRIPT = `(${statusPageClient.toString()})();`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's `Content-Security-Policy`: its one inline script and one inline stylesheet by hash, no other
 * script or style at all, requests to its own origin only, no framing (the buttons cannot be clickjacked).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The whole page, HTML, CSS and JS in one document that loads nothing else. It is the same for every
 * request: what differs per page (the control token) arrives with its stream. Every URL in it is
 * relative, so it works under any prefix.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>breakers · tripswitch</title><link rel="icon" href="data:,"><style>${PAGE_STYLE}</style></head><body>
<header class="top"><h1>Breakers <span>· tripswitch</span></h1><div id="summary" aria-live="polite"></div>
<input id="filter" type="search" placeholder="Filter by name" aria-label="Filter breakers by name" autocomplete="off">
<span id="conn" role="status">connecting…</span></header>
<main><section aria-label="Breakers, worst first"><div id="tiles"></div><p id="omitted" class="empty"></p></section>
<aside><h3>Recent transitions</h3><ol id="feed"></ol></aside></main>
<noscript><p class="empty">This page needs JavaScript; the same data is at <a href="snapshot.json">snapshot.json</a>.</p></noscript>
<script>${SCRIPT}</script></body></html>
`;
