// Saved insights: open one in the builder, or delete it.
import { h, replace, toast } from './dom.js';
import { KIND_LABELS, dateTime } from './format.js';
import { toHash } from './insight-state.js';

export function mount(main, { api }) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading…'));
  const error = h('p', { class: 'error', role: 'alert' });
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Saved insights'),
      h('p', {}, 'Questions saved for this project. Open one to change it, or put it on a dashboard.')),
      h('a', { class: 'button', href: '#/insight' }, 'New insight')),
    error, h('section', { class: 'card' }, list));

  async function load() {
    try {
      const { insights } = await api.insights();
      if (!insights.length) {
        replace(list, h('div', { class: 'empty' }, h('p', {}, 'Nothing saved yet. Build an insight and press “Save insight”.')));
        return;
      }
      replace(list, h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Saved insights'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Kind'),
          h('th', { scope: 'col' }, 'Last saved'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, insights.map((i) => h('tr', {},
          h('th', { scope: 'row' }, h('a', { href: toHash({ query: i.query, chart: i.chart, id: i.id, name: i.name }) }, i.name)),
          h('td', {}, h('span', { class: 'pill' }, KIND_LABELS[i.query.kind] || i.query.kind)),
          h('td', {}, dateTime(i.updatedAt)),
          h('td', { class: 'num' }, h('button', { type: 'button', class: 'button danger small', 'aria-label': `Delete ${i.name}`,
            onclick: () => remove(i) }, 'Delete'))))))));
    } catch (err) {
      error.textContent = err.message;
    }
  }

  async function remove(insight) {
    if (!window.confirm(`Delete “${insight.name}”? It also leaves every dashboard.`)) return;
    try {
      await api.deleteInsight(insight.id);
      toast(`Deleted “${insight.name}”`);
      load();
    } catch (err) {
      error.textContent = err.message;
    }
  }

  load();
}
