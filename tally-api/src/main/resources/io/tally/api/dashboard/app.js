// The dashboard's entry: routes of the form #/page?params to pages, and the sign-in around them.
import { Api, whenUnauthorized } from './api.js';
import * as session from './session.js';
import * as signinPage from './signin-page.js';
import * as insightPage from './insight-page.js';
import * as savedPage from './saved-page.js';
import * as livePage from './live-page.js';
import { mountDashboard, mountList } from './dashboards-page.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
let cleanup = null;

const ROUTES = {
  insight: (ctx) => insightPage.mount(main, ctx),
  insights: (ctx) => savedPage.mount(main, ctx),
  dashboards: (ctx, rest) => (rest ? mountDashboard(main, ctx, decodeURIComponent(rest)) : mountList(main, ctx)),
  live: (ctx) => livePage.mount(main, ctx)
};
const TITLES = { insight: 'Insight', insights: 'Saved insights', dashboards: 'Dashboards', live: 'Live', signin: 'Sign in' };

function parse(hash) {
  const [path, query] = hash.replace(/^#\/?/, '').split('?');
  const [page, ...rest] = path.split('/');
  return { page: page || '', rest: rest.join('/'), params: new URLSearchParams(query || '') };
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function route() {
  const { page, rest, params } = parse(location.hash);
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  const signedIn = session.current();
  if (page === 'signin' || !signedIn) {
    topbar.hidden = true;
    document.title = 'Sign in · Tally';
    if (page !== 'signin') {
      // keep where the link pointed, so signing in lands there
      const next = location.hash && location.hash !== '#/' ? location.hash : '';
      history.replaceState(null, '', '#/signin' + (next ? '?next=' + encodeURIComponent(next) : ''));
      signinPage.mount(main, { params: new URLSearchParams(next ? { next } : {}), navigate });
      return;
    }
    signinPage.mount(main, { params, navigate });
    return;
  }
  const handler = ROUTES[page];
  if (!handler) {
    navigate('#/insight');
    return;
  }
  topbar.hidden = false;
  document.getElementById('project-name').textContent = signedIn.project;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === page) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[page]} · Tally`;
  const api = new Api(signedIn.project, signedIn.readKey);
  cleanup = handler({ api, params, navigate, session: signedIn }, rest);
}

whenUnauthorized(() => {
  // a key that stopped working (changed on the server): ask again, then come back here. While signing
  // in there is no session yet, and the sign-in page shows the error itself.
  if (!session.current()) return;
  session.signOut();
  navigate('#/signin?next=' + encodeURIComponent(location.hash));
});
document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  navigate('#/signin');
});
document.getElementById('skip-link').addEventListener('click', () => main.focus());
window.addEventListener('hashchange', () => {
  route();
  // a new page: let keyboard and screen-reader users start at its content
  main.focus({ preventScroll: true });
});
route();
