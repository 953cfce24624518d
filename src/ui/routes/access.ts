/** The audit trail with its `verify` status, suspensions with "clear", and agent tokens. */
import type { Hono } from 'hono';
import { AUDIT_ACTIONS } from '../../audit/chain.js';
import { readyTrail } from '../../audit/trail.js';
import { parseExpiry, parseRate } from '../../cli/token-options.js';
import { BlindfoldError } from '../../errors.js';
import { parseSince, type AuditFilter } from '../../store/audit/query.js';
import type { UiBackend } from '../backend.js';
import { field, filterFields, lines, messageOf, noticeOf, NOT_REPEATED_FILTER, principalOf, type UiContext, type UiEnv } from '../context.js';
import { auditView } from '../views/audit.js';
import { suspensionsView, tokensView } from '../views/access.js';

const SHOWN_ENTRIES = 500;

export function accessRoutes(app: Hono<UiEnv>, backend: UiBackend): void {
  const adminOf = (c: UiContext) => backend.admin(principalOf(c.get('session')));

  app.get('/audit', async (c) => {
    const { values: filters, refused } = filterFields(c, ['secret', 'action', 'principal', 'since'] as const);
    const filter: AuditFilter = {
      ...(filters.secret ? { secret: filters.secret } : {}),
      ...(filters.action ? { action: filters.action } : {}),
      ...(filters.principal ? { principal: filters.principal } : {}),
    };
    let error: string | undefined = refused ? NOT_REPEATED_FILTER : undefined;
    try {
      if (filters.since) filter.since = parseSince(filters.since);
    } catch {
      error = 'since: a duration like 30m, 1h, 7d or an ISO date (what was given is not repeated)';
    }
    // A change cut short by a crash is settled first, as `audit verify` does; the rows are read
    // afresh (PostgreSQL: another instance's entries, and a trail that holds no entries between reads).
    const revision = await adminOf(c).settle();
    await readyTrail(backend.trail);
    const verify = backend.trail.verify(revision);
    const entries = backend.trail.query(filter);
    return c.html(auditView(c.get('session'), verify, entries.slice(-SHOWN_ENTRIES).reverse(), entries.length, filters, AUDIT_ACTIONS, error).toString());
  });

  app.get('/suspensions', async (c) => c.html(suspensionsView(c.get('session'), await adminOf(c).suspended(), noticeOf(c)).toString()));

  app.post('/suspensions/clear', async (c) => {
    try {
      const cleared = await adminOf(c).clear(field(c, 'principal'));
      if (!cleared) throw new BlindfoldError('BAD_INPUT', 'that principal is not suspended and has no partial hits on record');
      return c.redirect('/suspensions?ok=cleared', 303);
    } catch (err) {
      return c.html(suspensionsView(c.get('session'), await adminOf(c).suspended(), { error: messageOf(err) }).toString(), 400);
    }
  });

  app.get('/tokens', async (c) => c.html(tokensView(c.get('session'), await adminOf(c).tokens(), noticeOf(c)).toString()));

  app.post('/tokens', async (c) => {
    const admin = adminOf(c);
    try {
      const expires = field(c, 'expires').trim();
      const rate = field(c, 'rate').trim();
      const env = field(c, 'env').trim();
      const { token, info } = await admin.createToken({
        name: field(c, 'name').trim(),
        secrets: lines(field(c, 'secrets')),
        tasks: lines(field(c, 'tasks')),
        ...(env ? { env } : {}),
        ...(expires ? { expiresAt: parseExpiry(expires, new Date()) } : {}),
        ...(rate ? { ratePerMinute: parseRate(rate) } : {}),
        admin: field(c, 'admin') === '1',
      });
      // Shown once, in this answer only (no-store): a reload does not show it again.
      return c.html(tokensView(c.get('session'), await admin.tokens(), {}, { name: info.name, token }).toString());
    } catch (err) {
      return c.html(tokensView(c.get('session'), await admin.tokens(), { error: messageOf(err) }).toString(), 400);
    }
  });

  app.post('/tokens/:name/revoke', async (c) => {
    try {
      await adminOf(c).revokeToken(c.req.param('name'));
      return c.redirect('/tokens?ok=revoked', 303);
    } catch (err) {
      return c.html(tokensView(c.get('session'), await adminOf(c).tokens(), { error: messageOf(err) }).toString(), 400);
    }
  });
}
