#!/usr/bin/env node
'use strict';
// Attacks on the protocol, each refused with the documented Code while the
// server keeps serving a well-behaved client: a replayed nonce, expired and
// future timestamps, a tampered body under a valid ACS3 header, a signature
// made for another Action, a disabled key, a key of another workspace, an
// oversized body, slow headers (slowloris) and many connections at once.
//
// usage: node attacks_test.js --disyncd build/bin/disyncd
const net = require('net');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller, signV3, sendSigned: send } = require('./lib/disyncd');

function expect(res, status, code) {
  assert(res.status === status && res.body.Code === code, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret },
    args: ['--read-timeout-ms', '1000', '--max-body-bytes', '65536'] });
  const wsA = server.admin('create-project', '--name', 'att_a');
  const wsB = server.admin('create-project', '--name', 'att_b');
  server.admin('create-user', '--user-id', 'alice');
  server.admin('create-user', '--user-id', 'bob');
  const keyOf = (user) => {
    const out = server.admin('create-access-key', '--user-id', user);
    return { id: out.match(/DISYNC_ACCESS_KEY_ID=(\S+)/)[1], secret: out.match(/DISYNC_ACCESS_KEY_SECRET=(\S+)/)[1] };
  };
  const alice = keyOf('alice');
  const bob = keyOf('bob');
  server.admin('add-member', '--project', wsA, '--user-id', 'alice', '--role', 'role_project_admin');
  server.admin('add-member', '--project', wsB, '--user-id', 'bob', '--role', 'role_project_admin');
  const endpoint = await server.start();
  const host = new URL(endpoint).host;
  const checks = new Checks();
  const good = makeCaller('oa3', endpoint, alice);
  const stillServing = async () => {
    const res = await good('ListProjects', {});
    assert(res.ok, `the server stopped serving a well-behaved client: ${JSON.stringify(res.body)}`);
  };

  await checks.check('a replayed request is refused with SignatureNonceUsed', async () => {
    const req = signV3(alice, { action: 'ListProjects', host });
    assert((await send(endpoint, req)).status === 200, 'first send');
    expect(await send(endpoint, req), 400, 'SignatureNonceUsed');
    await stillServing();
  });
  await checks.check('expired and future timestamps are refused', async () => {
    expect(await send(endpoint, signV3(alice, { action: 'ListProjects', host, date: new Date(Date.now() - 16 * 60000) })), 400, 'InvalidTimeStamp.Expired');
    expect(await send(endpoint, signV3(alice, { action: 'ListProjects', host, date: new Date(Date.now() + 16 * 60000) })), 400, 'InvalidTimeStamp.Expired');
    await stillServing();
  });
  await checks.check('a tampered body under a valid ACS3 header is refused', async () => {
    const req = signV3(alice, { action: 'GetProject', host, body: `ProjectId=${wsA}` });
    req.body = `ProjectId=${wsB}`;
    expect(await send(endpoint, req), 400, 'SignatureDoesNotMatch');
    await stillServing();
  });
  await checks.check('a signature made for another Action is refused', async () => {
    const req = signV3(alice, { action: 'ListProjects', host });
    req.headers['x-acs-action'] = 'CreateProject';
    expect(await send(endpoint, req), 400, 'SignatureDoesNotMatch');
    await stillServing();
  });
  await checks.check('a disabled key is refused, and works again once enabled', async () => {
    const carol = (server.admin('create-user', '--user-id', 'carol'), keyOf('carol'));
    server.admin('disable-access-key', carol.id);
    expect(await send(endpoint, signV3(carol, { action: 'ListProjects', host })), 400, 'InvalidAccessKeyId.Inactive');
    server.admin('enable-access-key', carol.id);
    assert((await send(endpoint, signV3(carol, { action: 'ListProjects', host }))).status === 200, 'enabled key');
  });
  await checks.check('a key of another workspace is refused', async () => {
    const res = await send(endpoint, signV3(bob, { action: 'ListDataSources', host, query: { ProjectId: wsA } }));
    expect(res, 403, 'Forbidden.DI.NoPrivilege');
    expect(await send(endpoint, signV3(bob, { action: 'GetProject', host, query: { ProjectId: wsA } })), 400, 'Invalid.Tenant.ProjectNotExists');
    await stillServing();
  });
  await checks.check('an oversized body gets 413 with a JSON error', async () => {
    const req = signV3(alice, { action: 'ListProjects', host, body: `Pad=${'x'.repeat(200000)}` });
    const res = await send(endpoint, req).catch((e) => ({ status: 'reset', body: { Code: e.code } }));
    assert(res.status === 413 && res.body.Code === 'InvalidParameter', `got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    await stillServing();
  });
  await checks.check('slow headers are cut off at the read deadline; others are served meanwhile', async () => {
    const url = new URL(endpoint);
    const slow = [];
    for (let i = 0; i < 20; i++) {
      const s = net.connect(Number(url.port), url.hostname);
      s.on('error', () => {});
      s.write('POST / HTTP/1.1\r\nHost: x\r\n');  // never ends its headers
      slow.push(new Promise((resolve) => s.on('close', () => resolve(Date.now()))));
    }
    await stillServing();
    const closedAt = await Promise.race([Promise.all(slow), new Promise((r) => setTimeout(() => r(null), 15000))]);
    assert(closedAt !== null, 'slow connections were not closed within 15 s (deadline 1 s)');
  });
  await checks.check('many connections at once are all answered', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, () => send(endpoint, signV3(alice, { action: 'ListProjects', host }))));
    const ok = results.filter((r) => r.status === 200).length;
    assert(ok === 200, `${ok} of 200 answered 200: ${JSON.stringify(results.find((r) => r.status !== 200))}`);
    await stillServing();
  });
  await checks.check('the server stops cleanly after all of it', async () => {
    const st = await server.stop();
    assert(st.code === 0, `exit ${JSON.stringify(st)}`);
  });
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
