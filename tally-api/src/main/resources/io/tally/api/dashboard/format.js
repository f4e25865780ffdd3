// How numbers, times and labels read on screen.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function number(value) {
  if (value == null || Number.isNaN(value)) return '—';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

export function percent(ratio) {
  if (ratio == null || Number.isNaN(ratio)) return '—';
  const value = ratio * 100;
  return (value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)) + '%';
}

/** A duration in seconds as "3m 20s", "2h 5m", "1d 4h". */
export function duration(seconds) {
  if (!seconds) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A bucket's label from its ISO time with offset. The local part of the text is the bucket's wall-clock
 * start in the query's time zone, which is what the label must show, whatever zone the browser is in.
 */
export function bucket(iso, interval) {
  const [date, time] = iso.slice(0, 16).split('T');
  const [y, m, d] = date.split('-').map(Number);
  const day = `${MONTHS[m - 1]} ${d}`;
  switch (interval) {
    case 'hour': return `${day}, ${time}`;
    case 'week': return `Week of ${day}`;
    case 'month': return `${MONTHS[m - 1]} ${y}`;
    default: return day;
  }
}

/** A local clock time, e.g. 14:03:07. */
export function clock(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function dateTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "12 s ago", "3 min ago". */
export function ago(ms) {
  if (ms == null) return '—';
  if (ms < 1500) return 'just now';
  if (ms < 90000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 5400000) return `${Math.round(ms / 60000)} min ago`;
  return `${Math.round(ms / 3600000)} h ago`;
}

export const MATH_LABELS = {
  total: 'Total events', unique_users: 'Unique users', sum: 'Sum', avg: 'Average', min: 'Minimum', max: 'Maximum',
  p50: 'Median (p50)', p90: '90th percentile', p99: '99th percentile'
};

export const KIND_LABELS = { trends: 'Trend', funnel: 'Funnel', retention: 'Retention' };

/** The name of one series of a trend result. */
export function seriesLabel(series) {
  const math = MATH_LABELS[series.math] || series.math;
  const of = series.property ? ` of ${series.property}` : '';
  const value = series.breakdownValue != null ? ` · ${series.breakdownValue}` : '';
  return `${series.event} · ${math}${of}${value}`;
}
