// The insight builder: the form on one side, the answer on the other, the whole question in the URL.
import { h, replace, toast } from './dom.js';
import { InsightForm } from './builder.js';
import { describe, fromParams, missingEvents, toHash } from './insight-state.js';
import { metaLine, renderResult, runnable } from './insight-view.js';

const DEBOUNCE_MS = 350;

export function mount(main, { api, params }) {
  const state = fromParams(params);
  const title = h('h2', { id: 'result-title' });
  const meta = h('div', { class: 'meta-holder' });
  const error = h('p', { class: 'error', role: 'alert' });
  const output = h('div', { class: 'result', 'aria-live': 'polite', 'aria-busy': 'false' });
  const name = h('input', { type: 'text', value: state.name, placeholder: 'Name this insight', maxlength: '200', 'aria-label': 'Insight name' });
  const dashboards = h('select', { class: 'small', 'aria-label': 'Dashboard to add this insight to' });
  const addButton = h('button', { type: 'button', class: 'button secondary small', onclick: () => addToDashboard() }, 'Add to dashboard');
  let sequence = 0;
  let timer = 0;

  const form = new InsightForm(state, (run) => {
    history.replaceState(null, '', toHash(state));
    updateTitle();
    if (run) {
      clearTimeout(timer);
      timer = setTimeout(execute, DEBOUNCE_MS);
    }
  });

  function updateTitle() {
    title.textContent = state.name || describe(state.query) || 'New insight';
  }

  async function execute() {
    clearTimeout(timer);
    if (missingEvents(state.query)) {
      error.textContent = '';
      replace(output, h('div', { class: 'empty' }, h('p', {}, 'Choose the events to see a chart.')));
      meta.replaceChildren();
      return;
    }
    const mine = ++sequence;
    output.setAttribute('aria-busy', 'true');
    try {
      const result = await api.query(runnable(state.query));
      if (mine !== sequence) return;
      error.textContent = '';
      replace(meta, metaLine(result.meta));
      replace(output, renderResult(result, state.chart));
    } catch (err) {
      if (mine !== sequence) return;
      error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
    } finally {
      if (mine === sequence) output.setAttribute('aria-busy', 'false');
    }
  }

  async function save(asNew) {
    const body = { name: name.value.trim() || describe(state.query), query: runnable(state.query) };
    if (state.query.kind === 'trends') body.chart = state.chart;
    try {
      const saved = state.id && !asNew ? await api.updateInsight(state.id, body) : await api.createInsight(body);
      state.id = saved.id;
      state.name = saved.name;
      name.value = saved.name;
      history.replaceState(null, '', toHash(state));
      updateTitle();
      toast(`Saved “${saved.name}”`);
      renderActions();
    } catch (err) {
      error.textContent = err.message;
    }
  }

  async function addToDashboard() {
    if (!state.id) await save(false);
    if (!state.id || !dashboards.value) return;
    try {
      const board = await api.dashboard(dashboards.value);
      if (!board.insights.includes(state.id)) {
        await api.updateDashboard(board.id, { name: board.name, insights: board.insights.concat(state.id) });
      }
      toast(`Added to “${board.name}”`);
    } catch (err) {
      error.textContent = err.message;
    }
  }

  const actions = h('div', { class: 'insight-actions' });
  function renderActions() {
    replace(actions,
      h('div', { class: 'actions' },
        h('div', { class: 'name' }, name),
        h('button', { type: 'button', class: 'button', onclick: () => save(false) }, state.id ? 'Save changes' : 'Save insight'),
        state.id ? h('button', { type: 'button', class: 'button secondary', onclick: () => save(true) }, 'Save as new') : null),
      h('div', { class: 'actions secondary-row' },
        h('button', { type: 'button', class: 'button secondary small', onclick: copyLink }, 'Copy link'),
        dashboards.options.length ? [dashboards, addButton] : null));
  }

  async function copyLink() {
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      toast('Link copied');
    } catch (e) {
      // without clipboard access (plain http), show the link to copy by hand
      window.prompt('Copy this link', link);
    }
  }

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, state.id ? 'Insight' : 'Build an insight'),
      h('p', {}, 'Pick events and how to count them. The address bar always holds the question, so a link reproduces the chart.'))),
    h('div', { class: 'builder' },
      h('aside', { class: 'card panel', 'aria-label': 'Question' }, form.element()),
      h('section', { class: 'card', 'aria-labelledby': 'result-title' },
        h('div', { class: 'result-head' }, h('div', {}, title, meta)),
        actions, error, output)),
    h('datalist', { id: 'event-names' }));
  updateTitle();
  renderActions();
  execute();
  loadSuggestions(api);
  api.dashboards().then((answer) => {
    for (const d of answer.dashboards) dashboards.append(h('option', { value: d.id }, d.name));
    renderActions();
  }).catch(() => {});
  return () => {
    clearTimeout(timer);
    sequence++;
  };
}

/** Event names seen lately, offered while typing an event. */
async function loadSuggestions(api) {
  try {
    const answer = await api.latestEvents(500);
    const names = [...new Set(answer.events.map((e) => e.event))].sort();
    const list = document.getElementById('event-names');
    if (list) list.replaceChildren(...names.map((n) => h('option', { value: n })));
  } catch (e) {
    // suggestions are a convenience; typing still works
  }
}
