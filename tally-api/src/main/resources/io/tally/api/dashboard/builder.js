// The insight builder's form. It edits a state {query, chart} in place and calls onChange(run): run is
// true when the answer may have changed (a choice was made), false while someone is still typing.
import { h, field, replace, select, segmented, uid } from './dom.js';
import { MATH_LABELS } from './format.js';
import { defaultQuery } from './insight-state.js';

const RANGES = [['-24h', 'Last 24 hours'], ['-7d', 'Last 7 days'], ['-14d', 'Last 14 days'], ['-30d', 'Last 30 days'],
  ['-90d', 'Last 90 days'], ['-6m', 'Last 6 months'], ['-12m', 'Last 12 months']];
const INTERVALS = [['hour', 'Hour'], ['day', 'Day'], ['week', 'Week'], ['month', 'Month']];
const WINDOWS = [['PT1H', '1 hour'], ['P1D', '1 day'], ['P7D', '7 days'], ['P14D', '14 days'], ['P30D', '30 days'], ['P90D', '90 days']];
const ORDERS = [['ordered', 'In order'], ['strict', 'Strictly in a row'], ['unordered', 'Any order']];
const OPS = [['eq', 'equals'], ['neq', 'does not equal'], ['contains', 'contains'], ['not_contains', 'does not contain'],
  ['in', 'is one of'], ['not_in', 'is not one of'], ['gt', '>'], ['gte', '≥'], ['lt', '<'], ['lte', '≤'],
  ['is_set', 'is set'], ['is_not_set', 'is not set']];
const NUMERIC_OPS = new Set(['gt', 'gte', 'lt', 'lte']);
const LETTERS = 'ABCDEFGHIJKLMNOPQRST';

export class InsightForm {
  constructor(state, onChange) {
    this.state = state;
    this.onChange = onChange;
    this.form = h('form', { class: 'builder-form', 'aria-label': 'Insight', onsubmit: (e) => { e.preventDefault(); this.onChange(true); } });
  }

  element() {
    this.render();
    return this.form;
  }

  /** Draws the form again after a change of structure; focusKey names the control to focus afterwards. */
  render(focusKey) {
    const q = this.state.query;
    const sections = q.kind === 'funnel' ? this.funnel(q) : q.kind === 'retention' ? this.retention(q) : this.trends(q);
    replace(this.form,
      h('div', { class: 'kind-picker' }, segmented('Kind of insight', uid('kind'),
        [['trends', 'Trend'], ['funnel', 'Funnel'], ['retention', 'Retention']], q.kind, (kind) => this.switchKind(kind))),
      sections,
      this.filters(q),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, 'Run query')));
    if (focusKey) {
      const target = this.form.querySelector(`[data-focus="${focusKey}"]`);
      if (target) target.focus();
    }
  }

  switchKind(kind) {
    const previous = this.state.query;
    const query = defaultQuery(kind);
    query.dateFrom = previous.dateFrom || query.dateFrom;
    if (previous.filters) query.filters = previous.filters;
    this.state.query = query;
    this.render();
    this.onChange(true);
  }

  changed(run, rerender, focusKey) {
    if (rerender) this.render(focusKey);
    this.onChange(run);
  }

  /** A text input bound to obj[key]; typing updates the state, leaving the field runs the query. */
  text(obj, key, attributes) {
    return h('input', Object.assign({
      type: 'text', value: obj[key] == null ? '' : String(obj[key]), autocomplete: 'off', spellcheck: 'false',
      oninput: (e) => { obj[key] = e.target.value; this.onChange(false); },
      onchange: () => this.onChange(true)
    }, attributes));
  }

  eventInput(obj, key, focusKey) {
    return this.text(obj, key, { list: 'event-names', placeholder: 'Event name', required: true, dataset: { focus: focusKey } });
  }

  choice(obj, key, options, label, rerender) {
    return field(label, select(options, String(obj[key]), {
      onchange: (e) => { obj[key] = e.target.value; this.changed(true, rerender); }
    }));
  }

  range(q) {
    const options = RANGES.slice();
    if (!options.some(([v]) => v === q.dateFrom)) options.push([q.dateFrom, rangeLabel(q.dateFrom)]);
    return this.choice(q, 'dateFrom', options, 'Date range');
  }

  trends(q) {
    const series = q.series.map((s, i) => h('div', { class: 'series-box' },
      h('div', { class: 'card-head' },
        h('h3', {}, `Series ${LETTERS[i]}`),
        q.series.length > 1 ? h('button', { type: 'button', class: 'button ghost small', 'aria-label': `Remove series ${LETTERS[i]}`,
          onclick: () => { q.series.splice(i, 1); this.changed(true, true); } }, 'Remove') : null),
      field('Event', this.eventInput(s, 'event', `series-${i}`)),
      h('div', { class: 'row' },
        this.mathField(s),
        s.math && !['total', 'unique_users'].includes(s.math)
          ? field('Of property', this.text(s, 'property', { placeholder: 'e.g. price', required: true })) : null)));
    return [
      h('fieldset', {}, h('legend', {}, 'Series'), series,
        q.series.length < 20 ? h('button', { type: 'button', class: 'button secondary small', onclick: () => {
          q.series.push({ event: '', math: 'total' });
          this.changed(false, true, `series-${q.series.length - 1}`);
        } }, '+ Add series') : null),
      h('div', { class: 'row' }, this.choice(q, 'interval', INTERVALS, 'Interval'), this.range(q)),
      segmented('Chart', uid('chart'), [['line', 'Line'], ['bar', 'Bar']], this.state.chart || 'line',
        (chart) => { this.state.chart = chart; this.onChange(true); }),
      this.breakdown(q),
      h('div', { class: 'field' }, h('label', { class: 'checkbox' },
        h('input', { type: 'checkbox', checked: !!q.compare, onchange: (e) => {
          if (e.target.checked) q.compare = true; else delete q.compare;
          this.onChange(true);
        } }),
        'Compare to the previous period'))
    ];
  }

  mathField(s) {
    return field('Measure', select(Object.entries(MATH_LABELS), s.math || 'total', {
      onchange: (e) => {
        s.math = e.target.value;
        if (['total', 'unique_users'].includes(s.math)) delete s.property; else s.property = s.property || '';
        this.changed(!!s.property || ['total', 'unique_users'].includes(s.math), true);
      }
    }));
  }

  breakdown(q) {
    const b = q.breakdown || { property: '' };
    const input = this.text(b, 'property', { placeholder: 'e.g. plan, context.page.path' });
    // an empty property means no breakdown: the query leaves the field out
    input.addEventListener('input', () => { if (b.property.trim()) q.breakdown = b; else delete q.breakdown; });
    return h('div', { class: 'row' },
      field('Break down by property', input),
      h('div', { class: 'fixed', style: 'width: 96px' }, field('Top', select([['5', '5'], ['10', '10'], ['20', '20']], String(b.limit || 10), {
        onchange: (e) => { b.limit = Number(e.target.value); if (b.property.trim()) { q.breakdown = b; this.onChange(true); } }
      }))));
  }

  funnel(q) {
    const steps = q.steps.map((step, i) => {
      const holder = typeof step === 'string' ? { event: step } : step;
      const input = this.eventInput(holder, 'event', `step-${i}`);
      // plain steps stay plain strings in the query; steps with filters keep their object form
      input.addEventListener('input', () => { q.steps[i] = typeof step === 'string' ? holder.event : holder; });
      return h('div', { class: 'list-item' },
        h('span', { class: 'index', 'aria-hidden': 'true' }, String(i + 1)),
        h('div', { class: 'grow' }, labelled(`Step ${i + 1}`, input)),
        q.steps.length > 2 ? h('button', { type: 'button', class: 'button ghost icon', 'aria-label': `Remove step ${i + 1}`,
          onclick: () => { q.steps.splice(i, 1); this.changed(true, true); } }, '×') : null);
    });
    return [
      h('fieldset', {}, h('legend', {}, 'Steps'), steps,
        q.steps.length < 20 ? h('button', { type: 'button', class: 'button secondary small', onclick: () => {
          q.steps.push('');
          this.changed(false, true, `step-${q.steps.length - 1}`);
        } }, '+ Add step') : null),
      h('div', { class: 'row' }, this.choice(q, 'window', WINDOWS, 'Conversion window'), this.choice(q, 'order', ORDERS, 'Step order')),
      this.range(q),
      this.breakdown(q)
    ];
  }

  retention(q) {
    const periods = h('input', { type: 'number', min: '1', max: '60', value: String(q.periods),
      onchange: (e) => { q.periods = Math.max(1, Math.min(60, Number(e.target.value) || 8)); this.onChange(true); } });
    return [
      field('Cohort by first', this.eventInput(q.startEvent, 'event', 'start')),
      field('Came back with', this.eventInput(q.returnEvent, 'event', 'return')),
      segmented('Period', uid('period'), [['day', 'Day'], ['week', 'Week'], ['month', 'Month']], q.period,
        (period) => { q.period = period; this.onChange(true); }),
      h('div', { class: 'row' }, field('Periods', periods),
        this.choice(q, 'cohort', [['first_time', 'First time'], ['recurring', 'Every time']], 'Cohort')),
      this.range(q)
    ];
  }

  filters(q) {
    const rows = (q.filters || []).map((f, i) => {
      const op = select(OPS, f.op, { 'aria-label': `Filter ${i + 1} condition`, onchange: (e) => {
        f.op = e.target.value;
        if (f.op === 'is_set' || f.op === 'is_not_set') delete f.value; else f.value = convert(f.op, shown(f.value));
        this.changed(true, true);
      } });
      const value = f.op === 'is_set' || f.op === 'is_not_set' ? null : h('input', {
        type: 'text', value: shown(f.value), 'aria-label': `Filter ${i + 1} value`, placeholder: f.op === 'in' || f.op === 'not_in' ? 'a, b, c' : 'value',
        oninput: (e) => { f.value = convert(f.op, e.target.value); this.onChange(false); }, onchange: () => this.onChange(true)
      });
      return h('div', { class: 'series-box' },
        h('div', { class: 'row' },
          h('div', {}, h('label', { for: `filter-${i}` }, `Filter ${i + 1}`), this.text(f, 'property', { id: `filter-${i}`, placeholder: 'property', dataset: { focus: `filter-${i}` } })),
          h('button', { type: 'button', class: 'button ghost icon fixed', 'aria-label': `Remove filter ${i + 1}`, onclick: () => {
            q.filters.splice(i, 1);
            if (!q.filters.length) delete q.filters;
            this.changed(true, true);
          } }, '×')),
        h('div', { class: 'row' }, op, value));
    });
    return h('fieldset', {}, h('legend', {}, 'Filters'), rows,
      h('button', { type: 'button', class: 'button secondary small', onclick: () => {
        q.filters = q.filters || [];
        q.filters.push({ property: '', op: 'eq', value: '' });
        this.changed(false, true, `filter-${q.filters.length - 1}`);
      } }, '+ Add filter'));
  }
}

const UNITS = { h: 'hour', d: 'day', w: 'week', m: 'month', y: 'year' };

/** "-3d" as "Last 3 days"; a date as "From 2026-02-01". */
function rangeLabel(value) {
  const m = /^-(\d+)([hdwmy])$/.exec(String(value));
  if (!m) return `From ${value}`;
  return `Last ${m[1] === '1' ? '' : m[1] + ' '}${UNITS[m[2]]}${m[1] === '1' ? '' : 's'}`;
}

/** A control whose label only screen readers need: the step's number is shown beside it. */
function labelled(text, control) {
  control.setAttribute('aria-label', text);
  return control;
}

/** The value as the API takes it for an operator: a list for in/not_in, a number for comparisons. */
function convert(op, text) {
  if (op === 'in' || op === 'not_in') return text.split(',').map((v) => v.trim()).filter((v) => v);
  if (NUMERIC_OPS.has(op)) {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

function shown(value) {
  if (value == null) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}
