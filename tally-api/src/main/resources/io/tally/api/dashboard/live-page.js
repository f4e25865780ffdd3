// The live view: events as they are stored, newest first, and the health of ingestion, polled every
// few seconds while the page is visible.
import { h, replace } from './dom.js';
import { ago, clock, number } from './format.js';

const POLL_MS = 2000;
const SHOWN = 50;

export function mount(main, { api }) {
  const stats = h('div', { class: 'stats', role: 'group', 'aria-label': 'Ingestion health' });
  const rows = h('tbody');
  const status = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
  const pause = h('button', { type: 'button', class: 'button secondary small', 'aria-pressed': 'false', onclick: toggle }, 'Pause');
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'events', id: 'live-events' },
    h('caption', { class: 'visually-hidden' }, 'Latest events, newest first'),
    h('thead', {}, h('tr', {}, ['Received', 'Event', 'Person', 'Properties'].map((c) => h('th', { scope: 'col' }, c)))),
    rows));
  const help = h('div', { class: 'snippet-help', hidden: true },
    h('p', {}, 'No events in the last day. Send some from a web page with the browser snippet:'),
    h('pre', { class: 'snippet' }, `<script src="${location.origin}/tally.js"></script>\n<script>\n  tally.init('WRITE_KEY');\n  tally.track('Signed up', { plan: 'pro' });\n</script>`));
  let paused = false;
  let stopped = false;
  let timer = 0;
  let seen = new Set();
  let first = true;

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Live'),
      h('p', {}, 'Events as they are stored, and how ingestion is doing.'))),
    stats, error,
    h('section', { class: 'card', 'aria-labelledby': 'live-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'live-title' }, dot, 'Latest events'), h('div', { class: 'actions' }, status, pause)),
      help, table));

  function toggle() {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    dot.classList.toggle('paused', paused);
    if (!paused) poll();
  }

  async function poll() {
    clearTimeout(timer);
    if (stopped) return;
    if (!paused && document.visibilityState === 'visible') {
      try {
        const [latest, health] = await Promise.all([api.latestEvents(SHOWN), api.ingestion()]);
        error.textContent = '';
        showEvents(latest.events);
        showHealth(health);
      } catch (err) {
        error.textContent = `Could not refresh: ${err.message}`;
      }
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  function showEvents(events) {
    const fresh = events.filter((e) => !seen.has(e.messageId));
    seen = new Set(events.map((e) => e.messageId));
    help.hidden = events.length > 0;
    replace(rows, events.map((e) => h('tr', { class: !first && fresh.includes(e) ? 'fresh' : null, dataset: { event: e.event } },
      h('td', { title: `happened ${e.timestamp}` }, clock(e.receivedAt)),
      h('td', {}, h('strong', {}, title(e))),
      h('td', {}, e.distinctId),
      h('td', { class: 'props' }, Object.entries(e.properties).filter(([, v]) => v !== '').slice(0, 6).map(([k, v]) => h('span', { class: 'chip', title: `${k}: ${v}` }, `${k}: ${v}`))))));
    status.textContent = first ? `${events.length} events` : fresh.length ? `${fresh.length} new` : 'Up to date';
    first = false;
  }

  function showHealth(health) {
    const collector = health.collector;
    const loader = health.loader;
    const reasons = collector ? Object.entries(collector.rejectedByReason) : [];
    replace(stats,
      stat('Accepted per second', collector ? rate(collector.eventsPerSecond) : 'n/a',
        collector ? `${number(collector.accepted)} since start` : 'No collector in this process', 'events-per-second'),
      stat('Stored per second', loader ? rate(loader.storedPerSecond) : 'n/a',
        loader ? `${number(loader.stored)} since start` : 'No loader in this process', 'stored-per-second'),
      stat('Rejected', collector ? number(collector.rejected) : 'n/a',
        reasons.length ? h('ul', {}, reasons.map(([reason, n]) => h('li', {}, `${reason.replace(/_/g, ' ')}: ${number(n)}`))) : 'None rejected',
        'rejected'),
      stat('Consumer lag', health.lagEvents == null ? 'n/a' : number(health.lagEvents),
        health.lagEvents == null ? 'Unknown here' : 'events not yet stored', 'lag'),
      stat('Complete up to', health.completeUpTo ? clock(health.completeUpTo) : 'n/a',
        health.completeUpTo ? ago(health.completeUpToAgeMs) : 'Unknown here', 'complete-up-to'));
  }

  poll();
  const onVisible = () => { if (document.visibilityState === 'visible') poll(); };
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}

function stat(label, value, detail, key) {
  return h('div', { class: 'stat', dataset: { stat: key } },
    h('p', { class: 'label' }, label), h('p', { class: 'value' }, value), h('div', { class: 'detail' }, detail));
}

function rate(value) {
  return value == null ? '…' : number(Math.round(value * 10) / 10);
}

function title(e) {
  if (e.type === 'page') return `Page: ${e.name || e.properties.path || e.properties.url || ''}`;
  if (e.type === 'identify') return 'Identify';
  return e.event;
}
