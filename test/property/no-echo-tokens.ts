// Token-shaped text as providers issue it, for the no-echo properties (issue 20 item 1): what an
// admin pastes where a name, a flag or a path belongs. `mustNotAppear` is the part that is secret
// (the whole token; a URL's password).
import fc from 'fast-check';

export interface TokenCase {
  text: string;
  mustNotAppear: string[];
}

const BASE62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const BASE64URL = [...BASE62, '-', '_'];
const HEX = '0123456789abcdef'.split('');
const chars = (alphabet: string[], min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
const VENDOR = ['sk_live_', 'sk_test_', 'rk_live_', 'sk-proj-', 'sk-ant-api03-', 'ghp_', 'gho_', 'github_pat_', 'xoxb-', 'xoxp-', 'glpat-', 'npm_', 'hf_', 'dop_v1_', 'AIza', 'SG.'];

const whole = (text: string): TokenCase => ({ text, mustNotAppear: [text] });

export const tokenCase: fc.Arbitrary<TokenCase> = fc.oneof(
  // A vendor prefix and a high-entropy tail.
  fc.tuple(fc.constantFrom(...VENDOR), chars(BASE62, 20, 48)).map(([p, b]) => whole(p + b)),
  // AWS access key ids.
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split(''), 16, 16).map((b) => whole(`AKIA${b}`)),
  // Hex blobs (API keys, webhook secrets).
  chars(HEX, 32, 64).filter((h) => /[a-f]/.test(h) && /[0-9]/.test(h)).map(whole),
  // Base64 blobs (32 random bytes and the like); a run of zero bytes ("AAAA…") is no token.
  fc
    .uint8Array({ minLength: 24, maxLength: 48 })
    .map((b) => Buffer.from(b).toString('base64'))
    .filter((b) => /[0-9]/.test(b) && /[a-z]/.test(b) && /[A-Z]/.test(b))
    .map(whole),
  // JWT-like: header.payload.signature.
  fc.tuple(chars(BASE64URL, 20, 60), chars(BASE64URL, 30, 60)).map(([payload, sig]) => whole(`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${payload}.${sig}`)),
  // A URL carrying a password: the password must not be repeated.
  fc.tuple(chars(BASE62, 16, 32), fc.constantFrom('postgres', 'https', 'redis', 'amqp')).map(([pw, scheme]) => ({ text: `${scheme}://admin:${pw}@db.example.com:5432/app`, mustNotAppear: [pw] })),
);

const WORDS = ['GITHUB', 'TOKEN', 'API', 'KEY', 'SECRET', 'STRIPE', 'OPENAI', 'DATABASE', 'URL', 'PROD', 'STAGING', 'SLACK', 'WEBHOOK', 'AWS', 'ACCESS', 'MY', 'V2'];
/** Names as admins write them (GITHUB_TOKEN, MY_API_KEY, STRIPE_SECRET_KEY_V2). */
export const plausibleName = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('_'));
