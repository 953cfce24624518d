import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { onLogLine } from '../log.js';
import { isScoped } from '../policy/scope.js';
import type { Blindfold } from '../open.js';
import { VERSION } from '../version.js';
import { exposedGroups, type ToolGroup } from './definitions.js';
import { registerHttpRequest } from './tools/http-request.js';
import { registerListSecrets } from './tools/list-secrets.js';
import { registerRequestSecret } from './tools/request-secret.js';
import { registerTasks } from './tools/tasks.js';
import { screenCallsAsSent } from './screen-calls.js';

/**
 * One McpServer per connection (stdio has one; the HTTP transport makes one per session), each
 * over the handle of the principal on the other end. Tools are thin: call the handle, shape the
 * result. Usable in-process over the SDK's InMemoryTransport.
 */
export interface CreateServerOptions {
  /** Which tools the server offers: any of `list_secrets`, `http_request`, `tasks`; default all. */
  expose?: readonly ToolGroup[];
  /** Where this door's own admin page answers (the team server's /ui), for request_secret's links. */
  page?: () => string | undefined;
}

export function createServer(blindfold: Blindfold, options: CreateServerOptions = {}): McpServer {
  const expose = exposedGroups(options.expose);
  const server = new McpServer(
    { name: 'blindfold', version: VERSION, title: 'Blindfold' },
    {
      capabilities: { tools: { listChanged: true }, logging: {} },
      // Replacing the task tools removes and registers several at once, one notification each;
      // coalesced (same tick) into one.
      debouncedNotificationMethods: ['notifications/tools/list_changed'],
      instructions:
        'Blindfold lets you call HTTP APIs with credentials you never see. Call list_secrets for the names you may use, ' +
        'then http_request with <secrets.NAME> where the credential goes. Values are filled in server-side, sent only to ' +
        'the hosts each secret is bound to, and scrubbed from responses. If a secret you need does not exist, request_secret asks a human ' +
        'to enter it out of band (you never see it).',
    },
  );
  const ctx = { blindfold, page: options.page };
  if (expose.has('list_secrets')) registerListSecrets(server, ctx);
  if (expose.has('http_request')) registerHttpRequest(server, ctx);
  if (expose.has('request_secret')) registerRequestSecret(server, ctx);
  const stopTasks = expose.has('tasks') ? registerTasks(server, ctx) : () => {};
  screenCallsAsSent(server, blindfold);
  const stopLogs = forwardLogs(server, blindfold);
  server.server.onclose = () => {
    stopTasks();
    stopLogs();
  };
  return server;
}

/** Whether a log line may go to this handle's client: its own principal's lines, and lines of no principal unless it is scoped. */
function isOwnLine(blindfold: Blindfold, entry: Record<string, unknown>): boolean {
  const { principal } = blindfold;
  return entry.principal === undefined ? !isScoped(principal) : entry.principal === principal.id;
}

/**
 * The fields of a log line an agent's client is given: none that holds text the agent chose (an
 * origin, a path, a method, a request id, the secret names it wrote, which may name nothing stored).
 * Lines are redacted, and redaction of the agent's own text marks a right guess and not a wrong one:
 * such a field in a notification is an oracle even when the call's result is the same. The message
 * is Blindfold's own (a refusal's is judged before it is logged: AnswerJudge.failure).
 */
const AGENT_FIELDS = ['level', 'time', 'msg', 'principal', 'code', 'status', 'durationMs'] as const;
function forAgent(entry: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of AGENT_FIELDS) if (entry[k] !== undefined) out[k] = entry[k];
  return out;
}

const PINO_TO_MCP: Array<[number, LoggingLevel]> = [
  [60, 'critical'],
  [50, 'error'],
  [40, 'warning'],
  [30, 'info'],
  [0, 'debug'],
];
const MCP_TO_PINO: Record<LoggingLevel, number> = { debug: 20, info: 30, notice: 35, warning: 40, error: 50, critical: 60, alert: 60, emergency: 60 };

/**
 * Operational log lines (already scrubbed by the logger) as MCP `notifications/message`, only to a
 * client that asked with `logging/setLevel`, and only at or above the level it asked for. One
 * process may serve many principals (handles of one core), so a client gets only the lines about
 * its own principal (another's would name secrets outside its scope), and a scoped handle's client
 * none of the process-wide ones either.
 */
function forwardLogs(server: McpServer, blindfold: Blindfold): () => void {
  let stop = () => {};
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    const asked = request.params.level;
    stop();
    stop = onLogLine((line) => {
      if (!server.isConnected()) return;
      let entry: { level?: number; [k: string]: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (!isOwnLine(blindfold, entry)) return;
      const level = PINO_TO_MCP.find(([n]) => (entry.level ?? 30) >= n)![1];
      void server.server.sendLoggingMessage({ level, logger: 'blindfold', data: forAgent(entry) }).catch(() => {});
    }, MCP_TO_PINO[asked]);
    return {};
  });
  return () => stop();
}
