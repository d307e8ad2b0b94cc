/**
 * The dashboard's one style sheet, embedded as a string so the compiled binary serves it
 * (served at `/ui/assets/style.css`; the CSP allows only our own style sheets). Light and dark
 * follow `prefers-color-scheme`; the layout reflows down to phone width.
 * @module
 */

/** The style sheet's text. */
export const STYLE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --text: #1d2330; --muted: #5d6675; --line: #d9dee6;
  --accent: #2656c9; --accent-text: #ffffff; --focus: #f0a500;
  --ok: #1f7a3a; --ok-bg: #e3f4e8; --run: #1d5fbf; --run-bg: #e1ecfb;
  --warn: #8a5a00; --warn-bg: #fdf1d6; --bad: #b3261e; --bad-bg: #fbe4e2;
  --gray: #5d6675; --gray-bg: #eceff3;
  --edge: #7b8494; --node: #ffffff; --node-line: #8d97a8; --code: #f0f2f5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151b; --panel: #1b2029; --text: #e4e8ef; --muted: #9aa4b4; --line: #2e3542;
    --accent: #6d9bff; --accent-text: #0c1220; --focus: #ffc94d;
    --ok: #7fd69a; --ok-bg: #173524; --run: #8db8ff; --run-bg: #172a48;
    --warn: #f3c769; --warn-bg: #3b2e10; --bad: #ff9a92; --bad-bg: #43201e;
    --gray: #aab3c2; --gray-bg: #2a303b;
    --edge: #8d97a8; --node: #222834; --node-line: #5b6576; --code: #141820;
  }
}
* { box-sizing: border-box; }
html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible,
summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code, pre, .mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem;
  overflow: auto; max-height: 24rem; white-space: pre-wrap; word-break: break-word; margin: 0.3rem 0; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 0.5rem; background: var(--panel); padding: 0.3rem 0.6rem; z-index: 2; }
header.top { background: var(--panel); border-bottom: 1px solid var(--line); }
header.top .bar { max-width: 76rem; margin: 0 auto; padding: 0.6rem 1rem; display: flex;
  gap: 1.2rem; align-items: center; flex-wrap: wrap; }
.brand { font-weight: 700; color: var(--text); text-decoration: none; }
nav.main { display: flex; gap: 0.3rem; flex-wrap: wrap; }
header.top form { margin-left: auto; }
nav.main a { padding: 0.3rem 0.7rem; border-radius: 6px; text-decoration: none; color: var(--muted); }
nav.main a[aria-current="page"] { background: var(--accent); color: var(--accent-text); }
main { max-width: 76rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.45rem; margin: 0.4rem 0 0.8rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 0.6rem; }
.panel > :first-child { margin-top: 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 0.9rem 1rem; margin-bottom: 1rem; }
.muted { color: var(--muted); }
.small { font-size: 0.86rem; }
.row { display: flex; gap: 0.8rem; flex-wrap: wrap; align-items: center; }
.spread { justify-content: space-between; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 1rem; }
@media (max-width: 900px) { .grid2 { grid-template-columns: minmax(0, 1fr); } }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.78rem;
  font-weight: 600; letter-spacing: 0.02em; white-space: nowrap; border: 1px solid transparent; }
.s-RUNNING { color: var(--run); background: var(--run-bg); }
.s-SUSPENDED { color: var(--warn); background: var(--warn-bg); }
.s-COMPLETED, .s-valid { color: var(--ok); background: var(--ok-bg); }
.s-FAILED, .s-invalid { color: var(--bad); background: var(--bad-bg); }
.s-CANCELLED, .s-other { color: var(--gray); background: var(--gray-bg); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
tbody tr:hover { background: color-mix(in srgb, var(--accent) 6%, transparent); }
.table-wrap { overflow-x: auto; }
@media (max-width: 640px) {
  .runs thead { display: none; }
  .runs tr { display: block; border-bottom: 1px solid var(--line); padding: 0.4rem 0; }
  .runs td { display: flex; gap: 0.6rem; border: 0; padding: 0.15rem 0.3rem; }
  .runs td::before { content: attr(data-label); color: var(--muted); min-width: 6.5rem; font-size: 0.85rem; }
}
form.filters { display: flex; gap: 0.6rem; flex-wrap: wrap; align-items: end; }
label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--muted); }
input, select { font: inherit; color: var(--text); background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: 0.35rem 0.5rem; min-width: 0; }
button, .button { font: inherit; cursor: pointer; border-radius: 6px; padding: 0.38rem 0.9rem;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text);
  text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
fieldset { border: 1px solid var(--line); border-radius: 6px; display: flex; gap: 0.8rem; flex-wrap: wrap; }
fieldset label { flex-direction: row; align-items: center; color: var(--text); }
.pager { display: flex; gap: 0.6rem; margin-top: 0.8rem; align-items: center; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr)); gap: 1rem; }
.card h2 { margin-top: 0; }
.errors { margin: 0.4rem 0; padding-left: 1.1rem; color: var(--bad); }
.steps { margin: 0.3rem 0; padding-left: 1.3rem; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.graph-box { overflow-x: auto; text-align: center; }
svg.graph { max-width: 100%; height: auto; font-family: inherit; }
svg.graph .node rect { fill: var(--node); stroke: var(--node-line); stroke-width: 1.3; }
svg.graph .node-end rect { fill: var(--gray-bg); }
svg.graph .node text { fill: var(--text); text-anchor: middle; }
svg.graph .node-name { font-size: 13px; font-weight: 600; }
svg.graph .node-desc { font-size: 10.5px; fill: var(--muted); }
svg.graph .visited rect { fill: var(--ok-bg); stroke: var(--ok); }
svg.graph .current rect { fill: var(--warn-bg); stroke: var(--focus); stroke-width: 3; }
svg.graph .failed rect { fill: var(--bad-bg); stroke: var(--bad); stroke-width: 3; }
svg.graph .edge path { fill: none; stroke: var(--edge); stroke-width: 1.4; }
svg.graph .edge-ai path { stroke-dasharray: 5 4; }
svg.graph .edge-taken path { stroke: var(--ok); stroke-width: 3; }
svg.graph .arrow path { fill: var(--edge); }
svg.graph .arrow-taken path { fill: var(--ok); }
svg.graph .edge-label rect { fill: var(--panel); stroke: var(--line); }
svg.graph .edge-label text { font-size: 11px; fill: var(--muted); text-anchor: middle; }
svg.graph .edge-label-taken text { fill: var(--ok); font-weight: 600; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: 0.82rem; color: var(--muted); }
ol.timeline { list-style: none; margin: 0; padding: 0; }
ol.timeline > li { border-left: 3px solid var(--line); padding: 0.2rem 0 0.8rem 0.9rem; position: relative; }
ol.timeline > li::before { content: ""; position: absolute; left: -0.5rem; top: 0.45rem; width: 0.7rem;
  height: 0.7rem; border-radius: 50%; background: var(--panel); border: 2px solid var(--edge); }
ol.timeline > li.last::before { border-color: var(--focus); background: var(--focus); }
.entry-head { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: baseline; }
.seq { font-weight: 700; color: var(--muted); }
.message { margin: 0.2rem 0; overflow-wrap: anywhere; }
.notice { border-left: 4px solid var(--accent); }
.notice.error { border-left-color: var(--bad); }
.live-dot { display: inline-block; width: 0.55rem; height: 0.55rem; border-radius: 50%;
  background: var(--gray); margin-right: 0.3rem; }
.live-on .live-dot { background: var(--ok); }
details > summary { cursor: pointer; color: var(--muted); }
`;
