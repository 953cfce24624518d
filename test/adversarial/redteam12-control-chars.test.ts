// Twelfth red team, family 4 of issue 18 (spellings of kinds still not decoded; "zero-width
// removal" / "NULs taken out"). Severity: medium — the whole key; a terminal, a browser and most
// log viewers show these characters as nothing, and the agent removes them in one line.
//
// The NUL view takes U+0000 out and the fold view takes format characters (`Cf`) out, but other
// control characters (`Cc`) stay: SOH (U+0001), the ASCII separators RS/US (U+001E/F, used as
// field separators by real formats), DEL (U+007F), a C1 control (U+0080–009F), a lone ESC. Between every two characters of
// the key, each leaves it whole to `s.replace(/\p{Cc}/gu, '')`. (src/redact/views/fold.ts, FORMAT /
// INVISIBLE; the NUL view in views/text.ts handles U+0000 only.)
import { describeSpellings, type Spelling } from '../helpers/redteam12.js';

const KEY = 'sk_live_3fR8mK2xWq9Tn4Lv7Zc6Bp1Hy5Dj';
const dropControls = (s: string) => s.replace(/\p{Cc}/gu, '');
const between = (sep: string): Spelling => ({ answer: (k) => ({ body: `key=${[...k].join(sep)}` }), decode: dropControls });

const SPELLINGS: Record<string, Spelling> = {
  'SOH (U+0001) between characters': between('\u0001'),
  'unit separator (U+001F) between characters': between('\u001f'),
  'record separator (U+001E) between characters': between('\u001e'),
  'DEL (U+007F) between characters': between('\u007f'),
  'a C1 control (U+0080) between characters': between('\u0080'),
  'ESC alone (U+001B) between characters': between('\u001b'),
  'DEL between characters inside JSON': { answer: (k) => ({ body: JSON.stringify({ key: [...k].join('\u007f') }), headers: { 'content-type': 'application/json' } }), decode: dropControls },
};

describeSpellings('redteam12: control characters (Cc) other than NUL between characters', KEY, SPELLINGS);
