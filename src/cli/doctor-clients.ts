/**
 * `doctor`'s look at the MCP clients' own config files: is there a Blindfold entry, does what it
 * starts exist, and does it serve the home this doctor checked (a client starts servers with a
 * minimal environment, so an entry without BLINDFOLD_HOME may open another vault). The files are
 * read, never written; an entry's env values are looked at, never printed (one may hold a key).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { chooseHome, type ConfigFile } from '../config.js';
import { repeatable, repeatablePath } from '../echo.js';
import { line, type DoctorLine } from './doctor-report.js';

interface ClientFile {
  client: string;
  path: string;
  /** Where the servers sit in the file's JSON. */
  servers: (doc: Record<string, unknown>) => unknown;
}

interface ServerEntry {
  command?: unknown;
  args?: unknown;
  env?: unknown;
  url?: unknown;
}

const ENTRY_FIX = '`blindfold serve` prints the entry for this home (README: "Connect an MCP client")';

/** The files where Claude Desktop, Claude Code, Cursor and VS Code keep their stdio servers. */
export function clientFiles(env: NodeJS.ProcessEnv, cwd = process.cwd()): ClientFile[] {
  const home = env.HOME ?? homedir();
  const desktop =
    process.platform === 'darwin'
      ? join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')
      : join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Claude', 'claude_desktop_config.json');
  const mcpServers = (doc: Record<string, unknown>) => doc.mcpServers;
  return [
    { client: 'Claude Desktop', path: desktop, servers: mcpServers },
    {
      client: 'Claude Code',
      path: join(home, '.claude.json'),
      // User-wide servers, and this folder's project servers.
      servers: (doc) => ({ ...asObject(doc.mcpServers), ...asObject(asObject(asObject(doc.projects)[cwd]).mcpServers) }),
    },
    { client: 'Claude Code (project)', path: join(cwd, '.mcp.json'), servers: mcpServers },
    { client: 'Cursor', path: join(home, '.cursor', 'mcp.json'), servers: mcpServers },
    { client: 'VS Code', path: join(cwd, '.vscode', 'mcp.json'), servers: (doc) => doc.servers },
  ];
}

/** One line per Blindfold entry found, one per unreadable file, or one saying none was found. */
export function clientChecks(home: string, env: NodeJS.ProcessEnv, file: ConfigFile, files = clientFiles(env)): DoctorLine[] {
  const lines: DoctorLine[] = [];
  const present = files.filter((f) => existsSync(f.path));
  for (const f of present) {
    let doc: Record<string, unknown>;
    try {
      doc = asObject(JSON.parse(readFileSync(f.path, 'utf8')));
    } catch {
      lines.push(line('clients', 'warn', `${f.client}: ${repeatablePath(f.path)} is not plain JSON (comments?), so its entries were not checked`, 'check its blindfold entry by hand'));
      continue;
    }
    for (const [name, entry] of Object.entries(asObject(f.servers(doc)))) {
      if (isBlindfold(name, entry)) lines.push(entryCheck(`${f.client}: "${repeatable(name)}" in ${repeatablePath(f.path)}`, entry as ServerEntry, home, env, file));
    }
  }
  if (lines.length === 0) {
    const looked = files.map((f) => repeatablePath(f.path)).join(', ');
    lines.push(line('clients', 'warn', `no MCP client entry starts Blindfold (looked in ${looked})`, ENTRY_FIX));
  }
  return lines;
}

function isBlindfold(name: string, entry: unknown): boolean {
  if (name.toLowerCase().includes('blindfold')) return true;
  const e = asObject(entry);
  return [e.command, ...(Array.isArray(e.args) ? e.args : [])].some((part) => typeof part === 'string' && /blindfold/i.test(part));
}

function entryCheck(where: string, entry: ServerEntry, home: string, env: NodeJS.ProcessEnv, file: ConfigFile): DoctorLine {
  if (typeof entry.command !== 'string') {
    return typeof entry.url === 'string'
      ? line('clients', 'ok', `${where} is a remote server entry (its home is the server's)`)
      : line('clients', 'fail', `${where} has no command`, ENTRY_FIX);
  }
  const args = Array.isArray(entry.args) ? entry.args.filter((a): a is string => typeof a === 'string') : [];
  const entryEnv = asObject(entry.env);
  const command = repeatablePath(entry.command);
  const found = findCommand(entry.command, env);
  if (!found) return line('clients', 'fail', `${where} starts ${command}, which does not exist or cannot be run`, ENTRY_FIX);
  const script = args.find((a) => a.endsWith('.js'));
  if (script !== undefined && (!isAbsolute(script) || !existsSync(script))) {
    return line('clients', 'fail', `${where} runs ${repeatablePath(script)}, which is not an absolute path to an existing file`, ENTRY_FIX);
  }
  const homeFlag = args.indexOf('--home');
  const entryHome = chooseHome(homeFlag >= 0 ? args[homeFlag + 1] : undefined, { HOME: env.HOME, BLINDFOLD_HOME: stringOr(entryEnv.BLINDFOLD_HOME) }, file).value;
  if (entryHome !== home) {
    return line('clients', 'warn', `${where} serves the home ${repeatablePath(entryHome)}, not ${repeatablePath(home)}`, `set BLINDFOLD_HOME in its "env" to the home it should serve, or run doctor with --home ${repeatablePath(entryHome)}`);
  }
  const key = stringOr(entryEnv.BLINDFOLD_MASTER_KEY);
  if (key !== undefined && !/^\$\{input:[^}]+\}$/.test(key)) {
    return line('clients', 'warn', `${where} holds the master key itself, in a plain file`, 'name a key file with BLINDFOLD_MASTER_KEY_FILE instead (or a VS Code password input)');
  }
  if (!isAbsolute(entry.command)) {
    return line('clients', 'warn', `${where} starts "${command}" from the client's PATH, which may find another Node than this shell's`, `use the absolute path: ${ENTRY_FIX}`);
  }
  return line('clients', 'ok', `${where} starts ${command}${script ? ` ${repeatablePath(script)}` : ''} on this home`);
}

/** The command as a client would find it: a path as is, a bare name on PATH (this shell's, the best guess there is). */
function findCommand(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
