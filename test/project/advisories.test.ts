import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import {
  findVulnerablePackages,
  getCvss3BaseScore,
  loadAdvisoryDatabase,
} from '../../src/project/advisories/index.js';
import { lookUpOsv } from '../../src/project/advisories/osv-client.js';
import type { OsvRecord } from '../../src/project/advisories/osv-record.js';
import type { LockedPackage } from '../../src/project/lockfiles/types.js';
import { makeProject } from '../helpers/temp.js';
import { createProjectModel } from './project-model.js';

const DATABASE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/dependency-scanning/advisory-db',
);

const PACKAGES: LockedPackage[] = [
  { ecosystem: 'npm', name: 'lodash', version: '4.17.20', line: 2, path: 'package-lock.json' },
  { ecosystem: 'npm', name: 'lodash', version: '4.17.15', line: 3, path: 'package-lock.json' },
  { ecosystem: 'npm', name: 'lodash', version: '4.17.21', line: 4, path: 'package-lock.json' },
  { ecosystem: 'npm', name: 'minimist', version: '1.2.5', line: 5, path: 'package-lock.json' },
  { ecosystem: 'npm', name: 'minimist', version: '0.0.8', line: 6, path: 'package-lock.json' },
  { ecosystem: 'npm', name: 'minimist', version: '1.2.6', line: 7, path: 'package-lock.json' },
  { ecosystem: 'PyPI', name: 'Requests', version: '2.30.0', line: 1, path: 'requirements.txt' },
  { ecosystem: 'PyPI', name: 'requests', version: '2.31.0', line: 2, path: 'requirements.txt' },
  { ecosystem: 'PyPI', name: 'urllib3', version: '1.26.15', line: 3, path: 'requirements.txt' },
  { ecosystem: 'PyPI', name: 'urllib3', version: '2.0.5', line: 4, path: 'requirements.txt' },
  { ecosystem: 'PyPI', name: 'jinja2', version: '3.1.2', line: 5, path: 'requirements.txt' },
  { ecosystem: 'PyPI', name: 'JINJA2', version: '2.10.0', line: 6, path: 'requirements.txt' },
];

/** Expected results for PACKAGES, as `name@version severity fix ids (cves)`. */
const EXPECTED = [
  'lodash@4.17.20 high 4.17.21 GHSA-35jh-r3h4-6jhm (CVE-2021-23337)',
  'lodash@4.17.15 high 4.17.21 GHSA-35jh-r3h4-6jhm (CVE-2021-23337), GHSA-p6mc-m468-83gw (CVE-2020-8203)',
  'minimist@1.2.5 critical 1.2.6 GHSA-xvch-5gv4-984h (CVE-2021-44906)',
  'minimist@0.0.8 critical 0.2.4 GHSA-xvch-5gv4-984h (CVE-2021-44906)',
  'Requests@2.30.0 medium 2.31.0 GHSA-j8r2-6x86-q33q+PYSEC-2023-74 (CVE-2023-32681)',
  'urllib3@1.26.15 high 1.26.17 GHSA-v845-jxx5-vc9f (CVE-2023-43804)',
  'urllib3@2.0.5 high 2.0.6 GHSA-v845-jxx5-vc9f (CVE-2023-43804)',
  'jinja2@3.1.2 medium 3.1.3 GHSA-h5c8-rqwp-cp95 (CVE-2024-22195)',
  'JINJA2@2.10.0 medium none GHSA-h5c8-rqwp-cp95 (CVE-2024-22195), PYSEC-2019-217 (CVE-2019-10906)',
];

async function describeMatches(advisoryDb: string | null, online = false): Promise<string[]> {
  const project = createProjectModel(makeProject({}), { advisoryDb, online });
  const { vulnerable, problems } = await findVulnerablePackages(project, PACKAGES);
  assert.deepEqual(problems, []);
  return vulnerable.map((item) => {
    const advisories = item.advisories
      .map((advisory) => `${advisory.ids.join('+')} (${advisory.cves.join(', ')})`)
      .join(', ');
    const { name, version } = item.locked;
    return `${name}@${version} ${item.severity} ${item.fixedVersion ?? 'none'} ${advisories}`;
  });
}

function readDatabaseFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const ecosystem of ['npm', 'PyPI']) {
    for (const name of fs.readdirSync(path.join(DATABASE_DIR, ecosystem))) {
      files[name] = fs.readFileSync(path.join(DATABASE_DIR, ecosystem, name));
    }
  }
  return files;
}

test('advisory directory matches', async () => {
  assert.deepEqual(await describeMatches(DATABASE_DIR), EXPECTED);
});

test('advisory zip matches', async () => {
  const files = readDatabaseFiles();
  const archive = path.join(makeProject({}), 'all.zip');
  fs.writeFileSync(
    archive,
    zipSync({ ...files, 'README.txt': new TextEncoder().encode('not JSON') }),
  );
  assert.deepEqual(await describeMatches(archive), EXPECTED);
});

test('advisory zip with invalid records', () => {
  const encoder = new TextEncoder();
  const archive = path.join(makeProject({}), 'broken.zip');
  fs.writeFileSync(
    archive,
    zipSync({
      'good.json': readDatabaseFiles()['GHSA-35jh-r3h4-6jhm.json'],
      'truncated.json': encoder.encode('{"id": "GHSA-'),
      'no-id.json': encoder.encode('{"summary": "x"}'),
    }),
  );
  const { index, problems, failure } = loadAdvisoryDatabase(archive);
  assert.equal(index.get('npm:lodash')?.length, 1);
  assert.equal(problems.length, 1);
  assert.match(problems[0].reason, /^2 advisory record\(s\) skipped/);
  assert.equal(failure, null);
});

test('advisory zip with no valid record', () => {
  const archive = path.join(makeProject({}), 'empty.zip');
  fs.writeFileSync(archive, zipSync({ 'notes.json': new TextEncoder().encode('{"summary": "x"}') }));
  const { failure } = loadAdvisoryDatabase(archive);
  assert.equal(
    failure,
    `Advisory database ${archive} contains no OSV records (1 JSON file(s), none valid). ` +
      'Pass a folder of OSV JSON records or an OSV .zip with --advisory-db (or advisoryDb in the configuration).',
  );
});

test('advisory folder without json', () => {
  const folder = makeProject({ 'README.md': '# advisories\n' });
  const { index, failure } = loadAdvisoryDatabase(folder);
  assert.equal(index.size, 0);
  assert.match(failure ?? '', /contains no OSV records \(no JSON files\)/);
});

test('file that is not a zip', () => {
  const archive = path.join(makeProject({ 'osv.zip': 'plain text, not an archive' }), 'osv.zip');
  const { problems, failure } = loadAdvisoryDatabase(archive);
  assert.equal(problems[0].kind, 'unreadable');
  assert.match(failure ?? '', new RegExp(`^Advisory database ${archive} could not be read: `));
});

test('withdrawn advisory skipped', () => {
  const { index } = loadAdvisoryDatabase(DATABASE_DIR);
  const ids = (index.get('npm:lodash') ?? []).map((record) => record.id).sort();
  assert.deepEqual(ids, ['GHSA-35jh-r3h4-6jhm', 'GHSA-p6mc-m468-83gw']);
});

test('missing advisory database', () => {
  const { index, problems, failure } = loadAdvisoryDatabase('/nonexistent/soc2lint/osv');
  assert.equal(index.size, 0);
  assert.equal(problems[0].kind, 'unreadable');
  assert.match(failure ?? '', /^Advisory database \/nonexistent\/soc2lint\/osv could not be read: ENOENT/);
});

test('missing database is a failure', async () => {
  const project = createProjectModel(makeProject({}), { advisoryDb: '/nonexistent/soc2lint/osv' });
  const { failures } = await findVulnerablePackages(project, PACKAGES);
  assert.equal(failures.length, 1);
  assert.match(failures[0], /could not be read/);
});

test('cvss 3 base scores', () => {
  assert.equal(getCvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
  assert.equal(getCvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'), 10);
  assert.equal(getCvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N'), 6.1);
  assert.equal(getCvss3BaseScore('CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N'), 3.3);
  assert.equal(getCvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), 0);
  assert.equal(
    getCvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'),
    null,
  );
  assert.equal(getCvss3BaseScore('CVSS:3.1/AV:X/AC:L'), null);
});

describe('online lookups', () => {
  const records = new Map<string, OsvRecord>();
  const requests: string[] = [];
  let server: http.Server;
  let baseUrl = '';
  let failBatches = false;
  let batchReply: 'records' | 'invalid-json' | 'hang' = 'records';

  before(async () => {
    for (const [name, data] of Object.entries(readDatabaseFiles())) {
      const record = JSON.parse(new TextDecoder().decode(data)) as OsvRecord;
      records.set(record.id, record);
      assert.ok(name.endsWith('.json'));
    }
    const { index } = loadAdvisoryDatabase(DATABASE_DIR);
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push(`${request.method} ${request.url}`);
        const send = (status: number, value: unknown): void => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(value));
        };
        if (request.method === 'POST' && request.url === '/v1/querybatch') {
          if (failBatches) {
            send(503, { code: 14, message: 'unavailable' });
            return;
          }
          if (batchReply === 'invalid-json') {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end('<html>proxy login</html>');
            return;
          }
          if (batchReply === 'hang') {
            // No reply: the client's timeout ends the request.
            return;
          }
          const { queries } = JSON.parse(body) as {
            queries: Array<{
              package: { name: string; ecosystem: 'npm' | 'PyPI' };
              version: string;
              page_token?: string;
            }>;
          };
          // Like OSV, the server returns ids only, with a second page when there are several.
          const results = queries.map((query) => {
            const name =
              query.package.ecosystem === 'PyPI'
                ? query.package.name.toLowerCase()
                : query.package.name;
            const matching = (index.get(`${query.package.ecosystem}:${name}`) ?? []).filter(
              (record) => isAffectedHere(record, query.version),
            );
            const ids = matching.map((record) => ({
              id: record.id,
              modified: '2024-01-01T00:00:00Z',
            }));
            if (!query.page_token && ids.length > 1) {
              return { vulns: ids.slice(0, 1), next_page_token: 'page-2' };
            }
            if (query.page_token === 'page-2') {
              return { vulns: ids.slice(1) };
            }
            return ids.length > 0 ? { vulns: ids } : {};
          });
          send(200, { results });
          return;
        }
        const match = /^\/v1\/vulns\/(.+)$/.exec(request.url ?? '');
        const record = match ? records.get(decodeURIComponent(match[1])) : undefined;
        if (request.method === 'GET' && record) {
          send(200, record);
          return;
        }
        send(404, { code: 5, message: 'Bug not found.' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('querybatch then vulns details', async () => {
    requests.length = 0;
    process.env.SOC2LINT_OSV_URL = `${baseUrl}/`;
    try {
      assert.deepEqual(await describeMatches(null, true), EXPECTED);
    } finally {
      delete process.env.SOC2LINT_OSV_URL;
    }
    assert.equal(requests.filter((line) => line === 'POST /v1/querybatch').length, 2);
    assert.ok(requests.includes('GET /v1/vulns/GHSA-35jh-r3h4-6jhm'));
  });

  test('one query for repeated packages', async () => {
    requests.length = 0;
    const lookup = await lookUpOsv(
      [
        { ecosystem: 'npm', name: 'lodash', version: '4.17.21' },
        { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' },
      ],
      baseUrl,
    );
    assert.equal(lookup.error, null);
    assert.deepEqual(lookup.records, [[], []]);
    assert.deepEqual(requests, ['POST /v1/querybatch']);
  });

  test('server failure becomes a problem', async () => {
    failBatches = true;
    process.env.SOC2LINT_OSV_URL = baseUrl;
    try {
      const project = createProjectModel(makeProject({}), { online: true });
      const { vulnerable, problems, failures } = await findVulnerablePackages(project, PACKAGES);
      assert.deepEqual(vulnerable, []);
      assert.equal(problems.length, 1);
      assert.match(problems[0].reason, /HTTP 503/);
      assert.deepEqual(failures, [
        `Online advisory lookup at ${baseUrl} failed: POST ${baseUrl}/v1/querybatch failed with HTTP 503. ` +
          'Check the network connection and SOC2LINT_OSV_URL, or scan without --online.',
      ]);
    } finally {
      failBatches = false;
      delete process.env.SOC2LINT_OSV_URL;
    }
  });

  test('invalid json is a failure', async () => {
    batchReply = 'invalid-json';
    process.env.SOC2LINT_OSV_URL = baseUrl;
    try {
      const project = createProjectModel(makeProject({}), { online: true });
      const { failures } = await findVulnerablePackages(project, PACKAGES);
      assert.equal(failures.length, 1);
      assert.match(failures[0], /POST \S+\/v1\/querybatch returned invalid JSON: /);
    } finally {
      batchReply = 'records';
      delete process.env.SOC2LINT_OSV_URL;
    }
  });

  test('timeout is an error', async () => {
    batchReply = 'hang';
    try {
      const lookup = await lookUpOsv([{ ecosystem: 'npm', name: 'lodash', version: '4.17.20' }], baseUrl, 200);
      assert.equal(lookup.error, `POST ${baseUrl}/v1/querybatch timed out after 200 ms`);
    } finally {
      batchReply = 'records';
    }
  });

  test('refused connection is an error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lookup = await lookUpOsv([{ ecosystem: 'npm', name: 'lodash', version: '4.17.20' }], closedUrl);
    assert.match(lookup.error ?? '', /^POST \S+ failed: fetch failed: .*ECONNREFUSED/);
  });

  test('offline scan sends nothing', async () => {
    requests.length = 0;
    process.env.SOC2LINT_OSV_URL = baseUrl;
    try {
      await describeMatches(DATABASE_DIR, false);
    } finally {
      delete process.env.SOC2LINT_OSV_URL;
    }
    assert.deepEqual(requests, []);
  });
});

// The test server's own matcher: listed versions and the ranges the fixture records use.
function isAffectedHere(record: OsvRecord, version: string): boolean {
  return (
    PACKAGES.some((locked) => locked.version === version) &&
    (record.affected ?? []).some((affected) => {
      if (affected.versions?.includes(version)) {
        return true;
      }
      return (affected.ranges ?? []).some((range) => isInEvents(range.events, version));
    })
  );
}

function isInEvents(events: Array<Record<string, string>>, version: string): boolean {
  const parts = (value: string): number[] => value.split('.').map(Number);
  const compare = (a: string, b: string): number => {
    const [left, right] = [parts(a), parts(b)];
    for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
      const difference = (left[index] ?? 0) - (right[index] ?? 0);
      if (difference !== 0) {
        return difference;
      }
    }
    return 0;
  };
  let affected = false;
  for (const event of events) {
    if (
      event.introduced !== undefined &&
      (event.introduced === '0' || compare(version, event.introduced) >= 0)
    ) {
      affected = true;
    } else if (event.fixed !== undefined && compare(version, event.fixed) >= 0) {
      affected = false;
    }
  }
  return affected;
}
