/**
 * `request_secret`: the agent asks a human for a missing secret (src/requests.ts decides). Where
 * the client declared URL-mode elicitation (MCP 2025-11-25, capability `elicitation.url`), the
 * human is also asked through the client to open the page's form; every answer carries the link
 * (when a page runs) and the request id anyway, since many clients cannot show one. The first call
 * returns within seconds; a call with `{id}` polls. Nothing here sees a value: the human types it
 * into the page, which stores it through the admin operations.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BlindfoldError } from '../../errors.js';
import type { RequestAnswer } from '../../requests.js';
import type { ToolContext } from '../context.js';
import { toolDefinitions } from '../definitions.js';
import { toolError } from '../results.js';

export function registerRequestSecret(server: McpServer, { blindfold, page }: ToolContext): void {
  const { name, ...definition } = toolDefinitions.request_secret;
  server.registerTool(name, definition, async (args, extra) => {
    try {
      const origin = page?.();
      const canElicit = server.server.getClientCapabilities()?.elicitation?.url !== undefined;
      if (args.id !== undefined) {
        if (args.name !== undefined || args.reason !== undefined) throw new BlindfoldError('BAD_INPUT', 'to poll, give only the id');
        const answer = await blindfold.pollSecretRequest(args.id, origin);
        if (canElicit && answer.status !== 'pending' && answer.id) void server.server.createElicitationCompletionNotifier(answer.id)().catch(() => {});
        return shaped(answer, false);
      }
      if (args.name === undefined || args.reason === undefined) throw new BlindfoldError('BAD_INPUT', 'give name and reason to ask for a secret, or id to poll a request');
      const asked = await blindfold.requestSecret({ name: args.name, reason: args.reason, hosts: args.hosts }, origin);
      if (asked.status !== 'pending' || !asked.id) return shaped(asked, false);
      // One short wait in all, for the client and the human (an SDK client gives up on a call after 60 s): later calls poll.
      const waitMs = blindfold.secretRequestWaitMs;
      const until = Date.now() + waitMs;
      const elicited = canElicit && asked.link ? await elicit(server, asked, waitMs, extra.requestId) : false;
      return shaped(await blindfold.pollSecretRequest(asked.id, origin, Math.max(0, until - Date.now())), elicited);
    } catch (err) {
      return toolError(err);
    }
  });
}

/** Asks the client (on the call's own stream, for HTTP) to send its human to the link; waits at most `waitMs` for its answer. */
async function elicit(server: McpServer, asked: RequestAnswer, waitMs: number, relatedRequestId: string | number): Promise<boolean> {
  const message =
    `An agent asks you to enter a value for ${asked.name} in the Blindfold admin page. The page shows its reason and the hosts it proposed; ` +
    'confirm each host yourself. Log in to the page as usual: this link carries no login.';
  const sent = server.server
    .elicitInput({ mode: 'url', message, elicitationId: asked.id!, url: asked.link! }, { timeout: 10 * 60_000, relatedRequestId })
    .then((result) => result.action === 'accept', () => false);
  const waited = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), waitMs).unref());
  return Promise.race([sent, waited]);
}

function shaped(answer: RequestAnswer, elicited: boolean) {
  return {
    content: [{ type: 'text' as const, text: summary(answer, elicited) }],
    structuredContent: { ...answer, ...(answer.status === 'pending' ? { elicited } : {}) } as Record<string, unknown>,
  };
}

function summary(a: RequestAnswer, elicited: boolean): string {
  switch (a.status) {
    case 'exists':
      return `${a.name} already exists and you may use it: write <secrets.${a.name}> in http_request (list_secrets shows its hosts).`;
    case 'saved':
      return a.exists ? `The human entered ${a.name}: it exists now; write <secrets.${a.name}> in http_request.` : `The request for ${a.name} was answered, but you cannot use ${a.name}.`;
    case 'declined':
      return `The human declined to enter ${a.name} (request ${a.id}).`;
    case 'expired':
      return `The request for ${a.name} expired unanswered (request ${a.id}); you may ask again.`;
    default: {
      const where = a.link
        ? `The human enters the value at ${a.link} (they log in to the page as usual; the link carries no login)${elicited ? '; your client was asked to show them this link' : ''}.`
        : 'No Blindfold admin page is running: ask the human to run `blindfold ui` on the machine that holds the vault, log in, and open Requests.';
      return `Asked a human for ${a.name}: request ${a.id}, pending until ${a.expiresAt}. ${where} Call request_secret again with {"id": "${a.id}"} to learn the answer.`;
    }
  }
}
