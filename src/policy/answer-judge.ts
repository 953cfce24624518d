/**
 * What the agent gets of an answer, from what the response wall found in it (promise 4a): a piece
 * of a value not placed in the exchange is a tripwire event; a piece of a placed one withholds the
 * whole answer and spends the principal's allowance; a scan limit or a partial representation
 * withholds what could not be vouched for. Bookkeeping runs after the reply (the same cost for a
 * right and a wrong guess).
 */
import { inputText } from './input-text.js';
import type { AuditFields } from '../audit/chain.js';
import { BlindfoldError } from '../errors.js';
import { logger } from '../log.js';
import type { Redactor } from '../redact/redactor.js';
import { type Findings, redactJsonValue, type ResponseView, scrubError, withheldView } from '../redact/response.js';
import { WITHHELD_NOTICE } from '../redact/wall.js';
import type { Principal } from './authorize.js';
import type { PartialHitAllowance } from './allowance.js';
import type { OriginQuarantine } from './quarantine.js';
import { isStopped, tripwireRefusal, type SuspensionList } from './suspensions.js';

type Trail = Omit<AuditFields, 'action' | 'outcome'>;
/** What judge() is handed for a value that is no answer (its view is not shown). */
const NO_VIEW: ResponseView = { status: 200, statusText: '', headers: {}, truncated: false, redacted: [] };

export interface JudgeDeps {
  suspensions: SuspensionList | undefined;
  allowance: PartialHitAllowance;
  quarantine: OriginQuarantine | undefined;
  record(fields: AuditFields): Promise<void>;
  /** Runs work after the reply, in order. */
  later(work: () => Promise<void>): void;
  /** Largest agent input scanned (bytes of its JSON); larger ones are refused unread (default 1 MiB). */
  maxInputBytes?: number | undefined;
  /** Test-only switch (never from env or config): pieces are shown as they were marked, the oracle the meta-test must see. */
  unsafeShowPieces?: boolean | undefined;
}

export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;
/** Time the tripwire may spend on one input; an input it cannot finish by then is refused (fail closed). */
const INPUT_SCAN_DEADLINE_MS = 5_000;

export class AnswerJudge {
  readonly #deps: JudgeDeps;
  /** Pieces judged but not yet written to the allowance, per principal. */
  readonly #pending = new Map<string, number>();

  constructor(deps: JudgeDeps) {
    this.#deps = deps;
  }

  /**
   * What the wall found in an answer decides what the agent gets (promise 4a): a piece of a value
   * not placed in this exchange is a tripwire event; a piece of a placed one withholds the whole
   * answer and spends the principal's allowance; a scan limit withholds what it could not vouch
   * for. The agent sees one notice whatever the cause; the cause goes to the audit trail.
   * `answeredBy`: the origin that answered (a redirect chain's last hop), which a trip counts against.
   */
  judge(principal: Principal, trail: Trail, findings: Findings, placed: Set<string>, view: ResponseView, answeredBy = trail.origin): ResponseView {
    // Calls in flight when the wire tripped are not shown either, and are answered as the call that
    // tripped: a burst of guesses judged one by one would tell the right ones from the wrong ones
    // (group testing).
    this.refuseInFlight(principal);
    if (this.#deps.unsafeShowPieces) findings.pieces.clear();
    const unplaced = [...findings.pieces].filter((n) => !placed.has(n));
    if (unplaced.length > 0) {
      // The request already left; the answer is not shown and the principal stops here.
      this.#deps.suspensions?.suspend(principal.id, 'a piece of a value it was not given came back in an answer (tripwire)');
      this.#deps.later(async () => {
        // Against the origin that answered (the last hop), not the first URL: an open redirect on an
        // honest API would otherwise get that API quarantined for everyone.
        if (answeredBy) await this.#deps.quarantine?.recordTrip(answeredBy);
        await this.#deps.record({ ...trail, action: 'request.attack', outcome: 'denied', reason: 'a piece of a secret not placed in this exchange came back in the answer' });
      });
      throw tripwireRefusal(principal.id);
    }
    if (findings.pieces.size > 0) {
      // Counted now, not when the write lands: a burst of concurrent pieces spends one each, and
      // the one past the allowance suspends before any later answer is judged.
      const pending = (this.#pending.get(principal.id) ?? 0) + 1;
      this.#pending.set(principal.id, pending);
      if (this.#deps.allowance.used(principal.id) + pending > this.#deps.allowance.allowance) {
        this.#deps.suspensions?.suspend(principal.id, 'pieces of placed values in answers past its allowance');
      }
      this.#deps.later(async () => {
        try {
          const spent = await this.#deps.allowance.spend(principal.id);
          await this.#deps.record({ ...trail, action: 'response.partial', outcome: 'denied', reason: `answer withheld: it held a piece of a placed secret (allowance ${spent.used} used)` });
          if (spent.exhausted) this.#deps.suspensions?.suspend(principal.id, 'pieces of placed values in answers past its allowance');
        } finally {
          this.#pending.set(principal.id, (this.#pending.get(principal.id) ?? 1) - 1);
        }
      });
      return withheldView(view);
    }
    if (findings.limited || findings.partial) {
      const reason = findings.partial ? 'part of a representation (206, Content-Range or byteranges)' : 'a scan limit (budget, depth or size)';
      this.#deps.later(() => this.#deps.record({ ...trail, action: 'response.withheld', outcome: 'ok', reason: `answer withheld in part: ${reason}` }));
    }
    return view;
  }

  /**
   * A value composed from answers already judged (a task's output), scanned once more: its template
   * may join fields below a window each, so a piece there is judged as in one more answer of the
   * exchange (a guess confirmed only by the composition trips the wire or spends the allowance).
   */
  composed(principal: Principal, redactor: Redactor, value: unknown, trail: Trail, placed: Set<string>): unknown {
    const found = { text: '', names: new Set<string>(), pieces: new Set<string>(), limited: false };
    const shown = redactJsonValue(redactor, value, found);
    if (found.pieces.size === 0) return shown;
    this.judge(principal, trail, { pieces: found.pieces, limited: false, partial: false }, placed, NO_VIEW);
    return WITHHELD_NOTICE;
  }

  /**
   * The error a call ends with, scrubbed. Once the request left, its message can quote text the
   * upstream chose (a redirect's host names the hop that failed), so a piece there is judged like
   * one in an answer: the right guess of a value not placed trips the wire, not just the message.
   * Before it left, the message can quote only the agent's own input, however rewritten (a host
   * turned to Punycode, a parameter's name, text read backwards): secret material there is a
   * guess, and trips the wire as on input. Scrubbed and shown, the message would tell a right
   * guess (hidden) from a wrong one (shown), call after call.
   */
  failure(principal: Principal, redactor: Redactor, err: unknown, trail: Trail, placed: Set<string>, sent: boolean): BlindfoldError {
    // A call that fails for a reason of its own while another call of the principal trips the wire
    // ends like the others in flight (its own message would mark it a wrong guess).
    if (!(err instanceof BlindfoldError && (err.code === 'PRINCIPAL_SUSPENDED' || err.code === 'REQUEST_REFUSED')) && this.#stopped(principal)) return tripwireRefusal(principal.id);
    const found = { pieces: new Set<string>(), names: new Set<string>() };
    const scrubbed = scrubError(redactor, err, found);
    if (sent && found.pieces.size > 0) this.judge(principal, trail, { pieces: found.pieces, limited: false, partial: false }, placed, NO_VIEW);
    if (!sent && [...found.pieces, ...found.names].some((name) => !redactor.isPublic(name))) {
      this.#deps.suspensions?.suspend(principal.id, 'secret material in what its input became (tripwire)');
      this.#deps.later(() => this.#deps.record({ ...trail, action: 'request.attack', outcome: 'denied', reason: 'secret material in a refusal quoting the agent input' }));
      logger().warn({ principal: principal.id }, 'tripwire: secret material in a refusal quoting an agent input; principal suspended');
      throw tripwireRefusal(principal.id);
    }
    return scrubbed;
  }

  /** A call under way when its principal was stopped (by another call's trip) ends as the tripping call did. */
  refuseInFlight(principal: Principal): void {
    if (this.#stopped(principal)) throw tripwireRefusal(principal.id);
  }

  #stopped(principal: Principal): boolean {
    return this.#deps.suspensions !== undefined && isStopped(this.#deps.suspensions, principal);
  }

  /**
   * The tripwire on an agent's input (promise 4a): secret material there (not of a public value)
   * can only be a guess, so the call is refused, recorded as an attack and the principal suspended;
   * an input the scan could not finish is refused (fail closed), nothing said of what it held.
   */
  async screenInput(principal: Principal, redactor: Redactor, agentInput: unknown): Promise<void> {
    const maxBytes = this.#deps.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
    const text = inputText(agentInput, maxBytes);
    // The stdio transport caps raw bytes before parsing; this caps every other door (the library, plugins).
    if (Buffer.byteLength(text) > maxBytes) {
      throw new BlindfoldError('BAD_INPUT', 'the request was refused: its input is larger than the server accepts (settings: limits.maxArgumentBytes)');
    }
    // In pieces, yielding between them (other principals' calls go on meanwhile), and within a
    // deadline: an input dense in compressed blobs held the whole server for 12 s when scanned in one go.
    const { hits, unscanned } = await redactor.inspectAsync(text, INPUT_SCAN_DEADLINE_MS);
    if (unscanned.length > 0) {
      await this.#deps.record({ action: 'request.denied', principal: principal.id, env: principal.env, outcome: 'denied', reason: 'INPUT_UNSCANNABLE' });
      throw new BlindfoldError('BAD_INPUT', 'the request was refused: its input could not be fully checked (too deeply or densely encoded). Send it plainly encoded');
    }
    // A value read backwards is not read on input (BACKWARDS in src/redact/fingerprints.ts).
    if (!hits.some((h) => !redactor.isPublic(h.name) && !h.backwards)) return;
    // Suspended first: if the audit entry then cannot be written, the principal is still stopped.
    this.#deps.suspensions?.suspend(principal.id, 'secret material in its input (tripwire)');
    await this.#deps.record({ action: 'request.attack', principal: principal.id, env: principal.env, outcome: 'denied', reason: 'secret material in the agent input' });
    logger().warn({ principal: principal.id }, 'tripwire: secret material in an agent input; principal suspended');
    throw tripwireRefusal(principal.id);
  }
}
