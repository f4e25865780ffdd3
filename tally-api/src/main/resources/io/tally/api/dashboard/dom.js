// Small helpers for building the page from code: elements, messages and announcements.

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'open']);

/** Creates an element: h('button', {class: 'button', onclick: fn}, 'Save'). Children may be nested arrays. */
export function h(tag, attributes, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value == null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (PROPERTIES.has(name)) el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the content of an element. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A unique id for connecting labels and inputs. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled input or select: the label is a real <label for>, so clicking it and screen readers work. */
export function field(labelText, control, hint) {
  control.id = control.id || uid('f');
  const hintEl = hint ? h('p', { class: 'muted small', id: control.id + '-hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hintEl);
}

/** A <select> with [value, text] options. */
export function select(options, value, attributes) {
  return h('select', attributes, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

/** A group of radio buttons shown as a segmented control. */
export function segmented(legend, name, options, value, onchange) {
  return h('fieldset', { class: 'segmented-field' },
    h('legend', {}, legend),
    h('div', { class: 'segmented' }, options.map(([v, text]) => h('label', {},
      h('input', { type: 'radio', name, value: v, checked: v === value, onchange: () => onchange(v) }),
      h('span', {}, text)))));
}

let toastTimer = 0;
/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 2600);
}
