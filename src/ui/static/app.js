// The admin page's one script (served from /static/app.js; the CSP allows no other). It never
// reads a value field, and it empties them whenever a page is shown again from the back/forward
// cache, so a value typed once is never on screen again.
'use strict';

function clearValueFields() {
  for (const input of document.querySelectorAll('input[data-value-field]')) input.value = '';
}

window.addEventListener('pageshow', clearValueFields);

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  const input = document.getElementById(button.getAttribute('data-copy'));
  if (!(input instanceof HTMLInputElement)) return;
  input.select();
  if (navigator.clipboard) void navigator.clipboard.writeText(input.value).then(() => (button.textContent = 'Copied'), () => {});
});

// The team server's page: each session lives under /ui/k/<key>/, and its cookie is sent there only
// (so a dev server on another port of this host never receives it). This tab's origin remembers
// the key of its live session, and a link without it (request_secret's /ui/requests/<id>) is
// opened there; a key whose session ended is forgotten. Another origin (another port) cannot read it,
// and cannot write it either: only a page of a live session (it has the logout form) stores its key,
// and only the login page under that same key forgets it (any page can send the browser to a
// made-up key's URL, whose refusal or login page must leave the real key be).
(function () {
  const KEY = 'blindfold-page-key';
  const keyed = /^\/ui\/k\/([A-Za-z0-9_-]{22})(\/.*)?$/.exec(location.pathname);
  const loginShown = document.querySelector('form.token-form') !== null;
  const loggedIn = document.querySelector('form[action$="/logout"]') !== null;
  try {
    if (keyed) {
      if (loggedIn) localStorage.setItem(KEY, keyed[1]);
      else if (loginShown && localStorage.getItem(KEY) === keyed[1]) localStorage.removeItem(KEY);
      return;
    }
    const key = localStorage.getItem(KEY);
    const rest = location.pathname.startsWith('/ui/') ? location.pathname.slice(3) : null;
    if (key && loginShown && rest !== null && rest !== '/login' && /^[A-Za-z0-9_-]{22}$/.test(key)) location.replace(`/ui/k/${key}${rest}${location.search}`);
  } catch {
    // Storage refused (a private window's policy): links without the key ask for a login.
  }
})();
