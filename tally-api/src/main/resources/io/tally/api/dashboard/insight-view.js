// Any insight's answer drawn the way its kind is read best, with a line about how fresh it is.
import { h } from './dom.js';
import { ago, number } from './format.js';
import { renderTrends } from './trend-chart.js';
import { renderFunnel } from './funnel-chart.js';
import { renderRetention } from './retention-table.js';

export function renderResult(result, chart, compact) {
  switch (result.kind) {
    case 'funnel': return renderFunnel(result, compact);
    case 'retention': return renderRetention(result);
    default: return renderTrends(result, chart, compact);
  }
}

/** "Complete up to 12 s ago · 3 ms · cached": what the numbers include and how they were got. */
export function metaLine(meta) {
  const parts = [];
  if (meta.completeUpTo) {
    const age = Date.now() - Date.parse(meta.completeUpTo);
    parts.push(`Complete up to ${ago(Math.max(0, age))}`);
  }
  if (meta.lagEvents) parts.push(`${number(meta.lagEvents)} events still loading`);
  parts.push(`${number(Math.round(meta.durationMs))} ms`);
  if (meta.cached) parts.push('cached');
  return h('p', { class: 'meta', title: meta.completeUpTo ? `Every event accepted before ${meta.completeUpTo} is included` : null },
    parts.join(' · '));
}

/** A query ready to send: filters still being typed (no property yet) are left out. */
export function runnable(query) {
  const copy = JSON.parse(JSON.stringify(query));
  if (copy.filters) {
    copy.filters = copy.filters.filter((f) => f.property && f.property.trim());
    if (!copy.filters.length) delete copy.filters;
  }
  if (copy.breakdown && !(copy.breakdown.property || '').trim()) delete copy.breakdown;
  return copy;
}
