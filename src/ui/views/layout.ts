/** The page shell every view is rendered in: one stylesheet, one script, no inline code. */
import { html, type Html, type Part } from '../html.js';
import type { Session } from '../sessions.js';

export interface PageOptions {
  title: string;
  session?: Session;
  /** A fixed notice (from a known list, never text from the request). */
  notice?: string;
  error?: string;
}

export function page(options: PageOptions, body: Part): Html {
  const { title, session } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Blindfold</title>
<link rel="stylesheet" href="/static/style.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header>
<strong class="brand">Blindfold</strong>
${session
  ? html`<nav><a href="/secrets">Secrets</a> <a href="/secrets/new">New secret</a> <a href="/requests">Requests</a> <a href="/audit">Audit</a> <a href="/suspensions">Suspensions</a> <a href="/tokens">Tokens</a></nav>
<form method="post" action="/logout" class="logout">${csrfField(session)}<button type="submit">Log out</button></form>
<span class="who">signed in as ui:${session.loginId}</span>`
  : ''}
</header>
<main>
<h1>${title}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
${body}
</main>
</body>
</html>
`;
}

/** The hidden field every form that writes carries. */
export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

/** A small table from rows of cells. */
export function table(headers: string[], rows: Part[][], cls = ''): Html {
  return html`<table class="${cls}"><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody></table>`;
}

/** A one-button form that posts to `action` (rollback, revoke, clear). */
export function postButton(session: Session, action: string, label: string, hidden: Record<string, string> = {}, cls = ''): Html {
  return html`<form method="post" action="${action}" class="inline ${cls}">${csrfField(session)}${Object.entries(hidden).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit">${label}</button></form>`;
}
