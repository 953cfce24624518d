/** The broker's option and result types (./broker.ts), apart so the composition stays readable. */
import type { Resolver } from './egress/connector.js';
import type { PartialHitAllowance } from './policy/allowance.js';
import type { OriginQuarantine } from './policy/quarantine.js';
import type { CallQuotas } from './policy/quotas.js';
import type { SuspensionList } from './policy/suspensions.js';
import type { ResponseView } from './redact/response.js';
import type { AuditTrail } from './audit/trail.js';
import type { SecretInfo, Vault } from './vault/vault.js';

/** How a request is made beyond what an agent can ask for: only task files (admin-written) set these. */
export interface RequestOptions {
  /** Secrets placed by their own inject rule (a task step's `secret_name`), replacing a same-name header. */
  inject?: string[];
  /** The task this request is a step of, for the audit trail. */
  task?: string;
  /** Secrets placed anywhere in the exchange this request is part of (every step of a task run). */
  exchange?: string[];
}

export interface HttpResult extends ResponseView {
  url: string;
  durationMs: number;
  redirects: number;
  /** Set when a redirect was returned instead of followed, saying why. */
  redirectNotFollowed?: string;
}

export interface SecretListing extends SecretInfo {
  lastUsedAt: string | null;
  useCount: number;
}

export interface BrokerOptions {
  vault: Vault;
  /** Where every resolution and denial is recorded before anything leaves (fail closed). */
  audit?: AuditTrail;
  /** Test seam: lets tests make names resolve to private addresses. */
  resolver?: Resolver;
  /** Exact origins the admin allows even on special addresses (server config). */
  allowOrigins?: string[];
  /** Principals the tripwire suspended (promise 4a); without it a hit still refuses the call. */
  suspensions?: SuspensionList | undefined;
  /** Partial hits each principal has spent (issue 18 item 2); past the allowance the principal is suspended. */
  allowance?: PartialHitAllowance | undefined;
  /** Origins quarantined after their answers tripped the wire twice (issue 18 item 2). */
  quarantine?: OriginQuarantine | undefined;
  /** Concurrent calls per principal before the shared limit (issue 18 item 6). */
  quotas?: CallQuotas | undefined;
  /** Exact origins opted into partial answers (settings `rangeOrigins`): Range is sent, 206 shown. */
  rangeOrigins?: string[] | undefined;
  /** Largest agent input (bytes of its JSON) screened; larger ones are refused unread. */
  maxInputBytes?: number | undefined;
  /** Test-only switch (never from env or config): turns the no-oracle judgement of pieces off. */
  unsafeShowPieces?: boolean | undefined;
}
