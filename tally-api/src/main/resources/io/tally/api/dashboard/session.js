// Who is signed in: a project and its read key, kept for this tab or, if asked, on this device.

const KEY = 'tally.session';

export function current() {
  for (const storage of [sessionStorage, localStorage]) {
    try {
      const saved = JSON.parse(storage.getItem(KEY) || 'null');
      if (saved && saved.project && saved.readKey) return saved;
    } catch (e) {
      // a damaged entry is the same as none
    }
  }
  return null;
}

export function signIn(project, readKey, remember) {
  signOut();
  (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify({ project, readKey }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}
