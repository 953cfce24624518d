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
