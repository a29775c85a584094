/**
 * The pages' one stylesheet, served from /static/fleet.css (the Content-Security-Policy allows
 * styles from this origin only). Desktop: one table row per till or sale. Phones (≤ 760 px):
 * each row becomes a card whose cells carry their column name, so nothing scrolls sideways.
 */
export const FLEET_CSS = `
:root { --ok: #1a7f37; --bad: #c62828; --warn: #a15c00; --muted: #5f6368; --line: #dde1e6; --bg: #f6f7f9; --accent: #ff5b24; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; padding: 10px 16px; background: #fff; border-bottom: 3px solid var(--accent); }
header h1 { font-size: 18px; margin: 0; }
header h1 a { color: inherit; text-decoration: none; }
.msn { color: var(--muted); font-weight: 400; font-size: 15px; }
nav { display: flex; align-items: center; gap: 14px; }
nav a { color: #1f2328; }
nav form { margin: 0; }
button, input, select { font: inherit; }
button { padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
main { padding: 16px; max-width: 1400px; margin: 0 auto; }
h2 { font-size: 17px; margin: 18px 0 8px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin-bottom: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .n { font-size: 22px; font-weight: 600; display: block; }
.card .l { color: var(--muted); font-size: 13px; }
.alerts { list-style: none; padding: 0; margin: 0 0 14px; }
.alerts li { background: #fff3f0; border: 1px solid #f3c2b6; border-left: 4px solid var(--bad); border-radius: 6px; padding: 8px 10px; margin-bottom: 6px; }
.alerts li.resolved { background: #fff; border-color: var(--line); border-left-color: var(--ok); }
form.filter { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
form.filter label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
form.filter input, form.filter select { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; min-width: 120px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; white-space: nowrap; }
th a { color: inherit; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600; color: #fff; }
.badge.online { background: var(--ok); }
.badge.offline { background: var(--bad); }
.badge.degraded { background: var(--warn); }
.badge.unknown { background: var(--muted); }
.muted { color: var(--muted); font-size: 13px; }
.reasons { margin: 0; padding-left: 18px; color: var(--warn); }
.links { display: flex; flex-wrap: wrap; gap: 4px; }
.link { font-size: 12px; padding: 0 6px; border-radius: 4px; border: 1px solid var(--line); white-space: nowrap; }
.link.bad { border-color: #f3c2b6; background: #fff3f0; color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin: 0 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.login { max-width: 360px; margin: 40px auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
.login label { display: block; margin-bottom: 12px; }
.login input { display: block; width: 100%; padding: 8px; margin-top: 4px; border: 1px solid var(--line); border-radius: 6px; }
.error { color: var(--bad); }
@media (max-width: 760px) {
  main { padding: 10px; }
  table.cards-on-phone, table.cards-on-phone tbody, table.cards-on-phone tr, table.cards-on-phone td { display: block; width: 100%; }
  table.cards-on-phone { border: 0; background: none; }
  table.cards-on-phone thead { display: none; }
  table.cards-on-phone tr { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; padding: 4px 0; }
  table.cards-on-phone td { border: 0; padding: 4px 12px; display: flex; gap: 10px; overflow-wrap: anywhere; }
  table.cards-on-phone td::before { content: attr(data-label); flex: 0 0 110px; color: var(--muted); font-size: 13px; }
  table.cards-on-phone td.num { text-align: left; }
  table.cards-on-phone td:empty { display: none; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 6px; overflow-wrap: anywhere; }
}
`;
