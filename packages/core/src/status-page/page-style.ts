/**
 * The status page's stylesheet, inlined in the page (its hash is in the CSP). System fonts only: the
 * page loads nothing from anywhere. Colours follow the OS light/dark setting; every state also has its
 * word on the badge, so colour is never the only signal.
 */
export const PAGE_STYLE = `
:root{--bg:#f4f5f7;--fg:#1d2329;--mute:#5d6670;--card:#fff;--line:#dde1e6;--open:#c62828;--half:#b45f06;--closed:#2e7d32;--forced:#8e24aa;--off:#6b7280;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e6e9ec;--mute:#98a2ad;--card:#181d23;--line:#2a3139;--open:#ff5c5c;--half:#f0a030;--closed:#4caf50;--forced:#ce7de0;--off:#9aa3ad}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.top{position:sticky;top:0;z-index:1;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:10px 16px;background:var(--card);border-bottom:1px solid var(--line)}
h1{font-size:17px;margin:0;font-weight:650}
h1 span{color:var(--mute);font-weight:400}
#summary{display:flex;gap:6px;flex-wrap:wrap;font-size:13px}
#summary span{padding:2px 8px;border-radius:10px;background:var(--bg);border:1px solid var(--line)}
#summary .n-open,#summary .n-forced_open{color:var(--open);border-color:currentColor;font-weight:600}
#summary .n-half_open{color:var(--half);border-color:currentColor}
#conn{margin-left:auto;font-size:13px;color:var(--mute)}
#conn::before{content:"";display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;background:var(--half)}
#conn.live::before{background:var(--closed)}
#filter{flex:1 1 200px;max-width:320px;font:inherit;padding:6px 10px;border-radius:6px;border:1px solid var(--line);background:var(--bg);color:var(--fg)}
main{padding:16px;display:grid;gap:16px;grid-template-columns:minmax(0,1fr) 340px;align-items:start}
#tiles{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
.tile{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--c);border-radius:8px;padding:10px 12px;--c:var(--closed)}
.tile[data-state=open]{--c:var(--open)}.tile[data-state=half_open]{--c:var(--half)}
.tile[data-state=forced_open]{--c:var(--forced)}.tile[data-state=disabled]{--c:var(--off)}
.tile[hidden]{display:none}
.head{display:flex;gap:8px;align-items:flex-start;justify-content:space-between}
h2{font:600 14px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:2px 0;overflow-wrap:anywhere}
.badge{flex:none;font-size:12px;font-weight:700;letter-spacing:.04em;padding:2px 8px;border-radius:4px;color:#fff;background:var(--c)}
.tile[data-state=closed] .badge{background:none;color:var(--c);border:1px solid var(--c)}
.stats{display:grid;grid-template-columns:repeat(3,1fr);gap:4px;margin:8px 0 4px}
.stats div{display:flex;flex-direction:column}
.stats b{font-size:18px;font-variant-numeric:tabular-nums}
.stats small{color:var(--mute);font-size:11px;text-transform:uppercase;letter-spacing:.04em}
svg{display:block;width:100%;height:34px;background:var(--bg);border-radius:4px}
svg path.l{fill:none;stroke:var(--c);stroke-width:1.5;vector-effect:non-scaling-stroke}
svg path.a{fill:var(--c);opacity:.18}
.when,.why{margin:6px 0 0;font-size:13px;color:var(--mute)}
.when b{color:var(--fg);font-variant-numeric:tabular-nums}
.why code{font:12px ui-monospace,Menlo,Consolas,monospace;color:var(--fg)}
.actions{display:flex;gap:6px;margin-top:8px;flex-wrap:wrap}
button{font:inherit;font-size:13px;padding:4px 10px;border-radius:5px;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer}
button:hover{border-color:var(--fg)}button:disabled{opacity:.5;cursor:wait}
.msg{color:var(--open);font-size:12px;margin:4px 0 0}
aside{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;position:sticky;top:64px;max-height:calc(100vh - 80px);overflow:auto}
aside h3{margin:0 0 6px;font-size:14px}
#feed{list-style:none;margin:0;padding:0;font-size:13px}
#feed li{padding:6px 0;border-top:1px solid var(--line);overflow-wrap:anywhere}
#feed li:first-child{border-top:0}
#feed time{color:var(--mute);font-variant-numeric:tabular-nums;margin-right:6px}
#feed .n{font-family:ui-monospace,Menlo,Consolas,monospace}
#feed .s{font-weight:600}
.s.open,.s.forced_open{color:var(--open)}.s.half_open{color:var(--half)}.s.closed{color:var(--closed)}.s.disabled{color:var(--off)}
#feed .r{display:block;color:var(--mute);font-size:12px}
.empty{color:var(--mute);font-size:14px}
@media (max-width:760px){main{grid-template-columns:1fr;padding:10px}aside{position:static;max-height:none}#filter{max-width:none}#conn{margin-left:0}}
`;
