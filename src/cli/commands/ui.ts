import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import type { AuditTrail } from '../../audit/trail.js';
import { repeatablePath } from '../../echo.js';
import { action, environmentFor, openVault } from '../context.js';
import { note } from '../io.js';
import { stopOnSignal } from '../serve-http.js';

/** `blindfold ui`, as declared in ../definitions.ts: the admin page on 127.0.0.1 until SIGINT/SIGTERM. */
export const uiAction = action(async (opts: { port: string }, cmd: Command) => {
  const port = Number(opts.port);
  if (!/^\d{1,5}$/.test(opts.port) || port > 65535) throw new BlindfoldError('BAD_INPUT', '--port expects a port number (0: any free port)');
  const env = environmentFor(undefined);
  const vault = await openVault(cmd);
  const [{ assembleBlindfold }, { startUi }] = await Promise.all([import('../../open.js'), import('../../ui/server.js')]);
  let trail: AuditTrail | undefined;
  const core = await assembleBlindfold(vault, { principal: { id: 'ui:server', env }, watchTasks: true, withAuditTrail: (t) => (trail = t) });
  const ui = await startUi({
    backend: { admin: (principal) => core.as({ principal }).admin, trail: trail!, tasks: () => core.tasks(), env, requests: core.secretRequests },
    host: '127.0.0.1',
    port,
    onNewLoginUrl: (url) => note(`next one-time login URL (for another browser, or after this session ends): ${url}`),
  }).catch(async (err: unknown) => {
    await core.close();
    throw new BlindfoldError('BAD_INPUT', `cannot listen on 127.0.0.1 at that port (${(err as NodeJS.ErrnoException).code ?? 'error'}): pick another --port, or stop what holds it`);
  });
  // Said in the home's state, so a stdio server of this home can link its agent's requests here.
  const withdraw = await core.secretRequests.advertise(ui.origin);
  note(`admin page on ${ui.origin} | vault ${repeatablePath(vault.paths.vault)} | ${vault.size} secret(s) | changes are audited as ui:<login id>`);
  note(`open this one-time login URL in your browser (it works once; keep it to yourself): ${ui.loginUrl()}`);
  note('stop with Ctrl-C');
  await stopOnSignal({ url: ui.origin, shutdown: () => ui.shutdown() }, () => withdraw().catch(() => {}).then(() => core.close()));
});
