// A small HTTP API on 127.0.0.1 for tests, the demo and the benchmarks. It records every request
// and counts every TCP connection, so a test can prove that nothing reached it. Several endpoints
// deliberately reflect credentials back, the way careless real APIs do.
//
//   /echo                 JSON {method, url, headers, body} of the request
//   /repos/...            the same echo, for task files shaped like a REST API (any path under it)
//   /headers              request headers echoed back as x-echo-<name> response headers
//   /unauthorized         401 whose status text and body quote Authorization / x-api-key
//   /redirect?to=&status= redirect (default 302) to `to`
//   /redirect-echo        302 whose Location carries the Authorization value
//   /loop?n=              302 to /loop?n=<n+1>, for ever (a redirect loop no chain length ends)
//   /gzip /br /deflate    compressed JSON echo
//   /binary?size=         bytes 0..255 repeated, application/octet-stream
//   /big?size=            `size` bytes of text
//   /bytes?kb=            `kb` KiB of text (benchmarks)
//   /slow?ms=             answers after `ms` milliseconds
//   /status/:code         that status, empty JSON body
//   /reflect?as=          the Authorization/x-api-key value re-encoded (base64, hex, url, json, html)
//   /last                 the credential of the previous request that carried one (a stateful leak)
//                         /reflect also takes src=body|query (reflect the body / the `v` query
//                         parameter instead), type=json (answer application/json {"reflected": ...}),
//                         and the JSON spellings of other stacks: as=json-ascii (Python ensure_ascii),
//                         json-php (\/ and \u escapes), json-dotnet (System.Text.Json default encoder),
//                         json-all (every character \u-escaped)
//   /reflect-header?as=   the same forms in response headers (x-reflected, set-cookie, link), UTF-8 bytes
//   /reflect-status?as=   the same forms in the status text (UTF-8 bytes)
//   /reflect-known?i=&as= the i-th of `options.known` (values the test gave out of band: a secret this
//                         server process never resolved) in a decoded-view spelling (issue 10): raw,
//                         html-dec, html-hex, json-u, base64-76, pct2, upper, cut-first, cut-last, qp
//                         (wrapped at 76), base32 (wrapped), base32-lower, java-props (continued lines)
import http from 'node:http';
import zlib from 'node:zlib';
import { base32, javaPropertiesLine, quotedPrintable } from './bench/encodings.mjs';

/**
 * @param {{port?: number, host?: string, known?: string[]}} [options]
 */
export async function startStub(options = {}) {
  const host = options.host ?? '127.0.0.1';
  /** @type {{method: string, url: string, headers: Record<string, string | string[] | undefined>, rawHeaders: string[], body: string}[]} */
  const requests = [];
  let connections = 0;
  let lastCredential = '';
  const sockets = new Set();

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // rawHeaders too: node keeps only the first of some repeated headers (User-Agent, Host) in `headers`.
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, rawHeaders: [...req.rawHeaders], body });
      try {
        route(req, res, body);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function credential(req) {
    const auth = req.headers.authorization ?? '';
    const key = req.headers['x-api-key'] ?? '';
    return String(auth || key);
  }

  function route(req, res, body) {
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    const q = (name, fallback) => url.searchParams.get(name) ?? fallback;
    const echo = () => JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body });
    const path = url.pathname;
    if (path === '/last') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`previous credential: ${lastCredential}`);
    }
    if (credential(req)) lastCredential = credential(req);

    if (path === '/echo' || path.startsWith('/repos/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(echo());
    }
    if (path === '/headers') {
      const headers = { 'content-type': 'text/plain' };
      for (const [k, v] of Object.entries(req.headers)) headers[`x-echo-${k}`] = String(v);
      res.writeHead(200, headers);
      return res.end('headers echoed');
    }
    if (path === '/unauthorized') {
      const cred = credential(req);
      res.statusMessage = `Invalid credential ${cred}`.replace(/[^\t\x20-\x7e]/g, '?');
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer error="invalid_token" token="${cred}"` });
      return res.end(JSON.stringify({ error: `The key ${cred} is not valid`, received: cred }));
    }
    if (path === '/redirect') {
      res.writeHead(Number(q('status', '302')), { location: q('to', '/echo') });
      return res.end();
    }
    if (path === '/loop') {
      res.writeHead(302, { location: `/loop?n=${Number(q('n', '0')) + 1}` });
      return res.end();
    }
    if (path === '/redirect-echo') {
      res.writeHead(302, { location: `/echo?token=${encodeURIComponent(credential(req))}` });
      return res.end(`Moved to /echo?token=${credential(req)}`);
    }
    if (path === '/gzip' || path === '/br' || path === '/deflate') {
      const raw = Buffer.from(echo());
      const encoded =
        path === '/gzip' ? zlib.gzipSync(raw) : path === '/br' ? zlib.brotliCompressSync(raw) : zlib.deflateSync(raw);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': path.slice(1) });
      return res.end(encoded);
    }
    if (path === '/binary') {
      const size = Number(q('size', '1024'));
      const buf = Buffer.alloc(size);
      for (let i = 0; i < size; i++) buf[i] = i % 256;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(buf);
    }
    if (path === '/big' || path === '/bytes') {
      const size = path === '/big' ? Number(q('size', '1048576')) : Number(q('kb', '1')) * 1024;
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('abcdefghij'.repeat(Math.ceil(size / 10)).slice(0, size));
    }
    if (path === '/slow') {
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('slow');
      }, Number(q('ms', '1000')));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (path.startsWith('/status/')) {
      res.writeHead(Number(path.slice('/status/'.length)) || 500, { 'content-type': 'application/json' });
      return res.end('{}');
    }
    // decoded views (issue 10)
    if (path === '/reflect-known') {
      const known = options.known ?? [];
      const value = known[Number(q('i', '0'))] ?? '';
      const cp = (c) => c.codePointAt(0);
      const forms = {
        raw: value,
        'html-dec': [...value].map((c) => `&#${cp(c)};`).join(''),
        'html-hex': [...value].map((c) => `&#x${cp(c).toString(16)};`).join(''),
        'json-u': [...value].map((c) => [...c].map((x) => `\\u${x.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')).join(''),
        'base64-76': Buffer.from(`${'x'.repeat(50)}${value}${'y'.repeat(80)}`).toString('base64').replace(/(.{76})/g, '$1\r\n'),
        pct2: encodeURIComponent(encodeURIComponent(value)),
        upper: value.toUpperCase(),
        'cut-first': value.slice(0, 14),
        'cut-last': value.slice(-14),
        // Mail and config spellings that leave no window of the value as it is: every byte but letters
        // and digits escaped, and a soft line break (76 columns) inside the value; a .properties value
        // continued every 8 characters.
        qp: quotedPrintable(`${'x'.repeat(50)}${value}${'y'.repeat(80)}`, 76, true),
        base32: base32(Buffer.from(`${'x'.repeat(30)}${value}`)).replace(/(.{76})/g, '$1\r\n'),
        'base32-lower': base32(Buffer.from(`u:${value}`)).toLowerCase(),
        'java-props': javaPropertiesLine('api.key', value, Array.from({ length: value.length >> 3 }, (_, k) => (k + 1) * 8)),
      };
      const form = forms[q('as', 'raw')] ?? value;
      // A piece of the value in a header too, only when asked (a piece is a guess-shaped hit: issue 18).
      const headers = { 'content-type': 'text/html; charset=utf-8', ...(q('hdr', '') ? { 'x-known': Buffer.from(forms['cut-last']).toString('base64') } : {}) };
      res.writeHead(200, headers);
      return res.end(`<p>reflected: ${form}</p>`);
    }
    if (path === '/reflect' || path === '/reflect-header' || path === '/reflect-status') {
      const src = q('src', 'credential');
      const cred =
        src === 'body' ? body : src === 'query' ? q('v', '') : credential(req).replace(/^(Bearer|Basic|token) /i, '');
      const as = q('as', 'raw');
      const u4 = (c, upper) => {
        const h = c.charCodeAt(0).toString(16).padStart(4, '0');
        return `\\u${upper ? h.toUpperCase() : h}`;
      };
      const jsonInner = JSON.stringify(cred).slice(1, -1);
      const forms = {
        'json-ascii': jsonInner.replace(/[\u0080-\uffff]/g, (c) => u4(c, false)),
        'json-php': jsonInner.replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => u4(c, false)),
        'json-dotnet': jsonInner
          .replace(/\\"/g, '\\u0022')
          .replace(/[\u0080-\uffff'+<>&`]/g, (c) => u4(c, true)),
        'json-all': [...cred].map((c) => (c.length === 1 ? u4(c, false) : [...c].map((x) => u4(x, false)).join(''))).join(''),
        raw: cred,
        base64: Buffer.from(cred).toString('base64'),
        base64url: Buffer.from(cred).toString('base64url'),
        basic: Buffer.from(`user:${cred}`).toString('base64'),
        hex: Buffer.from(cred).toString('hex'),
        HEX: Buffer.from(cred).toString('hex').toUpperCase(),
        url: encodeURIComponent(cred),
        form: new URLSearchParams({ v: cred }).toString().slice(2),
        json: JSON.stringify(cred),
        html: cred.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      };
      const form = forms[as] ?? cred;
      // Header and status bytes go out as the form's UTF-8 bytes, as a Go or Python server writes them.
      const wire = (text) => Buffer.from(text, 'utf8').toString('latin1').replace(/[\r\n\0]/g, ' ');
      if (path === '/reflect-header') {
        res.writeHead(200, {
          'content-type': 'text/plain',
          'x-reflected': wire(form),
          'set-cookie': `session=${wire(form)}; Path=/; HttpOnly`,
          link: `<https://api.example/next?k=${wire(form)}>; rel="next"`,
        });
        return res.end('see headers');
      }
      if (path === '/reflect-status') {
        res.statusMessage = wire(`bad key ${form}`).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
        res.writeHead(403, { 'content-type': 'text/plain' });
        return res.end('forbidden');
      }
      if (q('type', 'text') === 'json') {
        // The JSON forms are already string contents; any other form is JSON-escaped here.
        const inner = as.startsWith('json') && as !== 'json' ? form : JSON.stringify(form).slice(1, -1);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(`{"reflected":"${inner}","note":"echo"}`);
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`reflected: ${form}`);
    }
    // side doors (issue 10)
    //   /breach?guess=&type=  gzip-compressed `token=<credential>&guess=<guess>` (text/plain, or
    //                         application/octet-stream with type=binary): a BREACH length oracle
    //   /deep?levels=&kind=&width=  `levels` of nested JSON arrays (kind=array) or objects
    //                         (kind=object) around an array of `width` `fill`s (default 0)
    if (path === '/breach') {
      const cred = credential(req).replace(/^(Bearer|Basic|token) /i, '');
      const raw = Buffer.from(`token=${cred}&guess=${q('guess', '')}`);
      const type = q('type', 'text') === 'binary' ? 'application/octet-stream' : 'text/plain';
      const encoded = zlib.gzipSync(raw);
      res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip', 'content-length': String(encoded.length) });
      return res.end(encoded);
    }
    if (path === '/deep') {
      const levels = Number(q('levels', '2000'));
      const inner = `[${Array(Number(q('width', '0'))).fill(q('fill', '0')).join(',')}]`;
      const text = q('kind', 'array') === 'object' ? `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}` : `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(text);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = server.address().port;
  const origin = `http://${host}:${port}`;
  return {
    url: origin,
    origin,
    port,
    requests,
    connections: () => connections,
    reset() {
      requests.length = 0;
      connections = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

// `node tools/stub-server.mjs [port]` runs it on its own (for manual checks).
if (import.meta.url === `file://${process.argv[1]}`) {
  const stub = await startStub({ port: Number(process.argv[2] ?? 0) });
  process.stderr.write(`stub API listening on ${stub.url}\n`);
}
