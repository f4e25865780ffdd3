// A trend answer as a line or bar chart, a total per series and a data table.
import { h } from './dom.js';
import { bucket, number, seriesLabel } from './format.js';
import { PALETTE, chartElement, dataTable } from './chart-host.js';

/** Series whose values add up over time; for the others a total would mean nothing. */
const ADDITIVE = new Set(['total', 'sum']);

export function renderTrends(result, chart, compact) {
  if (!result.series.length) return h('p', { class: 'empty' }, 'No data for this question.');
  const labels = result.series[0].buckets.map((b) => bucket(b, result.interval));
  const series = [];
  result.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    series.push(Object.assign(style(chart, color, false), { name: seriesLabel(s), data: s.values }));
    if (s.previous) {
      series.push(Object.assign(style(chart, color, true), { name: `${seriesLabel(s)} (previous period)`, data: s.previous.values }));
    }
  });
  const option = {
    // on a narrow chart the totals above it, with their colours, stand in for the legend
    media: [{ query: { maxWidth: 480 }, option: { legend: { show: false }, grid: { bottom: 8 } } }],
    grid: { left: 8, right: 28, top: 16, bottom: compact ? 36 : 64, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => number(v) },
    legend: { type: 'scroll', bottom: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8 },
    xAxis: { type: 'category', data: labels, boundaryGap: chart === 'bar', axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: '#c9cedb' } }, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eceef4' } } },
    series
  };
  const totals = result.series.map((s, i) => ({ s, i, total: total(s.values), previous: s.previous ? total(s.previous.values) : null }));
  const summary = totals.map(({ s, total: t }) => `${seriesLabel(s)}: ${ADDITIVE.has(s.math) ? number(t) + ' in total' : 'latest ' + number(s.values[s.values.length - 1])}`).join('; ');
  return h('div', { class: 'trend' },
    h('ul', { class: 'totals', 'aria-label': 'Totals' }, totals.map(({ s, i, total: t, previous }) => h('li', { dataset: { series: seriesLabel(s) } },
      h('span', { class: 'name' }, h('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}` }), seriesLabel(s)),
      h('strong', { dataset: { total: ADDITIVE.has(s.math) ? String(t) : '' } }, ADDITIVE.has(s.math) ? number(t) : number(s.values[s.values.length - 1])),
      previous != null && ADDITIVE.has(s.math) ? h('span', { class: 'muted small' }, change(t, previous)) : null))),
    chartElement(option, `${chart === 'bar' ? 'Bar' : 'Line'} chart per ${result.interval}. ${summary}.`, compact),
    table(result, labels));
}

function style(chart, color, previous) {
  if (chart === 'bar') {
    return { type: 'bar', itemStyle: { color, opacity: previous ? 0.35 : 1, borderRadius: [3, 3, 0, 0] }, barMaxWidth: 28 };
  }
  return { type: 'line', smooth: 0.2, symbolSize: 5, showSymbol: false, color,
    lineStyle: { width: previous ? 1.5 : 2.5, type: previous ? 'dashed' : 'solid', opacity: previous ? 0.6 : 1 },
    areaStyle: previous ? undefined : { opacity: 0.06 } };
}

function table(result, labels) {
  const head = ['Period'];
  const columns = [];
  for (const s of result.series) {
    head.push(seriesLabel(s));
    columns.push(s.values);
    if (s.previous) {
      head.push(`${seriesLabel(s)} (previous period)`);
      columns.push(s.previous.values);
    }
  }
  const rows = labels.map((label, b) => [label, ...columns.map((values) => number(values[b]))]);
  const foot = ['Total'];
  for (const s of result.series) {
    foot.push(ADDITIVE.has(s.math) ? number(total(s.values)) : '—');
    if (s.previous) foot.push(ADDITIVE.has(s.math) ? number(total(s.previous.values)) : '—');
  }
  return dataTable('Values per period', head, rows, foot);
}

function total(values) {
  return values.reduce((a, b) => a + b, 0);
}

function change(current, previous) {
  if (!previous) return current ? 'new this period' : 'no change';
  const ratio = (current - previous) / previous;
  return `${ratio >= 0 ? '▲' : '▼'} ${Math.abs(ratio * 100).toFixed(0)}% vs previous period`;
}
