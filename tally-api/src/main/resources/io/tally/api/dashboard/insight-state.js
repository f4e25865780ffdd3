// An insight as the builder edits it: the query exactly as the API takes it, plus how to draw it. The
// whole state lives in the URL (#/insight?q=JSON&chart=line), so a link reproduces the chart.

export const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function defaultQuery(kind) {
  switch (kind) {
    case 'funnel':
      return { kind, steps: ['', ''], window: 'P14D', order: 'ordered', dateFrom: '-30d', timezone: TIMEZONE };
    case 'retention':
      return { kind, startEvent: { event: '' }, returnEvent: { event: '' }, period: 'week', periods: 8, cohort: 'first_time',
        dateFrom: '-8w', timezone: TIMEZONE };
    default:
      return { kind: 'trends', series: [{ event: '', math: 'total' }], interval: 'day', dateFrom: '-30d', timezone: TIMEZONE };
  }
}

/** The state in a route's parameters; a damaged or missing query falls back to a new trend. */
export function fromParams(params) {
  let query = null;
  try {
    query = JSON.parse(params.get('q') || 'null');
  } catch (e) {
    query = null;
  }
  if (!query || typeof query !== 'object' || !['trends', 'funnel', 'retention'].includes(query.kind)) {
    query = defaultQuery('trends');
  }
  const chart = params.get('chart') === 'bar' ? 'bar' : 'line';
  return { query, chart, id: params.get('id') || null, name: params.get('name') || '' };
}

/** The route of a state, e.g. #/insight?q=...; what "Copy link" copies. */
export function toHash(state) {
  const params = new URLSearchParams();
  params.set('q', JSON.stringify(state.query));
  if (state.query.kind === 'trends') params.set('chart', state.chart || 'line');
  if (state.id) params.set('id', state.id);
  if (state.name) params.set('name', state.name);
  return '#/insight?' + params.toString();
}

/** The event names a query needs before it can run. */
export function missingEvents(query) {
  const names = [];
  if (query.kind === 'trends') query.series.forEach((s) => names.push(s.event));
  if (query.kind === 'funnel') query.steps.forEach((s) => names.push(typeof s === 'string' ? s : s.event));
  if (query.kind === 'retention') names.push(query.startEvent.event, query.returnEvent.event);
  return names.some((n) => !n || !String(n).trim());
}

/** A title for an unsaved insight, from its events. */
export function describe(query) {
  const eventOf = (s) => (typeof s === 'string' ? s : s.event) || '…';
  if (query.kind === 'trends') return query.series.map(eventOf).join(', ');
  if (query.kind === 'funnel') return query.steps.map(eventOf).join(' → ');
  return `${eventOf(query.startEvent)} then ${eventOf(query.returnEvent)}`;
}
