/**
 * Every command's name, arguments, options and help text, and nothing else: `--help`, usage errors
 * and option parsing need only these, so a command's implementation (the vault, the crypto, the
 * server stack) is imported when that command runs, and no other command pays for loading it.
 */
import type { Command } from 'commander';
import { declareAccessCommands } from './definitions-access.js';
import { collect } from './io.js';
import { lazy } from './lazy-action.js';
import { loadServeAction } from './serve-loader.js';

/** Where `--env` comes from when not given (one wording for every command that takes it). */
const ENV_DEFAULT = '(default: BLINDFOLD_ENV, else "environment" in the config file, else development)';

export function declareCommands(program: Command): void {
  program
    .command('init')
    .description('create the home folder, a random master key file (unless a key is configured) and an empty vault; with --store (or BLINDFOLD_STORE), the PostgreSQL schema and the vault in that database')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/init.js').then((m) => m.initAction)));

  program
    .command('upgrade')
    .description('bring a PostgreSQL store\'s schema (--store or BLINDFOLD_STORE) to this release\'s version; a serving instance never does, and refuses a schema it does not match')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/upgrade.js').then((m) => m.upgradeAction)));

  program
    .command('migrate')
    .description(
      'move the vault and its audit trail between a vault file and PostgreSQL, values never decrypted: every record (history, tombstones, ' +
        'tokens, state) and every audit entry with its revision and chain; into an empty destination only; run again to finish a cut-off copy; verified at the end',
    )
    .requiredOption('--from <FILE|URL>', 'a vault file (its audit trail: audit.jsonl beside it) or postgres://user@host/db without a password, or env:NAME to read the URL from that variable')
    .requiredOption('--to <FILE|URL>', 'where to: the same forms as --from')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/migrate.js').then((m) => m.migrateAction)));

  program
    .command('set')
    .description(
      'create or update a secret; the value is read from stdin when piped, else from a hidden prompt, or from --from-env / --from-file — never from the command line',
    )
    .argument('<name>', 'secret name: a letter, then up to 63 letters, digits or underscores')
    .argument('[refused...]', 'values are never accepted here (they would land in shell history and process lists)')
    .option('--env <env>', `environment to store the value for, or "default" for the fallback ${ENV_DEFAULT}`)
    .option('--description <text>', 'what the secret is for (shown to agents)')
    .option('--meta <key=value>', 'metadata entry, repeatable', collect)
    .option('--host <host>', 'origin the secret may be sent to, repeatable: api.x.com, *.x.com, https://x.com:8443, http://127.0.0.1:8080 (a wildcard directly over a public suffix, *.herokuapp.com or *.co.uk, is refused)', collect)
    .option('--placement <where>', 'where an agent may place it: header, query, body, path (repeatable; default header)', collect)
    .option('--inject <spec>', 'how task steps place it, e.g. "header:Authorization:Bearer {value}", "query:key:{value}"')
    .option('--preset <id>', 'fill hosts and inject for a known API (see `blindfold presets`)')
    .option('--from-env <VAR>', 'read the value from this environment variable')
    .option('--from-file <path>', 'read the value from this file (one trailing newline removed)')
    .option('--keep-value', 'change only description, metadata or policy; do not read a value')
    .option('--public', 'the value is public by design (publishable key, DSN public key, AWS access key id): still host-bound and redacted, never a tripwire')
    .option('--no-public', 'the value is a secret again (undoes --public)')
    .option('--allow-short', `accept a value shorter than 8 characters (weakens redaction)`)
    .option(
      '--allow-guessable',
      'accept a value whose secret-bearing part (without a vendor prefix, PEM armour or a URL\'s host and path words) is of low estimated entropy or shorter than 12 characters: one an agent could guess',
    )
    .option('--if-version <n>', 'check-and-set: only write if the secret is at this version (0 = must not exist)')
    .option('--json', 'print the result as JSON')
    .allowUnknownOption(true)
    .action(lazy(() => import('./commands/set.js').then((m) => m.setAction)));

  program
    .command('list')
    .alias('ls')
    .description('list secrets: names, environments and policy (never values); filters combine')
    .option('--env <env>', 'only secrets with a value for this environment, or a default value')
    .option('--host <host>', 'only secrets that may be sent to this host or origin (api.x.com, https://x.com:8443, a URL), or bound to this exact pattern (*.x.com)')
    .option('--unused <duration>', 'only secrets never used, or last used longer ago than this (90m, 12h, 30d, 8w) or before an ISO date, per the audit trail')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/list.js').then((m) => m.listAction)));

  program
    .command('show')
    .description('show one secret: metadata, policy, environments, versions, usage and the tasks that use it (never the value)')
    .argument('<name>', 'secret name')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/show.js').then((m) => m.showAction)));

  program
    .command('rm')
    .description(
      'delete a secret and all its versions (refused, with the reason, when tasks name it or it was used in the last 7 days; --force overrides). ' +
        'Its values stay redacted and keep tripping the wire (their fingerprints are remembered) unless --forget-fingerprints',
    )
    .argument('<name>', 'secret name')
    .option('--force', 'delete even when it was used recently or tasks reference it')
    .option('--forget-fingerprints', 'also forget the fingerprints of its current and retired values: they are no longer redacted (audited); works on a name already removed')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/rm.js').then((m) => m.rmAction)));

  program
    .command('rename')
    .description(
      'rename a secret: every kept version is re-encrypted under the new name (the encryption binds the name); history, policy and the ' +
        'fingerprints that keep its values redacted move with it (audited). Refused while tasks name the old name or token globs match one name and not the other; --force overrides',
    )
    .argument('<old>', 'the secret\'s current name')
    .argument('<new>', 'its new name: a letter, then up to 63 letters, digits or underscores (must not exist yet)')
    .option('--force', 'rename even when tasks name the old name or token globs tell the names apart (they are listed; update them after)')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/rename.js').then((m) => m.renameAction)));

  program
    .command('history')
    .description('list the stored versions of a secret (never values)')
    .argument('<name>', 'secret name')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/history.js').then((m) => m.historyAction)));

  program
    .command('rollback')
    .description('make an earlier version current again (recorded as a new version)')
    .argument('<name>', 'secret name')
    .requiredOption('--to <version>', 'version to restore (see `blindfold history NAME`)')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/history.js').then((m) => m.rollbackAction)));

  program
    .command('import')
    .description(
      'import every NAME=value of a .env file as secrets into an existing vault (values are never printed). `export NAME=` is imported as NAME; ' +
        'comments, empty values and a name defined again (the last definition wins) are skipped and reported by line number',
    )
    .argument('<file>', '.env file to read')
    .option('--env <env>', `environment to store the values for ${ENV_DEFAULT}`)
    .option('--preset-from-name', 'bind each secret to a preset guessed from its name (OPENAI_API_KEY → openai, ...)')
    .option('--host <host>', 'bind every imported secret to this origin, repeatable', collect)
    .option('--public-from-name', 'mark as public (redacted, never a tripwire) the values whose names say so: *PUBLISHABLE*, NEXT_PUBLIC_*, *_PUBLIC_KEY, *PUBLIC* (asked on a terminal otherwise)')
    .option('--allow-short', 'accept values shorter than 8 characters')
    .option('--allow-guessable', 'accept values whose secret-bearing part is of low estimated entropy (PINs, dates, common words) or shorter than 12 characters')
    .option('--dry-run', 'show what would happen (create, update or unchanged per name, and the lines skipped) and write nothing')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/import.js').then((m) => m.importAction)));

  program
    .command('rotate-key')
    .description(
      'replace the master key: re-wraps every data key under a new key. Safe to interrupt; run it again to finish. ' +
        'With the default key file the new key replaces master.key; with BLINDFOLD_MASTER_KEY(_FILE) or a typed passphrase pass --new-key-file. ' +
        'Running servers that read the key from a file pick up the new key by themselves',
    )
    .option('--new-key-file <path>', 'file holding the new key (base64 of 32 bytes or a passphrase); created with a random key if missing')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/rotate-key.js').then((m) => m.rotateKeyAction)));

  program
    .command('check')
    .description('decrypt every stored value (current and earlier versions) in memory to prove the vault is intact; prints counts only')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/check.js').then((m) => m.checkAction)));

  program
    .command('doctor')
    .description(
      'check the set-up, one line per check (ok, warn or fail, each with its fix): the config file, which home, environment and principal ' +
        'win (flag > environment variable > config file > default), the key source and who can read it, the vault (`check`), the audit chain ' +
        '(`audit verify`), task files, suspensions, MCP client entries and Node; exits 1 on any fail. Never prints a value',
    )
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/doctor.js').then((m) => m.doctorAction)));

  program
    .command('presets')
    .description('list the API presets usable with `set --preset` (hosts and how the key is sent)')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/presets.js').then((m) => m.presetsAction)));

  program
    .command('serve')
    .description('run the MCP server on stdio (for Claude Desktop, VS Code, Cursor, any MCP client), or with --http the team server (one token per agent)')
    .option('--env <env>', `environment whose values are used ${ENV_DEFAULT}`)
    .option(
      '--allow-origin <origin>',
      'exact origin requests may reach even on a private/loopback address, e.g. http://127.0.0.1:8080 (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--resolve <name=ip>',
      'answer DNS for NAME with IP (comma-separated for several); answers still pass the private-address guard (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--principal <name>',
      'name this server\'s principal stdio:NAME (audit, suspensions, allowance), e.g. claude-desktop; default: BLINDFOLD_PRINCIPAL, the settings file, else the client\'s own name plus this server entry',
    )
    .option('--max-argument-bytes <n>', 'largest MCP message (a tool call with all its arguments) read, in bytes (default: BLINDFOLD_MAX_ARGUMENT_BYTES, the settings file, else 1048576)')
    .option('--http', 'serve Streamable HTTP on /mcp (the team server, README "Team server"): each request needs an agent token (`blindfold token create`)')
    .option('--host <address>', 'with --http: address to bind; another than loopback needs at least one token', '127.0.0.1')
    .option('--port <n>', 'with --http: port to listen on (0: any free port; the URL is printed on stderr)', '7777')
    .option('--no-auth', 'with --http, on loopback only: no tokens, every session is the local principal (one person on this machine)')
    .option('--allowed-host <host[:port]>', 'with --http: a Host header to accept besides loopback and the bound address, e.g. a reverse proxy\'s public name (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--allowed-origin <origin>', 'with --http: a browser Origin to accept besides loopback, e.g. https://agents.example.com (repeatable; not --allow-origin, which is about where requests go)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--trust-proxy', 'with --http behind a reverse proxy: check the first X-Forwarded-Host against the allow-list instead of Host (without it, every X-Forwarded-* header is ignored)')
    .option('--idle-timeout <seconds>', 'with --http: close a session after this long without a request', '1800')
    .action(lazy(loadServeAction));

  program
    .command('ui')
    .description('serve the admin page on 127.0.0.1 and print a one-time login URL (secrets, values write-only, history, audit, suspensions, tokens)')
    .option('--port <n>', 'port to listen on (0: any free port; the URL is printed on stderr)', '7778')
    .addHelpText(
      'after',
      `
The URL carries a one-time login token: the first browser that opens it gets a session cookie
(HttpOnly, SameSite=Strict) and the token is dead; a fresh URL is printed after each login.
Sessions end after 30 minutes idle, after 12 hours, or at "Log out". Values typed in the page are
write-only: never shown again. Every change is audited as ui:<login id>. Stop with Ctrl-C.`,
    )
    .action(lazy(() => import('./commands/ui.js').then((m) => m.uiAction)));

  program
    .command('run')
    .description('run a task file (as an agent would call its tool) and print the redacted result')
    .argument('<task>', 'task name (see `blindfold tasks list`)')
    .option('-i, --input <name=value>', 'an input of the task (repeatable); non-string inputs are JSON', collect, [])
    .option('--env <env>', `environment whose values are used ${ENV_DEFAULT}`)
    .option('--json', 'print the whole result as JSON')
    .addHelpText('after', '\nExample:\n  blindfold run github_create_issue --input repo=acme/api --input title="Flaky test"')
    .action(lazy(() => import('./commands/run.js').then((m) => m.runAction)));

  const tasks = program.command('tasks').description('task files: each becomes an MCP tool of its own (see README, "Task files")');

  tasks
    .command('list')
    .description('list the tasks that load, with their inputs and secrets')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/tasks.js').then((m) => m.tasksListAction)));

  tasks
    .command('check')
    .description('validate every task file (YAML, schema, secrets, hosts, placements); exits 1 on any problem')
    .option('--json', 'print as JSON')
    .action(lazy(() => import('./commands/tasks.js').then((m) => m.tasksCheckAction)));

  program
    .command('exec')
    .description("run a command with secrets in its environment; its output is masked and its exit code returned")
    .requiredOption('-s, --secret <NAME[:ENVVAR]|GLOB>', "secret to expose, as ENVVAR (default: its own name); a glob ('STRIPE_*', '*') exposes every matching secret that has a value, each under its own name (repeatable)", collect, [])
    .option('--env <env>', `environment whose values are used ${ENV_DEFAULT}`)
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText(
      'after',
      `
Examples:
  blindfold exec -s OPENAI_API_KEY -s GITHUB_PAT:GH_TOKEN -- python script.py --verbose
  blindfold exec -s 'STRIPE_*' -- npm run billing-sync

The child gets the values as environment variables (never Blindfold's own master key variables).
Its stdout and stderr pass through a redactor, so a value it prints shows as [REDACTED:NAME]; output
is held back by at most one value's length until more arrives or the child ends. Not an MCP tool.

At a terminal (stdin and stdout both), the child gets a terminal of its own through script(1)
(util-linux), so prompts, colours and hidden password reads work; its output is still masked, and
held-back output shows once the child is quiet for a moment, so a prompt appears. Without script
the child runs without a terminal, with a one-line notice.

The command is looked up first: if it is not found nothing is decrypted and exec exits 127
(126: not executable); otherwise exec exits as the child did (128 + signal number if killed).
The audit trail records exec.run: the arguments (any that might be a value as "(not recorded)"),
the exit code and the secrets injected.`,
    )
    .action(lazy(() => import('./commands/exec.js').then((m) => m.execAction)));

  program
    .command('completion')
    .description('print a shell completion script for commands, options and secret names (never values)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Install:
  bash  echo 'eval "$(blindfold completion bash)"' >> ~/.bashrc
  zsh   blindfold completion zsh > "\${fpath[1]}/_blindfold"   (or eval it in ~/.zshrc after compinit)
  fish  blindfold completion fish > ~/.config/fish/completions/blindfold.fish`,
    )
    .action(lazy(() => import('./commands/completion.js').then((m) => m.completionAction)));

  declareAccessCommands(program);
}
