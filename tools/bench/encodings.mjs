// The classic spellings of a value a server may echo (test/helpers/encodings.ts re-exports them for
// the tests; plain JavaScript because the bench runs on dist/ without a TypeScript loader).
/**
 * The spellings a secret value can take on its way back to an agent. A server that echoes a key
 * rarely echoes it raw: it base64s a Basic auth header, URL-encodes a query string, JSON-escapes a
 * body, HTML-escapes an error page or hex-dumps bytes. Each function returns the text to look for.
 */
/** Shortest pattern we ever search for: shorter ones would destroy unrelated text. */
export const MIN_PATTERN_LENGTH = 4;
/** Lines of a multi-line value are searched on their own when at least this long. */
const MIN_LINE_LENGTH = 8;
/**
 * Base64 of `bytes` as it appears when the value starts `shift` bytes into a longer encoded stream
 * (0, 1 or 2): only the characters that depend on the value's bits alone. `base64("user:" + key)`
 * puts the key at an arbitrary alignment, so all three shifts are searched; the stripped edge
 * characters carry at most a few bits of the value.
 */
export function base64Core(bytes, shift, alphabet) {
    const padded = new Uint8Array(shift + bytes.length);
    padded.set(bytes, shift);
    let text = Buffer.from(padded).toString('base64').replace(/=+$/, '');
    if (alphabet === 'url')
        text = text.replace(/\+/g, '-').replace(/\//g, '_');
    const skipStart = shift === 0 ? 0 : shift === 1 ? 2 : 3;
    // A final partial group's last character also holds bits of whatever byte follows the value.
    const skipEnd = (shift + bytes.length) % 3 === 0 ? 0 : 1;
    return text.slice(skipStart, text.length - skipEnd);
}
function lowerPercentHex(text) {
    return text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}
/**
 * Percent-encoding as common encoders do it. They differ only in which ASCII characters they leave
 * alone and in how they write a space, so each profile is [characters kept, space as "+"]:
 * JS encodeURIComponent (and with "+"), WHATWG/Java form encoding, PHP urlencode, RFC 3986 (PHP
 * rawurlencode, .NET), Python quote (keeps "/"), Python quote_plus / Go QueryEscape, Go PathEscape.
 */
const URL_PROFILES = [
    ["-_.!~*'()", false],
    ["-_.!~*'()", true],
    ['-_.*', true],
    ['-_.', true],
    ['-_.', false],
    ['-_.~', false],
    ['-_.~', true],
    ['-_.~/', false],
    ['-_.~/', true],
    ['-_.~$&+,/:;=@', false],
];
/** Per profile, which byte values are written as they are. */
const URL_KEEP = URL_PROFILES.map(([keep, plus]) => {
    const table = new Uint8Array(128);
    for (let b = 0; b < 128; b++) {
        const c = String.fromCharCode(b);
        table[b] = /[A-Za-z0-9]/.test(c) || keep.includes(c) ? 1 : 0;
    }
    return [table, plus];
});
function percentEncode(bytes, keep, spacePlus) {
    let out = '';
    for (const b of bytes) {
        if (b < 0x80 && keep[b] === 1)
            out += String.fromCharCode(b);
        else if (b === 0x20 && spacePlus)
            out += '+';
        else
            out += b < 0x10 ? `%0${b.toString(16).toUpperCase()}` : `%${b.toString(16).toUpperCase()}`;
    }
    return out;
}
/** encodeURIComponent and the other common percent-encodings (URL_PROFILES), each also with lowercase hex. */
export function urlEncodings(value) {
    try {
        encodeURIComponent(value);
    }
    catch {
        return []; // a lone surrogate has no URL encoding; nothing to search for
    }
    if (/^[A-Za-z0-9._-]*$/.test(value))
        return [value]; // every encoder leaves these alone
    const bytes = new TextEncoder().encode(value);
    const out = new Set();
    for (const [keep, plus] of URL_KEEP) {
        const encoded = percentEncode(bytes, keep, plus);
        out.add(encoded);
        out.add(lowerPercentHex(encoded));
    }
    return [...out];
}
const hex4 = (c) => c.charCodeAt(0).toString(16).padStart(4, '0');
/**
 * JSON string escaping as JSON.stringify does it, and as other encoders do: `\/` for "/" (PHP),
 * every non-ASCII as `\uXXXX` (Python, PHP), `<>&` and U+2028/9 as `\u` escapes (Go), with
 * lowercase or uppercase hex, in every combination.
 */
export function jsonEncodings(value) {
    const plain = JSON.stringify(value).slice(1, -1);
    const out = new Set([plain]);
    const variants = (applies) => (applies ? [false, true] : [false]);
    const hasEscape = plain.includes('\\u');
    if (!hasEscape && !/[/<>&'+`"\u0080-\uffff]/.test(plain))
        return [plain]; // every encoder writes it the same way
    // .NET System.Text.Json's default encoder: '"' as \u0022, and ' + ` < > & and all non-ASCII as \u escapes.
    const dotnet = plain.replace(/\\(?:u[0-9a-f]{4}|[^u])|[^\\]/g, (t) => {
        if (t === '\\"')
            return '\\u0022';
        if (t.length > 1)
            return t;
        return /[<>&'+`\u0080-\uffff]/.test(t) ? '\\u' + hex4(t).toUpperCase() : t;
    });
    out.add(dotnet);
    out.add(dotnet.replace(/\\u([0-9A-F]{4})/g, (_m, h) => '\\u' + h.toLowerCase()));
    for (const htmlSafe of variants(/[<>&\u2028\u2029]/.test(plain))) {
        for (const ascii of variants(/[\u0080-\uffff]/.test(plain))) {
            for (const slash of variants(plain.includes('/'))) {
                // Token by token (an escape or one character) so an escaped backslash is never mistaken for an escape.
                const escaped = plain.replace(/\\(?:u[0-9a-f]{4}|[^u])|[^\\]/g, (t) => {
                    if (t.length > 1)
                        return t;
                    if (htmlSafe && /[<>&\u2028\u2029]/.test(t))
                        return '\\u' + hex4(t);
                    if (ascii && t.charCodeAt(0) > 0x7f)
                        return '\\u' + hex4(t);
                    if (slash && t === '/')
                        return '\\/';
                    return t;
                });
                out.add(escaped);
                if (hasEscape || htmlSafe || ascii)
                    out.add(escaped.replace(/\\(?:u[0-9a-f]{4}|[^u])/g, (t) => (t.length === 6 ? '\\u' + t.slice(2).toUpperCase() : t)));
            }
        }
    }
    return [...out];
}
/** HTML/XML escaping of the five special characters in the spellings common templating engines use. */
export function htmlEncodings(value) {
    if (!/[&<>"']/.test(value))
        return [value];
    const base = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const out = [];
    for (const quot of ['&quot;', '&#34;', '&#x22;']) {
        for (const apos of ['&#39;', '&#039;', '&#x27;', '&apos;']) {
            out.push(base.replace(/"/g, quot).replace(/'/g, apos));
        }
    }
    out.push(base); // engines that leave quotes alone
    return out;
}
export function hexEncodings(bytes) {
    const lower = Buffer.from(bytes).toString('hex');
    return [lower, lower.toUpperCase()];
}
const hexByte = (b) => b.toString(16).toUpperCase().padStart(2, '0');
/**
 * Quoted-printable (RFC 2045) as mail libraries write a body: "=", line breaks and every byte
 * outside printable ASCII as "=XX" (spaces and tabs as they are), lines wrapped at 76 columns by
 * soft line breaks ("=" then CRLF) that never split an escape, so a long value comes back cut into
 * pieces. `conservative`: every byte but letters and digits escaped, which RFC 2045 also allows.
 */
export function quotedPrintable(text, lineLength = 76, conservative = false) {
    let out = '';
    let line = 0;
    for (const b of new TextEncoder().encode(text)) {
        const literal = conservative ? /[A-Za-z0-9]/.test(String.fromCharCode(b)) : (b >= 32 && b <= 126 && b !== 61) || b === 9;
        const piece = literal ? String.fromCharCode(b) : `=${hexByte(b)}`;
        if (line + piece.length > lineLength - 1) {
            out += '=\r\n';
            line = 0;
        }
        out += piece;
        line += piece.length;
    }
    return out;
}
/**
 * RFC 2047 "Q" encoded words, as a mail header carries non-ASCII text: "_" for a space, "=XX" for
 * anything but letters, digits and !*+-/, at most 75 characters a word, words folded onto new lines
 * (never splitting a character, as the RFC requires).
 */
export function qEncodedWords(text) {
    const words = [];
    let word = '';
    for (const ch of text) {
        let piece = '';
        for (const b of new TextEncoder().encode(ch)) {
            piece += /[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : b === 32 ? '_' : `=${hexByte(b)}`;
        }
        if (word.length + piece.length > 75 - '=?utf-8?Q??='.length) {
            words.push(word);
            word = '';
        }
        word += piece;
    }
    words.push(word);
    return words.map((w) => `=?utf-8?Q?${w}?=`).join('\r\n ');
}
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** RFC 4648 base32 (TOTP seeds, some tokens and ids), with "=" padding. */
export function base32(bytes) {
    let out = '';
    let acc = 0;
    let bits = 0;
    for (const b of bytes) {
        acc = ((acc << 8) | b) & 0xfff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += BASE32[(acc >> bits) & 31];
        }
    }
    if (bits > 0)
        out += BASE32[(acc << (5 - bits)) & 31];
    return out + '='.repeat((8 - (out.length % 8)) % 8);
}
/**
 * A value as java.util.Properties#store escapes it (backslash escapes of `\\ = : # !`, controls,
 * `\uXXXX` of everything outside printable ASCII, a leading space as `\ `).
 */
export function javaPropertiesEscape(value) {
    let out = '';
    for (let i = 0; i < value.length; i++) {
        const c = value[i];
        const code = value.charCodeAt(i);
        if (c === ' ')
            out += i === 0 ? '\\ ' : ' ';
        else if ('\\=:#!'.includes(c))
            out += `\\${c}`;
        else if (c === '\t' || c === '\n' || c === '\r' || c === '\f')
            out += { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f' }[c];
        else if (code < 0x20 || code > 0x7e)
            out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
        else
            out += c;
    }
    return out;
}
/**
 * A `key=value` line of a hand-written .properties file whose value is continued on further lines
 * (a backslash at the end of a line; the next line's leading whitespace is not part of the value),
 * cut after each of `cuts` (code points of the value, ascending).
 */
export function javaPropertiesLine(key, value, cuts) {
    const points = [...value];
    const pieces = [];
    let from = 0;
    for (const at of [...cuts, points.length]) {
        const to = Math.max(from, Math.min(points.length, at));
        pieces.push(javaPropertiesEscape(points.slice(from, to).join('')));
        from = to;
    }
    return `${key}=${pieces.join('\\\n    ')}`;
}
/** Every spelling of one value; duplicates and too-short forms removed. */
export function encodingsOf(value) {
    const forms = new Set();
    const addAll = (v) => {
        const bytes = new TextEncoder().encode(v);
        forms.add(v);
        forms.add(Buffer.from(bytes).toString('base64'));
        for (const shift of [0, 1, 2]) {
            forms.add(base64Core(bytes, shift, 'std'));
            forms.add(base64Core(bytes, shift, 'url'));
        }
        for (const f of urlEncodings(v))
            forms.add(f);
        for (const f of jsonEncodings(v))
            forms.add(f);
        for (const f of htmlEncodings(v))
            forms.add(f);
        for (const f of hexEncodings(bytes))
            forms.add(f);
        // Spellings the redactor decodes though no list of forms holds them whole: cut by soft line
        // breaks, split by a continuation line, base32 at any alignment.
        forms.add(base32(bytes));
        forms.add(quotedPrintable(v));
        forms.add(qEncodedWords(v));
        forms.add(javaPropertiesLine('key', v, [v.length >> 1]));
    };
    addAll(value);
    // A value that is not well-formed UTF-16 (a lone surrogate) goes out, and comes back, with U+FFFD in its place.
    const wellFormed = Buffer.from(value, 'utf8').toString('utf8');
    if (wellFormed !== value)
        addAll(wellFormed);
    if (/[\r\n]/.test(value)) {
        for (const line of value.split(/\r?\n|\r/)) {
            if (line.trim().length >= MIN_LINE_LENGTH)
                addAll(line);
        }
    }
    return [...forms].filter((f) => f.length >= MIN_PATTERN_LENGTH);
}
