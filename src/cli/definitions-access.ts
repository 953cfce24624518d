/**
 * The declarations of the commands about who may do what and what they did: the audit trail,
 * suspensions and agent tokens (help text and options only; see definitions.ts).
 */
import type { Command } from 'commander';
import { AUDIT_ACTIONS } from '../audit/chain.js';
import { collect } from './io.js';
import { lazy } from './lazy-action.js';

export function declareAccessCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('show the audit trail: every secret use, denial and admin change (never values)')
    .option('--since <when>', 'only entries newer than a duration (30m, 1h, 7d) or an ISO date')
    .option('--secret <name>', 'only entries naming this secret')
    .option('--action <action>', `only this action: ${AUDIT_ACTIONS.join(', ')}`)
    .option('--principal <id>', 'only entries by this principal (e.g. stdio, cli:alice, a token name)')
    .option('--json', 'print as one JSON array')
    .option('--jsonl', 'print as JSON lines, one entry per line (for streaming tools)')
    .option('--follow', 'after the entries so far, keep printing new ones as they are written (across log rotation; on PostgreSQL, by every instance) until Ctrl-C; --json then prints JSON lines')
    .action(lazy(() => import('./commands/audit.js').then((m) => m.auditAction)));

  audit
    .command('verify')
    .description('check the hash chain: detects edited, inserted, removed, reordered or cut entries and names the first one')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/audit.js').then((m) => m.auditVerifyAction)));

  program
    .command('suspended')
    .description('principals the tripwire suspended (their input held secret material, which only a guess can put there)')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/suspensions.js').then((m) => m.suspendedAction)));

  program
    .command('clear')
    .description('lift a tripwire suspension or an origin quarantine (review `blindfold audit --action request.attack` first); with no argument, list them')
    .argument('[principal]', 'the suspended principal, as `blindfold suspended` shows it (e.g. stdio:claude-desktop, or \'stdio:*\' for every stdio principal); also resets its partial-hit allowance')
    .option('--all', 'lift every suspension and reset every partial-hit allowance (also rewrites a damaged list)')
    .option('--origin <url>', 'lift the quarantine of an origin whose answers tripped the wire (see `blindfold suspended`)')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/suspensions.js').then((m) => m.clearAction)));

  const token = program.command('token').description('agent tokens for the team server (`serve --http`): each is a principal with its own secrets, tasks, environment and rate');

  token
    .command('create')
    .description('create an agent token and print it once on stdout (only its keyed hash is kept); notes and the scope go to stderr')
    .argument('<name>', 'token name: 1–64 letters, digits, _ - or ., starting with a letter or digit (any secret name is one); the audit principal is token:<name>')
    .option('--secrets <glob>', 'secret names it may use, * and ? as wildcards (repeatable; none given: no secrets at all)', collect)
    // --tasks GLOB after `token create` is read by token.ts (the root's --tasks <dir> takes it here).
    .option('--tasks <glob>', 'task names it may run, * and ? as wildcards (repeatable; none given: no tasks)')
    .option('--task <glob>', 'the same as --tasks (repeatable)', collect)
    .option('--env <env>', "environment whose values it uses (default: the server's)")
    .option('--expires <when>', 'when it stops working: a duration (30m, 12h, 30d, 2w) or an ISO date (2027-01-31, 2027-01-31T18:00Z)')
    .option('--rate <rate>', 'calls allowed, as N/s, N/min or N/h (kept per minute; default: the server\'s)')
    .option('--admin', 'may also open the admin page (grants nothing more on /mcp)')
    .option('--json', 'print {token, info} as JSON (the token is still shown only this once)')
    .addHelpText('after', "\nExample:\n  TOKEN=$(blindfold token create ci-bot --secrets 'GITHUB_*' --tasks 'github_*' --expires 30d --rate 60/min)")
    .action(lazy(() => import('./commands/token.js').then((m) => m.tokenCreateAction)));

  token
    .command('list')
    .description('list agent tokens: name, scope, rate, creation, expiry and last use (never the token or its hash)')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/token.js').then((m) => m.tokenListAction)));

  token
    .command('revoke')
    .description('revoke an agent token: refused from its next request on, by every server that reads this vault (audited)')
    .argument('<name>', 'the token name, as `blindfold token list` shows it')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/token.js').then((m) => m.tokenRevokeAction)));
}
