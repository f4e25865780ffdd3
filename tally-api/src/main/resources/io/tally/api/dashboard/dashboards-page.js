// Dashboards: a list to pick or create one, and a page that shows several saved insights at once.
import { h, field, replace, toast } from './dom.js';
import { KIND_LABELS } from './format.js';
import { toHash } from './insight-state.js';
import { metaLine, renderResult } from './insight-view.js';

const REFRESH_MS = 60000;

export function mountList(main, { api, navigate }) {
  const list = h('div', { class: 'grid', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const name = h('input', { type: 'text', required: true, maxlength: '200', placeholder: 'e.g. Weekly overview' });
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Dashboards'), h('p', {}, 'Several saved insights on one page.'))),
    h('form', { class: 'card inline-form', 'aria-label': 'New dashboard', onsubmit: async (e) => {
      e.preventDefault();
      try {
        const created = await api.createDashboard({ name: name.value.trim(), insights: [] });
        navigate(`#/dashboards/${encodeURIComponent(created.id)}`);
      } catch (err) {
        error.textContent = err.message;
      }
    } }, field('New dashboard', name), h('button', { type: 'submit', class: 'button' }, 'Create dashboard')),
    error, h('div', { style: 'margin-top: 20px' }, list));
  api.dashboards().then(({ dashboards }) => {
    if (!dashboards.length) {
      replace(list, h('p', { class: 'muted' }, 'No dashboards yet: name one above.'));
      return;
    }
    replace(list, dashboards.map((d) => h('article', { class: 'card tile' },
      h('h2', {}, h('a', { href: `#/dashboards/${encodeURIComponent(d.id)}` }, d.name)),
      h('p', { class: 'muted' }, d.insights.length === 1 ? '1 insight' : `${d.insights.length} insights`))));
  }).catch((err) => { error.textContent = err.message; });
}

export function mountDashboard(main, { api, navigate }, id) {
  const error = h('p', { class: 'error', role: 'alert' });
  const grid = h('div', { class: 'grid' });
  const title = h('h1', {}, 'Dashboard');
  const picker = h('select', { 'aria-label': 'Saved insight to add' });
  const updated = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const addButton = h('button', { type: 'submit', class: 'button' }, 'Add to dashboard');
  let board = null;
  let insights = [];
  let timer = 0;

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('div', {}, title, updated),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button secondary', onclick: () => load() }, 'Refresh'),
        h('button', { type: 'button', class: 'button danger', onclick: () => removeBoard() }, 'Delete dashboard'))),
    h('form', { class: 'card inline-form', 'aria-label': 'Add an insight', onsubmit: (e) => { e.preventDefault(); add(); } },
      h('div', { class: 'field' }, h('label', { for: 'insight-picker' }, 'Add a saved insight'), picker),
      addButton,
      h('a', { class: 'button secondary', href: '#/insight' }, 'Build a new one')),
    error, h('div', { style: 'margin-top: 20px' }, grid));
  picker.id = 'insight-picker';

  async function load() {
    clearTimeout(timer);
    try {
      [board, { insights }] = await Promise.all([api.dashboard(id), api.insights()]);
    } catch (err) {
      error.textContent = err.status === 404 ? 'This dashboard no longer exists.' : err.message;
      return;
    }
    error.textContent = '';
    title.textContent = board.name;
    document.title = `${board.name} · Tally`;
    const byId = new Map(insights.map((i) => [i.id, i]));
    const addable = insights.filter((i) => !board.insights.includes(i.id));
    replace(picker, addable.length
      ? addable.map((i) => h('option', { value: i.id }, i.name))
      : h('option', { value: '' }, insights.length ? 'Every saved insight is here already' : 'No saved insights yet'));
    picker.disabled = !addable.length;
    addButton.disabled = !addable.length;
    if (!board.insights.length) {
      replace(grid, h('div', { class: 'card empty' }, h('p', {}, 'This dashboard is empty. Add a saved insight above.')));
    } else {
      replace(grid, board.insights.filter((i) => byId.has(i)).map((insightId, index) => tile(byId.get(insightId), index)));
    }
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    timer = setTimeout(() => { if (document.visibilityState === 'visible') load(); else timer = setTimeout(load, REFRESH_MS); }, REFRESH_MS);
  }

  function tile(insight, index) {
    const body = h('div', { class: 'tile-body' }, h('p', { class: 'loading' }, 'Loading…'));
    const meta = h('div');
    const count = board.insights.length;
    const el = h('article', { class: 'card tile', 'aria-label': insight.name },
      h('div', { class: 'card-head' },
        h('h2', {}, h('a', { href: toHash({ query: insight.query, chart: insight.chart, id: insight.id, name: insight.name }) }, insight.name)),
        h('div', { class: 'actions' },
          h('span', { class: 'pill' }, KIND_LABELS[insight.query.kind]),
          h('button', { type: 'button', class: 'button ghost small icon', 'aria-label': `Move ${insight.name} earlier`, disabled: index === 0,
            onclick: () => move(index, -1) }, '↑'),
          h('button', { type: 'button', class: 'button ghost small icon', 'aria-label': `Move ${insight.name} later`, disabled: index === count - 1,
            onclick: () => move(index, 1) }, '↓'),
          h('button', { type: 'button', class: 'button ghost small', 'aria-label': `Remove ${insight.name} from this dashboard`,
            onclick: () => save(board.insights.filter((x) => x !== insight.id)) }, 'Remove'))),
      meta, body);
    api.query(insight.query).then((result) => {
      replace(meta, metaLine(result.meta));
      replace(body, renderResult(result, insight.chart, true));
    }).catch((err) => replace(body, h('p', { class: 'error' }, err.message)));
    return el;
  }

  async function save(ids) {
    try {
      await api.updateDashboard(board.id, { name: board.name, insights: ids });
      load();
    } catch (err) {
      error.textContent = err.message;
    }
  }

  function move(index, by) {
    const ids = board.insights.slice();
    [ids[index], ids[index + by]] = [ids[index + by], ids[index]];
    save(ids);
  }

  function add() {
    if (!picker.value) return;
    save(board.insights.concat(picker.value)).then(() => toast('Insight added'));
  }

  async function removeBoard() {
    if (!board || !window.confirm(`Delete the dashboard “${board.name}”? Its insights stay saved.`)) return;
    try {
      await api.deleteDashboard(board.id);
      navigate('#/dashboards');
    } catch (err) {
      error.textContent = err.message;
    }
  }

  load();
  return () => clearTimeout(timer);
}
