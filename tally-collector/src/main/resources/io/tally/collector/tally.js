/*! tally.js 1: Tally's browser snippet. Segment wire format, no dependencies. */
(() => {
  'use strict';
  const VERSION = '1.0.0', P = 'tally_', w = window, nav = navigator;
  const src = document.currentScript && document.currentScript.src;
  let cfg, key, anon, user, queue = [], timer = 0, busy = false, fails = 0, lastPath;

  const read = (k) => {
    try { const v = localStorage.getItem(P + k); if (v) return v; } catch (e) { /* blocked: try the cookie */ }
    const m = document.cookie.match('(?:^|; )' + P + k + '=([^;]*)');
    return m ? decodeURIComponent(m[1]) : null;
  };
  const write = (k, v) => {
    try { v == null ? localStorage.removeItem(P + k) : localStorage.setItem(P + k, v); } catch (e) { /* the cookie stays */ }
    // also a first-party cookie, for browsers that block storage
    document.cookie = P + k + '=' + encodeURIComponent(v || '') + ';path=/;SameSite=Lax;max-age=' + (v == null ? 0 : 31536000);
  };
  const uuid = () => {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = [...b].map((x) => (x + 256).toString(16).slice(1)).join('');
    return h.replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  };
  const page = () => ({ url: location.href, path: location.pathname, search: location.search, referrer: document.referrer, title: document.title });
  const dnt = () => [nav.doNotTrack, w.doNotTrack, nav.msDoNotTrack].some((v) => v === '1' || v === 'yes') || nav.globalPrivacyControl === true;

  function enqueue(type, fields) {
    if (!cfg) return;
    const msg = Object.assign({
      type, messageId: uuid(), anonymousId: anon, originalTimestamp: new Date().toISOString(),
      context: { library: { name: 'tally.js', version: VERSION }, page: page(), userAgent: nav.userAgent, locale: nav.language,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone }
    }, fields);
    if (user) msg.userId = user;
    queue.push(msg);
    // bounded: past maxQueue the oldest go, so a long outage cannot fill the page's memory
    if (queue.length > cfg.maxQueue) queue.splice(0, queue.length - cfg.maxQueue);
    if (queue.length >= cfg.maxBatch) flush(); else schedule(cfg.flushInterval);
  }

  function schedule(ms) {
    if (!timer) timer = setTimeout(() => { timer = 0; flush(); }, ms);
  }

  const body = (batch) => JSON.stringify({ batch, writeKey: key, sentAt: new Date().toISOString() });

  // text/plain keeps the request "simple": no CORS preflight, and sendBeacon accepts it
  const post = (data, keepalive) => fetch(cfg.host + '/v1/batch', { method: 'POST', body: data, keepalive, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });

  async function flush() {
    if (busy || !queue.length || !cfg) return;
    busy = true;
    const batch = queue.splice(0, cfg.maxBatch), data = body(batch);
    let retry = 0;
    try {
      const res = await post(data, data.length < 60000);
      if (res.status === 429 || res.status >= 500) retry = 1000 * (+res.headers.get('Retry-After') || 0) || 1;
      else if (!res.ok) console.warn('tally.js: batch refused with HTTP ' + res.status);
    } catch (e) {
      retry = 1; // offline or the collector unreachable
    }
    busy = false;
    if (retry) {
      // back to the front with the same messageIds: the collector stores each message once
      queue = batch.concat(queue).slice(-cfg.maxQueue);
      fails++;
      const wait = Math.max(retry, Math.min(cfg.retryMax, cfg.retryMin * 2 ** (fails - 1)) * (0.5 + Math.random() / 2));
      schedule(wait);
    } else {
      fails = 0;
      if (queue.length) flush();
    }
  }

  // the page may be gone before a timer fires: hand everything to the browser to deliver
  function drain() {
    clearTimeout(timer); timer = 0;
    while (queue.length && cfg) {
      const data = body(queue.splice(0, cfg.maxBatch));
      const blob = new Blob([data], { type: 'text/plain' });
      if (!(nav.sendBeacon && nav.sendBeacon(cfg.host + '/v1/batch', blob))) post(data, true).catch(() => {});
    }
  }

  function pageview() {
    const path = location.pathname + location.search;
    if (path !== lastPath) { lastPath = path; api.page(); }
  }

  const api = {
    VERSION,
    /** Starts sending with the project's write key; options: host, autoPageviews, respectDoNotTrack, flushInterval, maxBatch, maxQueue. */
    init(writeKey, options) {
      if (cfg) return api;
      const o = Object.assign({ host: src ? new URL(src).origin : location.origin, autoPageviews: true, respectDoNotTrack: false,
        flushInterval: 2000, maxBatch: 20, maxQueue: 1000, retryMin: 1000, retryMax: 60000 }, options);
      if (!writeKey || (o.respectDoNotTrack && dnt())) return api;
      cfg = o; key = writeKey; cfg.host = String(cfg.host).replace(/\/+$/, '');
      anon = read('anonymous_id');
      if (!anon) write('anonymous_id', anon = uuid());
      user = read('user_id');
      addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') drain(); });
      addEventListener('pagehide', drain);
      if (cfg.autoPageviews) {
        // single-page apps change the URL without loading a page
        for (const name of ['pushState', 'replaceState']) {
          const original = history[name];
          history[name] = function () { const r = original.apply(this, arguments); pageview(); return r; };
        }
        addEventListener('popstate', pageview);
        pageview();
      }
      return api;
    },
    track(event, properties) { enqueue('track', { event: String(event), properties: properties || {} }); },
    identify(userId, traits) {
      if (userId != null) write('user_id', user = String(userId));
      enqueue('identify', { traits: traits || {} });
    },
    page(name, properties) { enqueue('page', { name: name || undefined, properties: Object.assign(page(), properties) }); },
    /** Forgets the user and starts a new anonymous id, e.g. at log-out. */
    reset() { write('user_id', user = null); write('anonymous_id', anon = uuid()); },
    flush
  };
  w.tally = api;
})();
