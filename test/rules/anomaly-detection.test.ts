import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mergeNames, type NameTables } from '../../src/config/names.js';
import { fillTemplate } from '../../src/engine/finding.js';
import { buildModel } from '../../src/model/build.js';
import type { Language, Range } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/anomaly-detection.js';
import { isVolumeComparison } from '../../src/rules/anomaly-detection/check-evidence.js';

interface ReportedFinding {
  messageId: string;
  message: string;
  path: string | undefined;
  range: Range;
}

/** Summarizes each file and runs the project check, with the default names plus `extra`. */
async function runProject(files: Record<string, string>, extra?: Partial<NameTables>): Promise<ReportedFinding[]> {
  const reported: ReportedFinding[] = [];
  const context = {
    names: mergeNames(extra),
    options: {},
    report(descriptor: { messageId: string; data?: Record<string, string | number>; range: Range; path?: string }) {
      reported.push({
        messageId: descriptor.messageId,
        message: fillTemplate(rule.messages[descriptor.messageId]!, descriptor.data ?? {}),
        path: descriptor.path,
        range: descriptor.range,
      });
    },
  };
  const summaries = Object.entries(files).map(([path, code]) => {
    const language: Language = path.endsWith('.py') ? 'python' : 'typescript';
    const tree = parseSource(code, language);
    try {
      return { path, summary: rule.summarize!(buildModel(tree, code, path, language), context)! };
    } finally {
      tree.delete();
    }
  });
  const project = { root: '/p', files: [], sourcePaths: [], readText: () => null, advisoryDb: null, online: false };
  await rule.checkProject!(project, summaries, context);
  return reported;
}

const FLASK_LOGIN = `
from flask import Flask
app = Flask(__name__)

@app.route("/login", methods=["POST"])
def login():
    user = find_user()
    if not user.check_password(request.form["password"]):
        abort(401)
    return "ok"

@app.route("/users/export")
def export_users():
    return dump_users()
`;

before(async () => {
  await prepareParsers(['python', 'typescript']);
});

describe('anomaly-detection project finding', () => {
  test('reports once for a service with no check', async () => {
    const findings = await runProject({ 'app.py': FLASK_LOGIN });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'noAnomalyDetection');
    assert.equal(findings[0]!.path, 'app.py');
    assert.deepEqual(findings[0]!.range, { startLine: 6, startColumn: 5, endLine: 6, endColumn: 10 });
    assert.equal(
      findings[0]!.message,
      'This service runs no anomaly or risk check on logins or exports, so a stolen account goes unnoticed. The rule looked for detector and risk-score calls, new-device, new-location and login-history comparisons, and export volume thresholds. Add one to login handler `POST /login`.',
    );
  });

  test('reports nothing without login or export paths', async () => {
    const findings = await runProject({ 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    assert.deepEqual(findings, []);
  });
});

describe('anomaly-detection handler findings', () => {
  test('name a check the service has', async () => {
    const findings = await runProject({
      'app.py': FLASK_LOGIN,
      'risk.py': 'def score_login(user, ip):\n    return risk_client.risk_score(user.id, ip)\n',
    });
    assert.equal(findings.length, 2);
    assert.deepEqual(
      findings.map((finding) => finding.messageId),
      ['missingLoginCheck', 'missingExportCheck'],
    );
    assert.equal(
      findings[0]!.message,
      'Login handler `POST /login` runs no anomaly or risk check, such as a new-device, new-location or risk-score check. Call one here, as `risk_client.risk_score` does elsewhere.',
    );
  });

  test('follow calls into other files', async () => {
    const findings = await runProject({
      'app.py': FLASK_LOGIN.replace('    return "ok"', '    score_login(user, request.remote_addr)\n    return "ok"'),
      'risk.py': 'def score_login(user, ip):\n    return risk_client.risk_score(user.id, ip)\n',
    });
    assert.deepEqual(
      findings.map((finding) => finding.messageId),
      ['missingExportCheck'],
    );
  });

  test('accept configured check names', async () => {
    const files = {
      'app.py': FLASK_LOGIN.replace('    return "ok"', '    castle_risk(user)\n    return "ok"'),
      'other.py': 'def audit():\n    detect_anomaly()\n',
    };
    const before = await runProject(files);
    assert.equal(before.filter((finding) => finding.messageId === 'missingLoginCheck').length, 1);
    const after = await runProject(files, { anomalyChecks: ['castle_risk'] });
    assert.equal(after.filter((finding) => finding.messageId === 'missingLoginCheck').length, 0);
  });
});

describe('anomaly-detection volume checks', () => {
  test('compare a size with a threshold', () => {
    assert.equal(isVolumeComparison('len(rows) > settings.EXPORT_ALERT_THRESHOLD'), true);
    assert.equal(isVolumeComparison('count >= MAX_EXPORT_ROWS'), true);
    assert.equal(isVolumeComparison('user is None'), false);
    assert.equal(isVolumeComparison('len(password) < 8'), false);
  });
});
