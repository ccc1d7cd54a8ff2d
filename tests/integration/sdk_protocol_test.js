#!/usr/bin/env node
'use strict';
// The protocol through the real Alibaba Cloud clients (the pinned versions of
// ../shared/sdk-harness): disyncd on port 0, ListProjects and GetProject with
// pop-core v1 (GET and POST) and openapi-client (ACS3 and v1); a wrong
// secret, a replayed request and an unknown Action are refused with the
// documented Code and HTTP status; SIGTERM stops the server with status 0.
//
// usage: node sdk_protocol_test.js --disyncd build/bin/disyncd
const http = require('http');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller } = require('./lib/disyncd');

// Records the last request a client sends (method, path, headers, body) so
// that it can be sent again byte for byte.
function recordRequests() {
  const original = http.request;
  const recorded = [];
  http.request = function patched(...args) {
    const req = original.apply(this, args);
    const opts = typeof args[0] === 'object' && !(args[0] instanceof URL) ? args[0] : args[1] || {};
    const entry = { options: { ...opts }, chunks: [] };
    const write = req.write.bind(req);
    const end = req.end.bind(req);
    req.write = (chunk, ...rest) => { if (chunk) entry.chunks.push(Buffer.from(chunk)); return write(chunk, ...rest); };
    req.end = (chunk, ...rest) => {
      if (chunk && typeof chunk !== 'function') entry.chunks.push(Buffer.from(chunk));
      entry.headers = req.getHeaders();
      entry.path = req.path;
      entry.method = req.method;
      recorded.push(entry);
      return end(chunk, ...rest);
    };
    return req;
  };
  return { recorded, restore: () => { http.request = original; } };
}

function replay(endpoint, entry) {
  const url = new URL(endpoint);
  const body = Buffer.concat(entry.chunks);
  return new Promise((resolve, reject) => {
    const headers = { ...entry.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = body.length;
    const req = http.request({ host: url.hostname, port: url.port, method: entry.method, path: entry.path, headers }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  assert(args.disyncd, 'usage: --disyncd PATH');
  const key = randomKey();
  const server = new Disyncd(args.disyncd, {
    env: { DISYNC_ROOT_ACCESS_KEY_ID: key.id, DISYNC_ROOT_ACCESS_KEY_SECRET: key.secret },
  });
  const projectId = Number(server.admin('create-project', '--name', 'sdk_ws', '--mode', '3'));
  const endpoint = await server.start();
  const checks = new Checks();
  const flavours = ['pop-get', 'pop-post', 'oa3', 'oa1'];

  for (const flavour of flavours) {
    const call = makeCaller(flavour, endpoint, key);
    await checks.check(`[${flavour}] ListProjects sees the workspace`, async () => {
      const res = await call('ListProjects', { PageSize: '100' });
      assert(res.ok && res.status === 200, `HTTP ${res.status} ${JSON.stringify(res.body)}`);
      assert(typeof res.body.RequestId === 'string' && res.body.RequestId.length > 0, 'no RequestId');
      assert(res.body.Code === undefined, 'a success body must not carry a top-level Code');
      const page = res.body.PageResult;
      assert(page && page.PageNumber === 1 && page.PageSize === 100 && Number.isInteger(page.TotalCount), `PageResult ${JSON.stringify(page)}`);
      const ws = page.ProjectList.find((p) => p.ProjectIdentifier === 'sdk_ws');
      assert(ws, `sdk_ws not in ${JSON.stringify(page.ProjectList)}`);
      assert(ws.ProjectId === projectId, `ProjectId ${ws.ProjectId} !== ${projectId}`);
      assert(ws.ProjectStatus === 0 && ws.ProjectStatusCode === 'AVAILABLE', 'status fields');
      assert(typeof ws.ProjectOwnerBaseId === 'string', 'ProjectOwnerBaseId must be a string');
      assert(typeof ws.DisableDevelopment === 'boolean' && Array.isArray(ws.Tags), 'field types');
    });
    await checks.check(`[${flavour}] GetProject returns the model's types`, async () => {
      const res = await call('GetProject', { ProjectId: String(projectId) });
      assert(res.ok && res.status === 200, `HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const d = res.body.Data;
      assert(res.body.Success === true && res.body.HttpStatusCode === 200, 'Success/HttpStatusCode');
      assert(d.ProjectId === projectId && d.ProjectIdentifier === 'sdk_ws', JSON.stringify(d));
      assert(d.ProjectMode === 3 && JSON.stringify(d.EnvTypes) === '["DEV","PROD"]', 'mode/env');
      assert(/^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/.test(d.GmtCreate), `GmtCreate ${d.GmtCreate}`);
      assert(Number.isInteger(d.TenantId) && typeof d.Appkey === 'string', 'TenantId/Appkey types');
    });
    await checks.check(`[${flavour}] a wrong secret gets 400 SignatureDoesNotMatch`, async () => {
      const bad = makeCaller(flavour, endpoint, { id: key.id, secret: `${key.secret}x` });
      const res = await bad('ListProjects', {});
      assert(!res.ok && res.status === 400, `HTTP ${res.status}`);
      assert(res.body.Code === 'SignatureDoesNotMatch' && res.code === 'SignatureDoesNotMatch', `Code ${res.body.Code}/${res.code}`);
      assert(res.body.Message.includes('server string to sign is:'), `Message ${res.body.Message}`);
      assert(typeof res.body.RequestId === 'string' && typeof res.body.HostId === 'string' && typeof res.body.Recommend === 'string', 'error body fields');
    });
    await checks.check(`[${flavour}] an unknown Action gets 404 InvalidAction.NotFound`, async () => {
      const res = await call('NoSuchAction', {});
      assert(!res.ok && res.status === 404 && res.body.Code === 'InvalidAction.NotFound', `HTTP ${res.status} ${JSON.stringify(res.body)}`);
    });
    await checks.check(`[${flavour}] an unknown AccessKeyId gets 404 InvalidAccessKeyId.NotFound`, async () => {
      const other = makeCaller(flavour, endpoint, { id: 'LTAInosuchkey', secret: key.secret });
      const res = await other('ListProjects', {});
      assert(!res.ok && res.status === 404 && res.body.Code === 'InvalidAccessKeyId.NotFound', `HTTP ${res.status} ${JSON.stringify(res.body)}`);
    });
    await checks.check(`[${flavour}] a replayed request gets 400 SignatureNonceUsed`, async () => {
      const rec = recordRequests();
      let first;
      try { first = await call('ListProjects', {}); } finally { rec.restore(); }
      assert(first.ok, `first call failed: ${JSON.stringify(first.body)}`);
      const again = await replay(endpoint, rec.recorded[rec.recorded.length - 1]);
      assert(again.status === 400 && again.body.Code === 'SignatureNonceUsed', `replay: HTTP ${again.status} ${JSON.stringify(again.body)}`);
    });
  }

  // Nonces stay refused across restarts: restored after a clean stop, and
  // refused by the heartbeat floor after a crash.
  const oa3 = () => makeCaller('oa3', server.endpoint, key);
  const recordOne = async () => {
    const rec = recordRequests();
    try {
      const res = await oa3()('ListProjects', {});
      assert(res.ok, `call failed: ${JSON.stringify(res.body)}`);
    } finally { rec.restore(); }
    return rec.recorded[rec.recorded.length - 1];
  };
  await checks.check('SIGTERM stops disyncd with exit status 0', async () => {
    server.recordedBeforeStop = await recordOne();
    const status = await server.stop('SIGTERM');
    assert(status.code === 0, `exit ${JSON.stringify(status)}\n${server.log}`);
  });
  await checks.check('a nonce seen before a clean restart is still refused', async () => {
    await server.start();
    const again = await replay(server.endpoint, server.recordedBeforeStop);
    assert(again.status === 400 && again.body.Code === 'SignatureNonceUsed', `HTTP ${again.status} ${JSON.stringify(again.body)}`);
    const fresh = await oa3()('ListProjects', {});
    assert(fresh.ok, `a fresh request after a clean restart failed: ${JSON.stringify(fresh.body)}`);
  });
  await checks.check('a nonce seen before kill -9 is still refused, fresh requests pass', async () => {
    const before = await recordOne();
    await server.stop('SIGKILL');
    await server.start();
    const again = await replay(server.endpoint, before);
    assert(again.status === 400 && again.body.Code === 'SignatureNonceUsed', `HTTP ${again.status} ${JSON.stringify(again.body)}`);
    // Requests stamped up to one heartbeat after the crash are refused; poll
    // with a deadline until the clock has passed that floor.
    const deadline = Date.now() + 10000;
    let res;
    do { res = await oa3()('ListProjects', {}); } while (!res.ok && res.body && res.body.Code === 'SignatureNonceUsed' && Date.now() < deadline);
    assert(res.ok, `fresh request after the crash: ${JSON.stringify(res.body)}`);
  });
  await checks.check('the workspace survives kill -9', async () => {
    const res = await oa3()('GetProject', { ProjectId: String(projectId) });
    assert(res.ok && res.body.Data.ProjectIdentifier === 'sdk_ws', JSON.stringify(res.body));
    const status = await server.stop('SIGTERM');
    assert(status.code === 0, `exit ${JSON.stringify(status)}`);
  });
  await checks.check('the log holds no secret', async () => {
    assert(!server.log.includes(key.secret), 'the root secret appears in the log');
  });
  server.cleanup();

  // Without the environment variables a new store gets a generated root
  // key, written to DATA_DIR/root-credentials (0600); only the path is logged.
  const fresh = new Disyncd(args.disyncd);
  await checks.check('a new store writes root-credentials (0600) and the key works', async () => {
    const ep = await fresh.start();
    const file = require('path').join(fresh.dataDir, 'root-credentials');
    const mode = require('fs').statSync(file).mode & 0o777;
    assert(mode === 0o600, `mode ${mode.toString(8)}`);
    const text = require('fs').readFileSync(file, 'utf8');
    const id = text.match(/DISYNC_ACCESS_KEY_ID=(\S+)/)[1];
    const secret = text.match(/DISYNC_ACCESS_KEY_SECRET=(\S+)/)[1];
    assert(fresh.log.includes(file), 'the log names the file');
    assert(!fresh.log.includes(secret), 'the log must not contain the secret');
    const res = await makeCaller('oa3', ep, { id, secret })('ListProjects', {});
    assert(res.ok, JSON.stringify(res.body));
    await fresh.stop();
    await fresh.start();
    assert(require('fs').readFileSync(file, 'utf8') === text, 'a restart keeps the same root key');
    const again = await makeCaller('oa1', fresh.endpoint, { id, secret })('ListProjects', {});
    assert(again.ok, JSON.stringify(again.body));
    await fresh.stop();
  });
  fresh.cleanup();

  // --log-format json: every line is one JSON object; the request line
  // carries RequestId, Action, AccessKeyId, status and latency, no secret.
  const jsonLogged = new Disyncd(args.disyncd, {
    env: { DISYNC_ROOT_ACCESS_KEY_ID: key.id, DISYNC_ROOT_ACCESS_KEY_SECRET: key.secret },
    args: ['--log-format', 'json'],
  });
  await checks.check('--log-format json writes one JSON object per line', async () => {
    const ep = await jsonLogged.start();
    const res = await makeCaller('oa3', ep, key)('ListProjects', {});
    assert(res.ok, JSON.stringify(res.body));
    await jsonLogged.stop();
    const lines = jsonLogged.log.split('\n').filter((l) => l.trim() !== '');
    const parsed = lines.map((l) => { try { return JSON.parse(l); } catch (e) { throw new Error(`not JSON: ${l}`); } });
    assert(parsed.every((j) => typeof j.ts === 'string' && typeof j.level === 'string' && typeof j.msg === 'string'), 'ts/level/msg');
    const request = parsed.find((j) => j.msg === 'request' && j.action === 'ListProjects');
    assert(request && request.request_id === res.body.RequestId && request.access_key_id === key.id &&
      request.status === '200' && !Number.isNaN(Number(request.latency_ms)), JSON.stringify(request));
    assert(parsed.some((j) => /^listening on http:\/\//.test(j.msg)), 'the listening line');
    assert(!jsonLogged.log.includes(key.secret), 'a secret in the log');
  });
  jsonLogged.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
