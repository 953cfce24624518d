// Twelfth red team, family 4 of issue 18 (spellings of kinds still not decoded: markup "with its
// tags taken out"). Severity: medium — the whole key, from XML an upstream writes with a real
// serializer (CDATA sections are joined by every XML parser into one text node).
//
// The key in CDATA sections of at most 11 characters (`<![CDATA[sk_live_4mQ]]><![CDATA[…]]>`, what a
// serializer writing a streamed value chunk by chunk emits), or parted by empty processing
// instructions (`<?p?>`), which XML parsers drop from text content. The markup view
// (src/redact/views/markup.ts, TAG_RE) takes out tags, comments and ANSI sequences only: neither
// `]]><![CDATA[` nor `<?p?>` is taken out, and no join reads across them; each piece is below a
// window in the plain text. `ElementTree.fromstring(body).text` gives the key.
import { describeSpellings, type Spelling } from '../helpers/redteam12.js';

const KEY = 'sk_live_2gH7vN4xRt9Kq3Wm8Lc6Bz1Fp5Dy';
const XML = { 'content-type': 'application/xml; charset=utf-8' };
const pieces = (k: string, n: number) => k.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
const readXmlText = (s: string) => s.replace(/<!\[CDATA\[([^]*?)\]\]>/g, '$1').replace(/<\?[^]*?\?>/g, '');

const SPELLINGS: Record<string, Spelling> = {
  'CDATA sections of 11 characters': { answer: (k) => ({ body: `<?xml version="1.0"?><key>${pieces(k, 11).map((p) => `<![CDATA[${p}]]>`).join('')}</key>`, headers: XML }), decode: readXmlText },
  'CDATA sections of 6 characters': { answer: (k) => ({ body: `<key>${pieces(k, 6).map((p) => `<![CDATA[${p}]]>`).join('')}</key>`, headers: XML }), decode: readXmlText },
  'pieces parted by empty processing instructions': { answer: (k) => ({ body: `<key>${pieces(k, 6).join('<?p?>')}</key>`, headers: XML }), decode: readXmlText },
};

describeSpellings('redteam12: XML text split by CDATA sections and processing instructions', KEY, SPELLINGS);
