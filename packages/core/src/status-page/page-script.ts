/// <reference lib="dom" />
// The status page's script. It runs in the browser: `statusPageClient` is serialised with toString()
// into the page, so it must not use anything from outside its own body. Every breaker name and reason
// reaches the DOM through textContent or a data attribute, never as markup.

interface Transition {
  name: string;
  from: string;
  to: string;
  reason: string;
  at: number;
}

interface Status {
  name: string;
  state: string;
  stateForMs: number | null;
  retryAfterMs: number | null;
  callsPerSecond: number | null;
  rejectedPerSecond: number | null;
  failureRate: number | null;
  lastTransition: Transition | null;
  history?: (number | null)[];
  sample?: number | null;
}

interface Snapshot {
  at: number;
  breakers: Status[];
  omitted: number;
  transitions: Transition[];
  token?: string | null;
}

/** The page's whole client: the stream, the tiles, the feed, the filter and the buttons. */
export function statusPageClient(): void {
  const LABELS: Record<string, string> = {
    open: 'OPEN',
    half_open: 'HALF-OPEN',
    closed: 'CLOSED',
    forced_open: 'FORCED OPEN',
    disabled: 'DISABLED',
  };
  const ACTIONS: [string, string][] = [
    ['force_open', 'Force open'],
    ['close', 'Close'],
    ['disable', 'Disable'],
  ];
  const HISTORY = 180;
  const RANK = ['open', 'forced_open', 'half_open', 'disabled', 'closed'];
  const byId = (id: string) => document.getElementById(id) as HTMLElement;
  const grid = byId('tiles');
  const feed = byId('feed');
  const summary = byId('summary');
  const conn = byId('conn');
  const filter = byId('filter') as HTMLInputElement;
  const omitted = byId('omitted');

  interface Tile {
    el: HTMLElement;
    badge: HTMLElement;
    calls: HTMLElement;
    fail: HTMLElement;
    rej: HTMLElement;
    spark: SVGSVGElement;
    when: HTMLElement;
    why: HTMLElement;
    actions: HTMLElement;
    msg: HTMLElement;
    status: Status;
    history: (number | null)[];
    /** `performance.now()` when `status` arrived: durations move on from there. */
    at: number;
  }
  const tiles = new Map<string, Tile>();
  let token: string | null = null;
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let transitions: Transition[] = [];

  function make<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className?: string,
    text?: string,
  ): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function duration(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
    return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  }

  function rate(x: number | null): string {
    if (x === null) return '–';
    return x >= 100 ? String(Math.round(x)) : x.toFixed(1);
  }

  function stat(parent: HTMLElement, label: string): HTMLElement {
    const box = make('div');
    const value = make('b', '', '–');
    box.append(value, make('small', '', label));
    parent.append(box);
    return value;
  }

  function createTile(name: string): Tile {
    const el = make('article', 'tile');
    el.dataset.name = name;
    const head = make('div', 'head');
    const title = make('h2', '', name);
    title.title = name;
    const badge = make('span', 'badge');
    head.append(title, badge);
    const stats = make('div', 'stats');
    const calls = stat(stats, 'calls/s');
    const fail = stat(stats, 'failures');
    const rej = stat(stats, 'rejected/s');
    const spark = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    spark.setAttribute('preserveAspectRatio', 'none');
    spark.setAttribute('role', 'img');
    const when = make('p', 'when');
    const why = make('p', 'why');
    const actions = make('div', 'actions');
    const msg = make('p', 'msg');
    msg.hidden = true;
    el.append(head, stats, spark, when, why, actions, msg);
    const tile: Tile = {
      el,
      badge,
      calls,
      fail,
      rej,
      spark,
      when,
      why,
      actions,
      msg,
      status: { name } as Status,
      history: [],
      at: 0,
    };
    tiles.set(name, tile);
    return tile;
  }

  function drawSpark(t: Tile): void {
    const h = t.history;
    let line = '';
    let area = '';
    let run: string[] = [];
    const flush = () => {
      if (run.length === 0) return;
      line += `M${run.join('L')}`;
      const x0 = run[0]?.split(',')[0];
      const x1 = run[run.length - 1]?.split(',')[0];
      area += `M${x0},100L${run.join('L')}L${x1},100Z`;
      run = [];
    };
    // At least 30 s wide, so that the first seconds do not fill the whole sparkline.
    const width = Math.max(30, h.length);
    t.spark.setAttribute('viewBox', `0 0 ${width} 100`);
    const offset = width - h.length;
    h.forEach((v, i) => {
      if (v === null) flush();
      else run.push(`${offset + i},${(100 - v * 0.96 - 2).toFixed(1)}`);
    });
    flush();
    const ns = 'http://www.w3.org/2000/svg';
    const a = document.createElementNS(ns, 'path');
    a.setAttribute('class', 'a');
    a.setAttribute('d', area);
    const l = document.createElementNS(ns, 'path');
    l.setAttribute('class', 'l');
    l.setAttribute('d', line);
    const title = document.createElementNS(ns, 'title');
    title.textContent = 'failure share per second, last 3 minutes';
    t.spark.replaceChildren(title, a, l);
  }

  function drawButtons(t: Tile): void {
    if (token === null) {
      t.actions.replaceChildren();
      return;
    }
    const state = t.status.state;
    const wanted = ACTIONS.filter(
      ([action]) =>
        !(action === 'force_open' && state === 'forced_open') &&
        !(action === 'close' && state === 'closed') &&
        !(action === 'disable' && state === 'disabled'),
    );
    const key = wanted.map(([a]) => a).join();
    if (t.actions.dataset.key === key) return;
    t.actions.dataset.key = key;
    t.actions.replaceChildren(
      ...wanted.map(([action, label]) => {
        const b = make('button', '', label);
        b.type = 'button';
        b.dataset.action = action;
        b.addEventListener('click', () => act(t, action, b));
        return b;
      }),
    );
  }

  async function act(t: Tile, action: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    t.msg.hidden = true;
    try {
      const q = new URLSearchParams({ breaker: t.status.name, action });
      const res = await fetch(`action?${q}`, {
        method: 'POST',
        headers: { 'x-tripswitch-token': token ?? '' },
        credentials: 'same-origin',
      });
      const body = (await res.json()) as { state?: string; error?: string };
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      if (body.state) {
        t.status = { ...t.status, state: body.state };
        t.at = performance.now();
        drawTile(t);
      }
    } catch (error) {
      t.msg.textContent = `${action} failed: ${(error as Error).message}`;
      t.msg.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  /** The parts that move every second without news: durations and the countdown. */
  function drawClock(t: Tile): void {
    const s = t.status;
    const elapsed = performance.now() - t.at;
    const parts: (string | Node)[] = [];
    if (s.stateForMs !== null && s.state !== 'closed') {
      parts.push(
        `${(LABELS[s.state] ?? s.state).toLowerCase()} for `,
        make('b', '', duration(s.stateForMs + elapsed)),
      );
    }
    if (s.state === 'open' && s.retryAfterMs !== null) {
      const left = Math.max(0, s.retryAfterMs - elapsed);
      const cd = make('b', 'countdown', left > 0 ? `${Math.ceil(left / 1000)}s` : 'now');
      cd.dataset.ms = String(Math.round(left));
      parts.push(parts.length ? ' · trial calls in ' : 'trial calls in ', cd);
    } else if (s.state === 'forced_open') {
      parts.push(parts.length ? ' · until closed by hand' : 'until closed by hand');
    } else if (s.state === 'half_open') {
      parts.push(parts.length ? ' · trial calls decide' : 'trial calls decide');
    }
    t.when.replaceChildren(...parts);
    t.when.hidden = parts.length === 0;
    const last = s.lastTransition;
    if (last) {
      t.why.replaceChildren(
        'last change: ',
        make('code', '', last.reason),
        ` (${last.from} → ${last.to}, ${duration(Date.now() - last.at)} ago)`,
      );
    } else t.why.textContent = 'no state change yet';
  }

  function drawTile(t: Tile): void {
    const s = t.status;
    t.el.dataset.state = s.state;
    t.badge.textContent = LABELS[s.state] ?? s.state;
    t.calls.textContent = rate(s.callsPerSecond);
    t.fail.textContent = s.failureRate === null ? '–' : `${Math.round(s.failureRate)}%`;
    t.rej.textContent = rate(s.rejectedPerSecond);
    drawClock(t);
    drawButtons(t);
  }

  function applyFilter(): void {
    const q = filter.value.trim().toLowerCase();
    for (const [name, t] of tiles) t.el.hidden = q !== '' && !name.toLowerCase().includes(q);
  }

  function drawSummary(): void {
    const counts = new Map<string, number>();
    for (const t of tiles.values()) counts.set(t.status.state, (counts.get(t.status.state) ?? 0) + 1);
    const parts = ['open', 'forced_open', 'half_open', 'disabled', 'closed']
      .filter((s) => counts.has(s))
      .map((s) => make('span', `n-${s}`, `${counts.get(s)} ${(LABELS[s] ?? s).toLowerCase()}`));
    summary.replaceChildren(...parts);
    const bad = (counts.get('open') ?? 0) + (counts.get('forced_open') ?? 0);
    document.title = `${bad ? `(${bad} open) ` : ''}breakers · tripswitch`;
  }

  function drawFeed(): void {
    if (transitions.length === 0) {
      feed.replaceChildren(make('li', 'empty', 'No state changes yet.'));
      return;
    }
    feed.replaceChildren(
      ...transitions.map((r) => {
        const li = make('li');
        const time = make('time', '', new Date(r.at).toLocaleTimeString([], { hour12: false }));
        time.dateTime = new Date(r.at).toISOString();
        li.append(
          time,
          make('span', 'n', r.name),
          ' ',
          make('span', `s ${r.from}`, r.from),
          ' → ',
          make('span', `s ${r.to}`, r.to),
          make('span', 'r', r.reason),
        );
        return li;
      }),
    );
  }

  function apply(snapshot: Snapshot, full: boolean): void {
    const now = performance.now();
    const seen = new Set<string>();
    const order: HTMLElement[] = [];
    for (const s of snapshot.breakers) {
      seen.add(s.name);
      const t = tiles.get(s.name) ?? createTile(s.name);
      t.status = s;
      t.at = now;
      if (s.history) t.history = s.history.slice(-HISTORY);
      else if (s.sample !== undefined) {
        t.history.push(s.sample);
        if (t.history.length > HISTORY) t.history.shift();
      }
      drawTile(t);
      drawSpark(t);
      order.push(t.el);
    }
    for (const [name, t] of tiles) {
      if (!seen.has(name)) {
        t.el.remove();
        tiles.delete(name);
      }
    }
    // Worst first, as the server sorted them; nodes move only when the order changed.
    if (order.some((el, i) => grid.children[i] !== el)) grid.replaceChildren(...order);
    if (order.length === 0) grid.replaceChildren(make('p', 'empty', 'No breakers yet.'));
    omitted.textContent = snapshot.omitted > 0 ? `${snapshot.omitted} more breakers not shown.` : '';
    if (full) {
      transitions = snapshot.transitions.slice();
      drawFeed();
    }
    drawSummary();
    applyFilter();
  }

  function onTransition(r: Transition): void {
    transitions.unshift(r);
    if (transitions.length > 50) transitions.pop();
    drawFeed();
    const t = tiles.get(r.name);
    if (!t) return;
    // Shown at once; the next tick brings the numbers (and the countdown) that go with it.
    t.status = { ...t.status, state: r.to, stateForMs: 0, lastTransition: r, retryAfterMs: null };
    t.at = performance.now();
    drawTile(t);
    drawSummary();
    // Re-ranked at once by state (a stable sort keeps the server's order within a state); the next
    // tick brings the server's full order.
    const rank = (el: Element) => RANK.indexOf((el as HTMLElement).dataset.state ?? '');
    const els = Array.from(grid.querySelectorAll<HTMLElement>('.tile'));
    const sorted = els.slice().sort((a, b) => rank(a) - rank(b));
    if (sorted.some((el, i) => els[i] !== el)) grid.replaceChildren(...sorted);
  }

  function setConn(live: boolean, text: string): void {
    conn.className = live ? 'live' : '';
    conn.textContent = text;
  }

  function connect(): void {
    clearTimeout(retry);
    source?.close();
    const es = new EventSource('stream');
    source = es;
    es.addEventListener('init', (e) => {
      const snapshot = JSON.parse((e as MessageEvent<string>).data) as Snapshot;
      token = snapshot.token ?? null;
      for (const t of tiles.values()) delete t.actions.dataset.key;
      apply(snapshot, true);
      setConn(true, 'live');
    });
    es.addEventListener('tick', (e) =>
      apply(JSON.parse((e as MessageEvent<string>).data) as Snapshot, false),
    );
    es.addEventListener('transition', (e) => onTransition(JSON.parse((e as MessageEvent<string>).data)));
    es.addEventListener('error', () => {
      setConn(false, 'reconnecting…');
      // The browser retries a dropped stream itself, but gives up on an HTTP error (a 503 past
      // maxClients, a proxy's 502): then we try again ourselves.
      if (es.readyState === EventSource.CLOSED) retry = setTimeout(connect, 3000);
    });
  }

  const initial = /^#q=(.*)$/.exec(location.hash)?.[1];
  if (initial) filter.value = decodeURIComponent(initial);
  filter.addEventListener('input', () => {
    applyFilter();
    // Kept in the fragment, so a reload or a shared link keeps the filter (and nothing reaches the server).
    const q = filter.value.trim();
    history.replaceState(null, '', q ? `#q=${encodeURIComponent(q)}` : location.pathname + location.search);
  });
  setInterval(() => {
    for (const t of tiles.values()) drawClock(t);
  }, 250);
  connect();
}
