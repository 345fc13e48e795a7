// @ts-check
/** Every benchmark group, in the order `npm run bench` runs and prints them. */
import { group as failure } from './failure/index.js';
import { group as fetchClient } from './fetch/index.js';
import { group as http } from './http/index.js';
import { group as memory } from './memory/index.js';
import { group as open } from './open/index.js';
import { group as overload } from './overload/index.js';
import { group as sdk } from './sdk/index.js';
import { group as success } from './success/index.js';
import { group as telemetry } from './telemetry/index.js';
import { group as window } from './window/index.js';

/**
 * A group: `run(ctx)` measures and returns its result, `table(result, ctx)` renders it as Markdown, and
 * each target's `evaluate(result)` reads the per-round figures it is judged on. Micro groups also name
 * their `cases` module (what `profile-case.js` runs).
 * @typedef {object} Group
 * @property {string} id
 * @property {string} title
 * @property {number} rounds the default of a full run
 * @property {string} [cases]
 * @property {(ctx: RunContext) => Promise<any>} run
 * @property {(result: any, ctx: { rounds: number, title: string }) => string} table
 * @property {import('../lib/targets.js').Target[]} targets
 *
 * @typedef {{ rounds: number, quick: boolean, log: (line: string) => void, frameworks?: string[] }} RunContext
 */

/** @type {Group[]} */
export const GROUPS = [success, failure, open, window, memory, telemetry, sdk, http, fetchClient, overload];
