// A retention answer as the cohort triangle: one row per cohort, one column per period, each cell
// shaded by the share of the cohort that came back. Periods still in the future stay empty.
import { h } from './dom.js';
import { number, percent } from './format.js';

const NAMES = { day: 'Day', week: 'Week', month: 'Month' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function renderRetention(result) {
  if (!result.cohorts.length) return h('p', { class: 'empty' }, 'No cohorts in this range.');
  const periods = result.cohorts[0].retained.length;
  const now = Date.now();
  const name = NAMES[result.period] || 'Period';
  const average = averages(result.cohorts, periods, result.period, now);
  return h('div', { class: 'table-wrap retention' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, `Retention by ${result.period}: the share of each cohort that came back in each later ${result.period}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'cohort' }, 'Cohort'), h('th', { scope: 'col', class: 'num' }, 'People'),
      Array.from({ length: periods }, (_, j) => h('th', { scope: 'col', class: 'num' }, `${name} ${j}`)))),
    h('tbody', {},
      h('tr', { class: 'average' }, h('th', { scope: 'row', class: 'cohort' }, 'All cohorts'),
        h('td', { class: 'num' }, number(result.cohorts.reduce((a, c) => a + c.size, 0))),
        average.map((ratio) => cell(ratio, ratio == null ? '' : `${percent(ratio)} on average`))),
      result.cohorts.map((c) => h('tr', {},
        h('th', { scope: 'row', class: 'cohort' }, label(c.start, result.period)),
        h('td', { class: 'num' }, number(c.size)),
        c.retained.map((n, j) => (started(c.start, result.period, j, now)
          ? cell(c.size ? n / c.size : 0, `${number(n)} of ${number(c.size)} people`)
          : h('td', { class: 'cell future', 'aria-label': 'not yet' }))))))));
}

function cell(ratio, title) {
  if (ratio == null) return h('td', { class: 'cell future' });
  // a light tint even at 0%, so the triangle's shape reads; dark text turns white on dark cells
  const alpha = 0.06 + 0.84 * ratio;
  return h('td', { class: 'cell', title, style: `background: rgba(67, 56, 202, ${alpha.toFixed(3)}); color: ${alpha > 0.5 ? '#fff' : '#1c2233'}` },
    percent(ratio));
}

/** Per period, retained people over cohort sizes, counting only cohorts that reached the period. */
function averages(cohorts, periods, period, now) {
  return Array.from({ length: periods }, (_, j) => {
    let back = 0;
    let size = 0;
    for (const c of cohorts) {
      if (started(c.start, period, j, now)) {
        back += c.retained[j];
        size += c.size;
      }
    }
    return size ? back / size : null;
  });
}

/** Whether period j of the cohort starting at the local time iso has begun. */
function started(iso, period, j, now) {
  const start = new Date(iso);
  if (period === 'day') start.setDate(start.getDate() + j);
  else if (period === 'week') start.setDate(start.getDate() + 7 * j);
  else start.setMonth(start.getMonth() + j);
  return start.getTime() <= now;
}

function label(iso, period) {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return period === 'month' ? `${MONTHS[m - 1]} ${y}` : `${MONTHS[m - 1]} ${d}, ${y}`;
}
