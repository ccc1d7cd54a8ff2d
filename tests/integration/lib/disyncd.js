'use strict';
// Starts a disyncd on port 0 in a fresh temporary data directory and tells
// its endpoint once it logs "listening on http://HOST:PORT". Stops it with
// SIGTERM (or SIGKILL) and reports the exit status. Polls with deadlines;
// never sleeps for a fixed time.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

// Servers still running, killed when the test process exits whichever way
// it does: a check runner that skips (exit 77 when the SDK clients are
// missing) or crashes after starting one must not leave it behind.
const running = new Set();
process.on('exit', () => {
  for (const server of running) {
    try {
      server.proc.kill('SIGKILL');
    } catch (e) {
      // already gone
    }
    if (server.ownsDataDir) server.cleanup();
  }
});

function randomKey() {
  return {
    id: `LTAItest${crypto.randomBytes(8).toString('hex')}`,
    secret: crypto.randomBytes(15).toString('hex'),
  };
}

class Disyncd {
  constructor(bin, { dataDir, env = {}, args = [] } = {}) {
    this.bin = bin;
    this.ownsDataDir = !dataDir;
    this.dataDir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'disync-it-'));
    this.env = env;
    this.args = args;
    this.log = '';
  }

  // Runs `disyncd admin --data-dir DIR <args>` and returns its stdout.
  admin(...args) {
    return execFileSync(this.bin, ['admin', '--data-dir', this.dataDir, ...args], {
      env: { ...process.env, ...this.env },
      encoding: 'utf8',
    }).trim();
  }

  start(timeoutMs = 20000) {
    this.log = '';
    this.proc = spawn(this.bin, ['--listen', '127.0.0.1:0', '--data-dir', this.dataDir,
      '--threads', '2', ...this.args], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      });
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`disyncd did not listen within ${timeoutMs} ms:\n${this.log}`)), timeoutMs);
      const onData = (chunk) => {
        this.log += chunk.toString();
        const m = this.log.match(/listening on http:\/\/([^\s:]+):(\d+)/);
        if (m && !this.endpoint) {
          clearTimeout(timer);
          this.host = m[1];
          this.port = Number(m[2]);
          this.endpoint = `http://${m[1]}:${m[2]}`;
          resolve(this.endpoint);
        }
      };
      this.proc.stdout.on('data', onData);
      this.proc.stderr.on('data', onData);
      this.proc.on('exit', (code) => {
        clearTimeout(timer);
        if (!this.endpoint) reject(new Error(`disyncd exited with ${code} before listening:\n${this.log}`));
      });
    });
  }

  async stop(signal = 'SIGTERM') {
    if (!this.proc) return null;
    this.proc.kill(signal);
    const status = await this.exited;
    this.proc = null;
    this.endpoint = undefined;
    return status;
  }

  cleanup() {
    try {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    } catch (e) {
      // best effort: a server killed just now may still hold a file open
    }
  }
}

// A tiny check runner: prints 'ok - name' / 'not ok - name: reason' and a
// closing 'N passed, M failed' line.
class Checks {
  constructor() { this.passed = 0; this.failed = 0; }
  async check(name, fn) {
    try {
      await fn();
      console.log(`ok - ${name}`);
      this.passed++;
    } catch (e) {
      console.log(`not ok - ${name}: ${String(e && e.stack || e).split('\n').slice(0, 3).join(' | ')}`);
      this.failed++;
    }
  }
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// Loads the pinned Alibaba Cloud clients installed by scripts/install-deps.sh.
// Exits 77 (CTest "skipped") when they are missing outside CI.
function requireClients() {
  const dir = process.env.DISYNC_SDK_HARNESS_DIR;
  try {
    const req = (name) => require(require.resolve(name, { paths: [dir || __dirname] }));
    return { RPCClient: req('@alicloud/pop-core').RPCClient, OpenApi: req('@alicloud/openapi-client') };
  } catch (e) {
    const msg = `SDK clients not found under DISYNC_SDK_HARNESS_DIR=${dir}: run scripts/install-deps.sh (${e.message})`;
    if (process.env.CI) { console.log(`not ok - ${msg}`); process.exit(1); }
    console.log(`# SKIP ${msg}`);
    process.exit(77);
  }
}

const VERSION = '2020-05-18';

// One way to call disyncd through a real client, whatever the flavour:
//   pop-get / pop-post  @alicloud/pop-core (signature v1)
//   oa3 / oa1           @alicloud/openapi-client (ACS3 / signature v1)
// Resolves to { ok, status, body, code } and never throws for API errors.
function makeCaller(flavour, endpoint, key) {
  const { RPCClient, OpenApi } = requireClients();
  const url = new URL(endpoint);
  if (flavour === 'pop-get' || flavour === 'pop-post') {
    const client = new RPCClient({ endpoint, apiVersion: VERSION, accessKeyId: key.id, accessKeySecret: key.secret },
      true /* verbose: also return the HTTP exchange */);
    const method = flavour === 'pop-get' ? 'GET' : 'POST';
    return async (action, params) => {
      try {
        const [body, entry] = await client.request(action, params, { method, formatParams: false, timeout: 30000 });
        return { ok: true, status: entry.response.statusCode, body };
      } catch (e) {
        return { ok: false, status: e.entry && e.entry.response && e.entry.response.statusCode, code: e.code, body: e.data };
      }
    };
  }
  const client = new OpenApi.default(new OpenApi.Config({
    accessKeyId: key.id, accessKeySecret: key.secret, endpoint: url.host, protocol: 'http',
    signatureAlgorithm: flavour === 'oa1' ? 'v2' : undefined, readTimeout: 30000, connectTimeout: 5000,
  }));
  return async (action, params, method = 'POST') => {
    const p = new OpenApi.Params({ action, version: VERSION, protocol: 'HTTP', pathname: '/', method,
      authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    try {
      const res = await client.callApi(p, new OpenApi.OpenApiRequest({ query: params }), {});
      return { ok: true, status: res.statusCode, body: res.body };
    } catch (e) {
      return { ok: false, status: e.statusCode, code: e.code, body: e.data };
    }
  };
}

// ACS3-HMAC-SHA256 signing written from rpc-protocol.md section 5, for tests
// that must forge exactly what they send. `body` is a string or a Buffer.
function percent(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function signV3(key, { action, query = {}, body = '', date = new Date(), nonce = crypto.randomBytes(16).toString('hex'), host }) {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const headers = {
    host,
    'x-acs-action': action,
    'x-acs-version': VERSION,
    'x-acs-date': iso,
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': crypto.createHash('sha256').update(body).digest('hex'),
  };
  if (body.length > 0) headers['content-type'] = 'application/x-www-form-urlencoded';
  const names = Object.keys(headers).sort();
  const cq = Object.keys(query).sort().map((k) => `${percent(k)}=${percent(query[k])}`).join('&');
  const canonical = ['POST', '/', cq, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), headers['x-acs-content-sha256']].join('\n');
  const sts = `ACS3-HMAC-SHA256\n${crypto.createHash('sha256').update(canonical).digest('hex')}`;
  const sig = crypto.createHmac('sha256', key.secret).update(sts).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${key.id},SignedHeaders=${names.join(';')},Signature=${sig}`;
  return { path: cq ? `/?${cq}` : '/', headers, body };
}

// A form body from { name: string | Buffer }, bytes percent-encoded as is.
function formBody(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    const bytes = Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    let out = '';
    for (const b of bytes) {
      const c = String.fromCharCode(b);
      out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    parts.push(`${percent(k)}=${out}`);
  }
  return Buffer.from(parts.join('&'));
}

// One request on a connection of its own (agent: false). Node's default agent
// keeps connections alive and reuses them; a test that blocks its event loop
// (execFileSync of `disyncd admin`) longer than the server's read deadline
// would send its next request on a connection the server already closed:
// "socket hang up" (attacks_test in CI, under ASan, with a 1 s deadline).
function sendSigned(endpoint, req) {
  const http = require('http');
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const r = http.request({ host: url.hostname, port: url.port, method: 'POST', path: req.path, agent: false, headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) } }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        let body;
        try { body = JSON.parse(data); } catch (e) { body = { raw: data }; }
        resolve({ status: res.statusCode, body });
      });
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

module.exports = { Disyncd, Checks, assert, requireClients, randomKey, parseArgs, makeCaller, signV3, formBody, sendSigned };
