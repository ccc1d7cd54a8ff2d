#!/usr/bin/env node
'use strict';
// The `disync` command line end to end: the real binary against a disyncd on
// port 0 whose MySQL data sources point at the test MariaDB.
//
// - configure: the config file under $HOME (mode 0600), profile selection,
//   the DISYNC_* environment over the current profile, --profile over both;
// - datasource add mysql --password-stdin (the password is never printed),
//   datasource list (masked), datasource test;
// - validate: offline, every problem with its JSON Pointer, exit 0 / 1;
// - sync generate --wait (plain progress lines when stderr is not a
//   terminal, a redrawn bar with --progress bar), then sync create, get and
//   delete with the generated TaskContent;
// - dataworks-public passthrough with ACS3 and with --signature v1;
// - --output table, --quiet, bash completion;
// - exit codes: 1 failed outcome, 2 API error (bad key, bad script),
//   3 server down, 64 usage, 66 unreadable input, 78 no profile.
//
// usage: node cli_test.js --disync build/bin/disync --disyncd build/bin/disyncd
const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { Disyncd, Checks, assert, randomKey, parseArgs } = require('./lib/disyncd');

const env = process.env;
if (!env.DISYNC_TEST_MYSQL_HOST) {
  const msg = 'DISYNC_TEST_MYSQL_* are not set: run through scripts/run-tests.sh '
    + '(or: scripts/test-services.sh start DIR && . DIR/env)';
  if (env.CI) { console.log(`not ok - ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }
  console.log(`# SKIP ${msg}`);
  process.exit(77);
}
const MY = { host: env.DISYNC_TEST_MYSQL_HOST, port: env.DISYNC_TEST_MYSQL_PORT, user: env.DISYNC_TEST_MYSQL_USER, password: env.DISYNC_TEST_MYSQL_PASSWORD };
const DB = `disync_cli_${crypto.randomBytes(4).toString('hex')}`;
const RG = 'S_res_group_demo';
const TABLES = ['orders', 'customers', 'items', 'events'];

function mysql(sql) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, '-e', sql],
    { env: { ...process.env, MYSQL_PWD: MY.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function script(taskType, writerType, writer, tables, extra = {}) {
  return JSON.stringify({
    type: 'realtime', version: '1.0',
    setting: { resourceGroup: RG, taskType, ...(extra.setting || {}) },
    steps: [
      { stepType: 'mysql', name: 'Reader', category: 'reader',
        parameter: { connection: [{ datasourceType: 'mysql', datasource: extra.source || 'mysql_src',
          selectedTables: [{ dbName: DB, schema: [{ tableInfos: tables.map((t) => ({ table: t })) }] }] }] } },
      { stepType: writerType, name: 'Writer', category: 'writer', parameter: { datasource: writer } },
    ],
  }, null, 2);
}

async function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const bin = args.disync;
  assert(bin && fs.existsSync(bin), `--disync ${bin}: no such binary`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'disync-cli-'));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home);

  // The CLI's environment: a private HOME, none of the caller's DISYNC_* or
  // XDG_CONFIG_HOME.
  const baseEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('DISYNC_') && k !== 'XDG_CONFIG_HOME') baseEnv[k] = v;
  }
  baseEnv.HOME = home;

  // Runs disync; resolves to { code, stdout, stderr }. Pipes, never a tty.
  const run = (argv, { extraEnv = {}, input, cliHome } = {}) => new Promise((resolve, reject) => {
    const child = spawn(bin, argv, {
      env: { ...baseEnv, ...(cliHome ? { HOME: cliHome } : {}), ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`disync ${argv.join(' ')}: no exit within 120 s`)); }, 120000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(input === undefined ? '' : input);
  });
  const show = (r) => `exit ${r.code}\nstdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 1500)}`;
  const expectExit = (r, code) => assert(r.code === code, `expected exit ${code}, got ${show(r)}`);

  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const project = Number(server.admin('create-project', '--name', 'cli_ws'));
  server.admin('create-user', '--user-id', 'cli_user');
  const keyText = server.admin('create-access-key', '--user-id', 'cli_user');
  const key = {
    id: keyText.match(/DISYNC_ACCESS_KEY_ID=(\S+)/)[1],
    secret: keyText.match(/DISYNC_ACCESS_KEY_SECRET=(\S+)/)[1],
  };
  server.admin('add-member', '--project', String(project), '--user-id', 'cli_user', '--role', 'role_project_admin');
  server.admin('create-resource-group', '--identifier', RG);
  const endpoint = await server.start();
  const checks = new Checks();
  const P = String(project);

  mysql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    ${TABLES.map((t) => `CREATE TABLE ${DB}.${t} (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64), at DATETIME);`).join('\n')}`);
  const downPort = await closedPort();

  try {
    const configFile = path.join(home, '.config', 'disync', 'config.json');

    await checks.check('configure writes the profile to ~/.config/disync/config.json with mode 0600', async () => {
      let r = await run(['configure', '--profile', 'stale', '--access-key-id', key.id, '--access-key-secret', 'not-the-secret', '--endpoint', endpoint]);
      expectExit(r, 0);
      r = await run(['configure', '--profile', 'it', '--access-key-id', key.id, '--access-key-secret', key.secret, '--endpoint', endpoint.replace('http://', '')]);
      expectExit(r, 0);
      assert(r.stderr.includes(configFile), `the note names the file: ${show(r)}`);
      const st = fs.statSync(configFile);
      assert((st.mode & 0o777) === 0o600, `file mode ${(st.mode & 0o777).toString(8)}`);
      assert((fs.statSync(path.dirname(configFile)).mode & 0o777) === 0o700, 'directory mode');
      const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
      assert(config.current === 'it', `current ${config.current}`);
      assert(config.profiles.it.endpoint === endpoint && config.profiles.it.access_key_id === key.id, JSON.stringify(config.profiles.it));
      assert(fs.readdirSync(path.dirname(configFile)).length === 1, `leftovers: ${fs.readdirSync(path.dirname(configFile))}`);
      const list = await run(['configure', 'list']);
      expectExit(list, 0);
      assert(/\bit\s+\*/.test(list.stdout) && list.stdout.includes('stale'), show(list));
      assert(!list.stdout.includes(key.secret) && !list.stdout.includes('not-the-secret'), 'configure list shows a secret');
    });

    await checks.check('configure honours XDG_CONFIG_HOME', async () => {
      const xdg = path.join(tmp, 'xdg');
      const r = await run(['configure', '--access-key-id', 'a', '--access-key-secret', 'b', '--endpoint', endpoint], { extraEnv: { XDG_CONFIG_HOME: xdg } });
      expectExit(r, 0);
      assert((fs.statSync(path.join(xdg, 'disync', 'config.json')).mode & 0o777) === 0o600, 'mode under XDG_CONFIG_HOME');
    });

    await checks.check('the current profile is used; --profile selects another (bad secret: exit 2, SignatureDoesNotMatch)', async () => {
      let r = await run(['dataworks-public', 'ListProjects']);
      expectExit(r, 0);
      assert(JSON.parse(r.stdout).PageResult.ProjectList.some((p) => p.ProjectId === project), show(r));
      r = await run(['--profile', 'stale', 'dataworks-public', 'ListProjects']);
      expectExit(r, 2);
      assert(/SignatureDoesNotMatch: /.test(r.stderr) && r.stdout === '', show(r));
      r = await run(['dataworks-public', 'ListProjects', '--profile', 'nosuch']);
      expectExit(r, 78);
      assert(r.stderr.includes('no profile "nosuch"'), show(r));
    });

    await checks.check('DISYNC_* override the current profile; --profile overrides them', async () => {
      let r = await run(['dataworks-public', 'ListProjects'], { extraEnv: { DISYNC_ACCESS_KEY_SECRET: 'wrong' } });
      expectExit(r, 2);
      assert(r.stderr.includes('SignatureDoesNotMatch'), show(r));
      r = await run(['dataworks-public', 'ListProjects'], { extraEnv: { DISYNC_ACCESS_KEY_ID: 'LTAInosuchkey0000' } });
      expectExit(r, 2);
      assert(r.stderr.includes('InvalidAccessKeyId.NotFound'), show(r));
      r = await run(['dataworks-public', 'ListProjects'], { extraEnv: { DISYNC_ENDPOINT: `http://127.0.0.1:${downPort}` } });
      expectExit(r, 3);
      r = await run(['--profile', 'it', 'dataworks-public', 'ListProjects'], { extraEnv: { DISYNC_ACCESS_KEY_SECRET: 'wrong' } });
      expectExit(r, 0);
      // The environment alone, without any config file.
      const empty = fs.mkdtempSync(path.join(tmp, 'h-'));
      r = await run(['dataworks-public', 'ListProjects'], { cliHome: empty, extraEnv: { DISYNC_ACCESS_KEY_ID: key.id, DISYNC_ACCESS_KEY_SECRET: key.secret, DISYNC_ENDPOINT: endpoint } });
      expectExit(r, 0);
    });

    await checks.check('no profile and no environment: exit 78 saying how to configure', async () => {
      const r = await run(['dataworks-public', 'ListProjects'], { cliHome: fs.mkdtempSync(path.join(tmp, 'h-')) });
      expectExit(r, 78);
      assert(r.stderr.includes('disync configure'), show(r));
    });

    await checks.check('dataworks-public: ACS3 (default) and --signature v1, pretty JSON', async () => {
      for (const extra of [[], ['--signature', 'v1']]) {
        const r = await run(['dataworks-public', 'ListProjects', '--PageSize', '10', ...extra]);
        expectExit(r, 0);
        assert(r.stdout.startsWith('{\n  "'), `not pretty-printed: ${show(r)}`);
        assert(JSON.parse(r.stdout).PageResult.ProjectList.length >= 1, show(r));
      }
      // A writer data source through the passthrough: v1 with a form body, --Name=value too.
      const content = JSON.stringify({ endpoint: 'http://service.odps.aliyun.com/api', project: 'p', accessId: 'a', accessKey: 'odps-secret-key' });
      const r = await run(['dataworks-public', 'CreateDataSource', '--ProjectId', P, '--Name=odps_dst', '--DataSourceType', 'odps',
        '--EnvType', '1', '--Content', content, '--signature', 'v1']);
      expectExit(r, 0);
      assert(Number.isInteger(JSON.parse(r.stdout).Data), show(r));
      const get = await run(['dataworks-public', 'ListDataSources', '--ProjectId', P, '--method', 'GET']);
      expectExit(get, 0);
      assert(JSON.parse(get.stdout).Data.DataSources.some((d) => d.Name === 'odps_dst'), show(get));
      const bad = await run(['dataworks-public', 'NoSuchAction']);
      expectExit(bad, 2);
      assert(bad.stderr.includes('InvalidAction.NotFound'), show(bad));
    });

    await checks.check('--output table renders the response as a table', async () => {
      const r = await run(['--output', 'table', 'dataworks-public', 'ListProjects']);
      expectExit(r, 0);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      assert(/\bProjectId\b/.test(header) && /\bProjectIdentifier\b/.test(header), show(r));
      assert(rows.some((row) => row.includes('cli_ws') && row.includes(P)), show(r));
      assert(!r.stdout.includes('{'), `not a table: ${show(r)}`);
    });

    const jdbc = (port = MY.port) => `jdbc:mysql://${MY.host}:${port}/${DB}`;
    await checks.check('datasource add mysql --password-stdin: the password is never echoed or printed', async () => {
      const r = await run(['datasource', 'add', 'mysql', '--project', P, '--name', 'mysql_src', '--jdbc-url', jdbc(),
        '--username', MY.user, '--password-stdin'], { input: `${MY.password}\n` });
      expectExit(r, 0);
      assert(Number.isInteger(JSON.parse(r.stdout).Data), show(r));
      assert(!r.stdout.includes(MY.password) && !r.stderr.includes(MY.password), 'the password was printed');
      const q = await run(['datasource', 'add', 'mysql', '--project', P, '--name', 'mysql_down', '--jdbc-url', jdbc(downPort),
        '--username', MY.user, '--password-stdin', '--quiet'], { input: MY.password });
      expectExit(q, 0);
      assert(/^\d+\n$/.test(q.stdout) && q.stderr === '', `--quiet prints the Id alone: ${show(q)}`);
    });

    await checks.check('datasource list masks the password (json and table)', async () => {
      const r = await run(['datasource', 'list', '--project', P]);
      expectExit(r, 0);
      const sources = JSON.parse(r.stdout).Data.DataSources;
      const src = sources.find((d) => d.Name === 'mysql_src');
      assert(src && JSON.parse(src.Content).password === '***', show(r));
      assert(!r.stdout.includes(MY.password) && !r.stdout.includes('odps-secret-key'), 'a secret is listed');
      const t = await run(['datasource', 'list', '--project', P, '--output', 'table']);
      expectExit(t, 0);
      assert(/^ID\s+NAME\s+TYPE\s+ENV\s+STATUS\s+CONTENT$/m.test(t.stdout), show(t));
      assert(/mysql_src\s+mysql\s+prod/.test(t.stdout) && t.stdout.includes('***'), show(t));
      assert(!t.stdout.includes(MY.password) && !t.stdout.includes('odps-secret-key'), 'a secret is listed');
      const names = await run(['datasource', 'list', '--project', P, '--quiet']);
      assert(names.stdout.split('\n').includes('mysql_src'), show(names));
    });

    await checks.check('datasource test: reachable exits 0, unreachable exits 1 with the reason', async () => {
      let r = await run(['datasource', 'test', '--project', P, '--name', 'mysql_src']);
      expectExit(r, 0);
      assert(JSON.parse(r.stdout).TaskList.ConnectStatus === true, show(r));
      assert(r.stderr.includes(RG), `names the resource group it picked: ${show(r)}`);
      r = await run(['datasource', 'test', '--project', P, '--name', 'mysql_down', '--resource-group', RG, '--output', 'table']);
      expectExit(r, 1);
      assert(/ConnectStatus\s+false/.test(r.stdout) && r.stderr.includes('mysql_down is not reachable'), show(r));
    });

    const goodFile = path.join(tmp, 'script.json');
    fs.writeFileSync(goodFile, script('oneclick_to_odps', 'odps', 'odps_dst', TABLES));
    const bad = JSON.parse(script('oneclick_to_holo', 'odps', 'odps_dst', ['orders', 'orders', 'x'.repeat(65)]));
    delete bad.setting.resourceGroup;
    bad.steps[0].parameter.connection[0].datasourceType = 'oracle';
    const badFile = path.join(tmp, 'bad.json');
    fs.writeFileSync(badFile, JSON.stringify(bad));
    const badPointers = ['/setting/resourceGroup', '/setting/taskType',
      '/steps/0/parameter/connection/0/datasourceType',
      '/steps/0/parameter/connection/0/selectedTables/0/schema/0/tableInfos/1/table',
      '/steps/0/parameter/connection/0/selectedTables/0/schema/0/tableInfos/2/table'];

    await checks.check('validate: a good script exits 0 and says the check was offline', async () => {
      const r = await run(['validate', goodFile]);
      expectExit(r, 0);
      assert(r.stdout.includes(`${goodFile}: valid`) && /offline check/.test(r.stdout), show(r));
      // Names are not looked up offline: unknown ones are fine.
      const other = path.join(tmp, 'unknown-names.json');
      fs.writeFileSync(other, script('oneclick_to_kafka', 'kafka', 'no_such_kafka', ['t1'], { source: 'no_such_mysql', setting: { resourceGroup: 'S_res_group_nowhere' } }));
      expectExit(await run(['validate', other]), 0);
      const q = await run(['validate', goodFile, '--quiet']);
      expectExit(q, 0);
      assert(q.stdout === '', show(q));
    });

    await checks.check('validate: a bad script exits 1 listing every problem with its JSON Pointer', async () => {
      const r = await run(['validate', badFile]);
      expectExit(r, 1);
      const lines = r.stdout.split('\n');
      assert(/^POINTER\s+CODE\s+MESSAGE$/.test(lines[0]), show(r));
      for (const p of badPointers) assert(lines.some((l) => l.startsWith(`${p} `)), `${p} missing: ${show(r)}`);
      assert(/\d+ problems/.test(r.stdout), show(r));
      const j = await run(['validate', badFile, '--output', 'json']);
      expectExit(j, 1);
      const doc = JSON.parse(j.stdout);
      assert(doc.valid === false && doc.offline === true, show(j));
      for (const p of badPointers) assert(doc.problems.some((x) => x.pointer === p && x.code), `${p} missing in JSON`);
      assert(doc.problems.some((x) => x.code === 'task_type_mismatch') && doc.problems.some((x) => x.code === 'duplicate')
        && doc.problems.some((x) => x.code === 'invalid_identifier'), JSON.stringify(doc.problems));
      const notJson = path.join(tmp, 'not.json');
      fs.writeFileSync(notJson, '{"type": ');
      const nj = await run(['validate', notJson]);
      expectExit(nj, 1);
      assert(/invalid_json/.test(nj.stdout), show(nj));
    });

    let taskContent;
    await checks.check('sync generate --wait: plain progress lines on stderr (not a terminal), TaskContent on stdout', async () => {
      const r = await run(['sync', 'generate', '--project', P, '--file', goodFile, '--wait', '--poll-interval-ms', '50']);
      expectExit(r, 0);
      const content = JSON.parse(r.stdout);
      assert(content.type === 'job' && content.extend.mode === 'migration_odps', show(r));
      assert(content.steps[1].parameter.tableMappingRule.totalTableMapping === TABLES.length, 'totalTableMapping');
      taskContent = r.stdout;
      const lines = r.stderr.trimEnd().split('\n');
      assert(!r.stderr.includes('\r') && !r.stderr.includes('\x1b'), `terminal codes on a pipe: ${JSON.stringify(r.stderr)}`);
      assert(/^generation \d+: success after \d+(\.\d)?s$/.test(lines[lines.length - 1]), show(r));
      for (const l of lines.slice(0, -1)) {
        assert(/^generation \d+: (queued|running|discovering \d+\/\d+ tables) \(\d+\.\ds\)$/.test(l), `progress line ${JSON.stringify(l)}`);
      }
    });

    await checks.check('sync generate --wait --progress bar redraws one line with the bar', async () => {
      const r = await run(['sync', 'generate', '--project', P, '--file', goodFile, '--wait', '--progress', 'bar', '--poll-interval-ms', '50']);
      expectExit(r, 0);
      assert(r.stderr.includes('\r\x1b[K') && /\r\x1b\[Kgeneration \d+: success after/.test(r.stderr), JSON.stringify(r.stderr));
      assert(r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2, `one line: ${JSON.stringify(r.stderr)}`);
    });

    await checks.check('sync generate without --wait prints the ProcessId; --quiet prints it alone', async () => {
      let r = await run(['sync', 'generate', '--project', P, '--file', goodFile]);
      expectExit(r, 0);
      assert(Number.isInteger(JSON.parse(r.stdout).Data.ProcessId), show(r));
      r = await run(['sync', 'generate', '--project', P, '--file', '-', '--quiet'], { input: fs.readFileSync(goodFile) });
      expectExit(r, 0);
      assert(/^\d+\n$/.test(r.stdout) && r.stderr === '', show(r));
      const t = await run(['sync', 'generate', '--project', P, '--file', goodFile, '--output', 'table']);
      assert(/^KEY\s+VALUE$/m.test(t.stdout) && /^ProcessId\s+\d+$/m.test(t.stdout), show(t));
    });

    await checks.check('sync generate --wait: a failed generation prints the reason and exits 1', async () => {
      const file = path.join(tmp, 'down.json');
      fs.writeFileSync(file, script('oneclick_to_odps', 'odps', 'odps_dst', ['orders'], { source: 'mysql_down' }));
      const r = await run(['sync', 'generate', '--project', P, '--file', file, '--wait', '--quiet', '--poll-interval-ms', '50']);
      expectExit(r, 1);
      assert(r.stdout === '' && /generation \d+ failed: .*mysql_down/.test(r.stderr), show(r));
    });

    await checks.check('bad script: sync generate exits 2 with Invalid.DI.Parameter and the pointers', async () => {
      const r = await run(['sync', 'generate', '--project', P, '--file', badFile, '--wait']);
      expectExit(r, 2);
      assert(r.stderr.includes('Invalid.DI.Parameter: ') && r.stderr.includes('/setting/taskType'), show(r));
    });

    let fileId;
    const contentFile = path.join(tmp, 'task-content.json');
    await checks.check('sync create: the generated TaskContent becomes a task with a FileId', async () => {
      assert(taskContent, 'no TaskContent from sync generate');
      fs.writeFileSync(contentFile, taskContent);
      const r = await run(['sync', 'create', '--project', P, '--name', 'cli_task', '--folder', 'demo', '--content-file', contentFile]);
      expectExit(r, 0);
      const body = JSON.parse(r.stdout);
      assert(body.Data.Status === 'success' && Number.isInteger(body.Data.FileId), show(r));
      fileId = body.Data.FileId;
      const again = await run(['sync', 'create', '--project', P, '--name', 'cli_task_2', '--folder', 'Business Flow/demo/Data Integration',
        '--content-file', contentFile, '--resource-group', RG, '--quiet']);
      expectExit(again, 0);
      assert(/^\d+\n$/.test(again.stdout), show(again));
      const badFolder = await run(['sync', 'create', '--project', P, '--name', 'cli_task_3', '--folder', 'Elsewhere/x', '--content-file', contentFile]);
      assert(badFolder.code === 1 && badFolder.stderr.includes('CreateDISyncTask failed: '), show(badFolder));
    });

    await checks.check('sync get shows the task; --quiet prints its script', async () => {
      assert(fileId, 'no FileId from sync create');
      const r = await run(['sync', 'get', '--project', P, '--file-id', String(fileId)]);
      expectExit(r, 0);
      const body = JSON.parse(r.stdout);
      assert(body.Data.Status === 'success' && typeof body.Data.Code === 'string' && JSON.parse(body.Data.Code), show(r));
      const q = await run(['sync', 'get', '--project', P, '--file-id', String(fileId), '--quiet']);
      expectExit(q, 0);
      assert(JSON.parse(q.stdout) && q.stdout === `${body.Data.Code}\n`.replace(/\n\n$/, '\n'), show(q));
    });

    await checks.check('sync delete removes the task; get then fails with exit 1', async () => {
      assert(fileId, 'no FileId from sync create');
      const r = await run(['sync', 'delete', '--project', P, '--file-id', String(fileId)]);
      expectExit(r, 0);
      const g = await run(['sync', 'get', '--project', P, '--file-id', String(fileId)]);
      expectExit(g, 1);
      assert(g.stderr.includes('GetDISyncTask failed: '), show(g));
    });

    await checks.check('usage errors exit 64, unreadable input 66', async () => {
      expectExit(await run(['sync', 'generate', '--project', P]), 64);
      expectExit(await run(['dataworks-public']), 64);
      expectExit(await run(['dataworks-public', 'ListProjects', '--PageSize']), 64);
      expectExit(await run(['dataworks-public', 'ListProjects', '--Action', 'X']), 64);
      expectExit(await run(['--output', 'yaml', 'dataworks-public', 'ListProjects']), 64);
      expectExit(await run(['nosuchverb']), 64);
      expectExit(await run(['validate', path.join(tmp, 'missing.json')]), 66);
      expectExit(await run(['--help']), 0);
    });

    await checks.check('disync completion bash prints a valid completion script', async () => {
      const r = await run(['completion', 'bash']);
      expectExit(r, 0);
      assert(r.stdout.includes('complete -F _disync disync'), show(r));
      const file = path.join(tmp, 'completion.bash');
      fs.writeFileSync(file, r.stdout);
      execFileSync('bash', ['-n', file]);
      const words = execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(disync sync ge); COMP_CWORD=2; _disync; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      assert(words.trim() === 'generate get', `completion of "sync ge": ${words}`);
    });

    await checks.check('server down: exit 3 and "cannot reach ENDPOINT"', async () => {
      await server.stop();
      const r = await run(['dataworks-public', 'ListProjects']);
      expectExit(r, 3);
      assert(r.stderr.includes(`cannot reach ${endpoint}`), show(r));
      const g = await run(['sync', 'generate', '--project', P, '--file', goodFile, '--wait']);
      expectExit(g, 3);
    });
  } finally {
    await server.stop();
    try { mysql(`DROP DATABASE IF EXISTS ${DB}`); } catch (e) { console.log(`# cannot drop ${DB}: ${e.message}`); }
    server.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - ${e.stack || e}`); console.log('0 passed, 1 failed'); process.exit(1); });
