/**
 * Whether text an admin typed may be repeated in a message (issue 20 item 1; SPEC §1.1): an
 * argument in the wrong place is often a value (`show ghp_…` for `show GITHUB_TOKEN`, `--from-env
 * "$TOKEN"` for `--from-env TOKEN`). One function decides, for every message of every door: a
 * plausible name is repeated, anything else — not name-shaped, or token-shaped (a vendor prefix, a
 * long run mixing letters and digits, a long hex or mixed-case run) — is replaced by a phrase that
 * says it was not repeated. Paths are judged part by part.
 */

const NOT_REPEATED = '(not repeated here)';
/** SPEC §3's names (secrets, environments), task names and principals: letters first, then a few separators. */
const PLAUSIBLE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const VENDOR_PREFIX = /^(?:sk|rk|pk)[-_]|^(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|npm|pypi|dop_v1|hf|xox[abprs])[-_]|^(?:AKIA|ASIA|AIza|SG\.|-----BEGIN)/;
/**
 * The same prefixes later in the text, after a separator (`API_KEY:sk_live_…`, `prod.sk_live_…`,
 * `Bearer ghp_…`), when a key's length follows (`my_hf_token`, `EU_ASIA_PACIFIC` stay names).
 */
const VENDOR_INSIDE = /[^A-Za-z0-9](?:(?:sk|rk|pk|ghp|gho|ghu|ghs|ghr|github_pat|glpat|npm|pypi|dop_v1|hf|xox[abprs])[-_][\w-]{16,}|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[\w-]{30}|SG\.[\w-]{16}|-----BEGIN)/;

/** Whether `text` may appear in a message: a plausible name that does not look like a token. */
export function mayRepeat(text: string): boolean {
  return PLAUSIBLE_NAME.test(text) && !looksLikeToken(text);
}

/** `text` when it may be repeated, else a phrase saying it was not. */
export function repeatable(text: string): string {
  return mayRepeat(text) ? text : NOT_REPEATED;
}

/**
 * A path with every part that looks like a token replaced (a `--home` given a value by mistake).
 * A base64 value's `/` cuts it into short parts that each look harmless, so once one part is
 * hidden, only parts written as names are kept (lowercase, Capitalised or UPPERCASE, as
 * folders and files are: home, Alice, vault.json), and a run of hidden parts is said once.
 */
export function repeatablePath(path: string): string {
  const parts = path.split('/');
  const plain = (part: string) => part === '' || (/^[\w .@,~-]{1,64}$/.test(part) && !looksLikeToken(part));
  const strict = parts.every(plain) ? plain : (part: string) => part === '' || (plain(part) && /^(?:[a-z0-9._~ -]+|[A-Z][a-z0-9._ -]*|[A-Z0-9_.-]+)$/.test(part));
  const out: string[] = [];
  for (const part of parts) {
    if (strict(part)) out.push(part);
    else if (out[out.length - 1] !== NOT_REPEATED) out.push(NOT_REPEATED);
  }
  return out.join('/');
}

/** Vendor prefixes, and any part between separators that mixes kinds of characters the way keys do. */
export function looksLikeToken(text: string): boolean {
  if (VENDOR_PREFIX.test(text) || VENDOR_INSIDE.test(text)) return true;
  return text.split(/[_.:\-/ ]+/).some((part) => {
    if (part.length < 10) return false;
    const digits = (part.match(/[0-9]/g) ?? []).length;
    const letters = (part.match(/[A-Za-z]/g) ?? []).length;
    if (/^[0-9a-f]+$/i.test(part) && part.length >= 12 && digits > 0 && letters > 0) return true; // hex
    if (digits >= 3 && letters >= 3) return true; // letters and digits interleaved, as in keys
    const caseRuns = (part.match(/[a-z]+|[A-Z]+/g) ?? []).length;
    // Long, with a digit and case changing every four characters or so: random base62 (a name is words).
    if (part.length >= 16 && digits > 0 && caseRuns >= part.length / 4) return true;
    // Longer still (a PEM or base64 body, `MIIEvQIBADANBgkqhkiG9w0…`): case changing every six or so.
    if (part.length >= 24 && digits > 0 && caseRuns >= part.length / 6) return true;
    // Case changing every two or three characters, as in random keys (a camelCase name changes less often).
    return caseRuns >= part.length / 2.5;
  });
}

/**
 * A request path for the audit trail, kept as sent except each segment that, percent-decoded,
 * looks like a token (`/v1/sk_live_…` from a task input or an agent's URL): the trail never
 * holds one, and the admin still sees the route.
 */
export function pathForTrail(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // not valid percent-encoding: judged as written
      }
      // Judged word by word, a word being what keys are made of (control characters are not).
      return decoded.split(/[^\w.+=~-]+/).some(looksLikeToken) ? '(not recorded)' : segment;
    })
    .join('/');
}
