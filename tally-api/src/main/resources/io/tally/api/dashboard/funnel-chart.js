// A funnel answer: bars per step with the conversion, and a table with the time to convert.
import { h } from './dom.js';
import { duration, number, percent } from './format.js';
import { chartElement } from './chart-host.js';

export function renderFunnel(result, compact) {
  const groups = result.groups.filter((g) => g.steps.length);
  if (!groups.length) return h('p', { class: 'empty' }, 'No data for this question.');
  const steps = groups[0].steps;
  const labels = steps.map((s, i) => `${i + 1}. ${s.event}`);
  const split = groups.length > 1;
  const option = {
    // narrow charts wrap step names onto two lines rather than letting them run into each other
    media: [{ query: { maxWidth: 480 }, option: { grid: { bottom: split ? 36 : 20 }, xAxis: { axisLabel: { width: Math.floor(300 / labels.length) } } } }],
    grid: { left: 8, right: 16, top: 28, bottom: split ? 36 : 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (items) => tooltip(groups, items) },
    legend: split ? { type: 'scroll', bottom: 0 } : undefined,
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, width: compact ? 120 : 160, overflow: 'break', lineHeight: 14 },
      axisLine: { lineStyle: { color: '#c9cedb' } } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eceef4' } } },
    series: groups.map((g) => ({
      type: 'bar', name: g.breakdownValue != null ? g.breakdownValue : 'People', barMaxWidth: 72,
      itemStyle: { borderRadius: [4, 4, 0, 0] },
      data: g.steps.map((s) => s.count),
      label: { show: true, position: 'top', color: '#38405a', fontWeight: 600,
        formatter: (p) => percent(g.steps[p.dataIndex].conversionFromFirst) }
    }))
  };
  const first = groups.reduce((a, g) => a + g.steps[0].count, 0);
  const last = groups.reduce((a, g) => a + g.steps[g.steps.length - 1].count, 0);
  const overall = first ? last / first : 0;
  return h('div', { class: 'funnel' },
    h('p', { class: 'headline' }, h('strong', { dataset: { conversion: String(overall) } }, percent(overall)),
      ` converted: ${number(last)} of ${number(first)} people reached “${steps[steps.length - 1].event}”`),
    chartElement(option, `Funnel bar chart. ${steps.map((s, i) => `Step ${i + 1}, ${s.event}: ${groupsCount(groups, i)} people`).join('; ')}.`, compact),
    compact ? null : stepsTable(groups));
}

function groupsCount(groups, i) {
  return number(groups.reduce((a, g) => a + g.steps[i].count, 0));
}

function tooltip(groups, items) {
  const i = items[0].dataIndex;
  const lines = groups.map((g) => {
    const s = g.steps[i];
    const name = g.breakdownValue != null ? `${g.breakdownValue}: ` : '';
    const time = i ? `, median ${duration(s.medianSecondsFromPrevious)} from the previous step` : '';
    return `${escape(name)}${number(s.count)} people (${percent(s.conversionFromFirst)} of step 1${time})`;
  });
  return `<strong>${escape(items[0].axisValue)}</strong><br>${lines.join('<br>')}`;
}

/** The numbers behind the bars, and the median time to convert that bars cannot show. */
function stepsTable(groups) {
  const split = groups.length > 1;
  const rows = [];
  for (const g of groups) {
    g.steps.forEach((s, i) => rows.push(h('tr', {},
      split ? h('td', {}, g.breakdownValue) : null,
      h('th', { scope: 'row' }, `${i + 1}. ${s.event}`),
      h('td', { class: 'num', dataset: { count: String(s.count) } }, number(s.count)),
      h('td', { class: 'num' }, i ? percent(s.conversionFromPrevious) : '—'),
      h('td', { class: 'num' }, percent(s.conversionFromFirst)),
      h('td', { class: 'num' }, i ? duration(s.medianSecondsFromPrevious) : '—'),
      h('td', { class: 'num' }, i ? duration(s.averageSecondsFromPrevious) : '—'))));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'funnel-steps' },
    h('caption', { class: 'visually-hidden' }, 'People per step, conversion and time to convert'),
    h('thead', {}, h('tr', {},
      split ? h('th', { scope: 'col' }, 'Group') : null,
      h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col', class: 'num' }, 'People'),
      h('th', { scope: 'col', class: 'num' }, 'From previous'), h('th', { scope: 'col', class: 'num' }, 'From first'),
      h('th', { scope: 'col', class: 'num' }, 'Median time'), h('th', { scope: 'col', class: 'num' }, 'Average time'))),
    h('tbody', {}, rows)));
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
