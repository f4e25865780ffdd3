// Sign-in: a project id and its read key. The key is checked against the server before it is kept.
import { h, field } from './dom.js';
import { Api } from './api.js';
import { signIn } from './session.js';

export function mount(main, { params, navigate }) {
  const project = h('input', { type: 'text', name: 'project', value: params.get('project') || 'default', autocomplete: 'username',
    required: true, spellcheck: 'false', autocapitalize: 'off' });
  const key = h('input', { type: 'password', name: 'readKey', autocomplete: 'current-password', required: true });
  const remember = h('input', { type: 'checkbox', name: 'remember' });
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    button.disabled = true;
    try {
      // any authorized read proves the key; the saved insights are small
      await new Api(project.value.trim(), key.value.trim()).insights();
      signIn(project.value.trim(), key.value.trim(), remember.checked);
      navigate(params.get('next') || '#/insight');
    } catch (err) {
      error.textContent = err.status === 401 || err.status === 403
        ? 'That read key does not open this project. Check both and try again.'
        : `Could not sign in: ${err.message}`;
      button.disabled = false;
      key.focus();
    }
  } },
  field('Project', project),
  field('Read key', key, 'The project\'s read key, printed when Tally starts. It can read data, not send it.'),
  h('div', { class: 'field' }, h('label', { class: 'checkbox' }, remember, 'Keep me signed in on this device')),
  button, error);
  main.replaceChildren(h('section', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('div', { class: 'brand' }, h('img', { src: '/dashboard/icon.svg', alt: '', width: '32', height: '32' }), h('span', {}, 'Tally')),
    h('h1', { id: 'signin-title' }, 'Sign in to your project'),
    h('p', { class: 'lead' }, 'See trends, funnels and retention of the events your apps send.'),
    form));
  (params.get('project') ? key : project).focus();
}
