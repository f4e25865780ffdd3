// One ECharts instance in an element, resized with it and disposed when the element leaves the page.
import { h } from './dom.js';

export const PALETTE = ['#4338ca', '#0e9384', '#e04f16', '#c11574', '#1570ef', '#ca8504', '#6938ef', '#099250', '#667085', '#dd2590'];

const TEXT = { color: '#38405a', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif' };

/**
 * A chart element. ECharts draws on a canvas, which a screen reader cannot read, so the element is an
 * image with a label that says what the chart shows; the numbers are in the data table next to it.
 * (ECharts' own aria option is left off: it would replace this label with a generic one.)
 */
export function chartElement(option, label, compact) {
  const el = h('div', { class: compact ? 'chart compact' : 'chart', role: 'img', 'aria-label': label });
  requestAnimationFrame(() => mount(el, option));
  return el;
}

function mount(el, option) {
  if (!window.echarts) {
    el.replaceChildren(h('p', { class: 'empty' }, 'The chart library did not load.'));
    return;
  }
  const chart = window.echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption(Object.assign({ color: PALETTE, textStyle: TEXT, animationDuration: 350 }, option));
  const resize = new ResizeObserver(() => {
    if (!el.isConnected) {
      resize.disconnect();
      chart.dispose();
      return;
    }
    chart.resize();
  });
  resize.observe(el);
  // tests and people debugging can reach the drawn option from the element
  el.chart = chart;
}

/** A collapsible table holding the numbers a chart draws. */
export function dataTable(caption, head, rows, foot) {
  return h('details', { class: 'data' },
    h('summary', {}, 'Data table'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i ? h('td', { class: 'num' }, c) : h('th', { scope: 'row' }, c)))))),
      foot ? h('tfoot', {}, h('tr', {}, foot.map((c, i) => h('td', { class: i ? 'num' : null }, c)))) : null)));
}
