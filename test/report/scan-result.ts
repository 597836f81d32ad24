import type { ScanResult } from '../../src/engine/types.js';
import type { RuleMeta } from '../../src/rules/types.js';

/** Rule metadata for the report tests. CC7.2.2 has no finding, so `ruleIndex` must skip past it. */
export const RULES: RuleMeta[] = [
  {
    id: 'CC7.2.2',
    name: 'rate-limiting',
    criterion: 'CC7.2',
    severity: 'high',
    cwe: ['CWE-307', 'CWE-770'],
    summary: 'Require a rate limiter on login, token and password-reset endpoints',
    rationale: 'Unlimited login attempts let an attacker guess passwords at machine speed.',
    remediation: 'Add a rate limiter to the route, its router, or the whole application.',
    compliant: ['A limiter middleware on the route or an enclosing router'],
    aicpa: [{ criterion: 'CC6.1', reason: 'Restricts logical access attempts.' }],
    languages: ['python', 'javascript', 'typescript'],
    messages: { missingLimiter: '`{route}` has no rate limiter. Add one.' },
  },
  {
    id: 'CC7.1.2',
    name: 'sensitive-data-in-logs',
    criterion: 'CC7.1',
    severity: 'critical',
    cwe: ['CWE-532'],
    summary: 'Disallow secrets and personal data in log output',
    rationale: 'Logs are copied to many systems and read by many people; secrets in them leak.',
    remediation: 'Log a masked or derived value (length, last four digits), or leave it out.',
    compliant: ['Values passed through a redaction or hashing helper'],
    aicpa: [{ criterion: 'CC7.2', reason: 'Security logs must not become a disclosure channel.' }],
    languages: ['python', 'javascript', 'typescript'],
    messages: { sensitiveArgument: '`{name}` reaches `{sink}` unmasked. Mask it or leave it out.' },
  },
  {
    id: 'CC7.4.1',
    name: 'error-disclosure',
    criterion: 'CC7.4',
    severity: 'high',
    cwe: ['CWE-209'],
    summary: 'Disallow exception details in HTTP responses',
    rationale: 'Stack traces and exception text tell an attacker how the service is built.',
    remediation: 'Return a generic message with an error id, and log the details.',
    compliant: ['A fixed message or an error id in the response body'],
    aicpa: [{ criterion: 'CC7.3', reason: 'Incident details stay inside the organization.' }],
    languages: ['python', 'javascript', 'typescript'],
    messages: {
      exceptionInResponse: '`{value}` is sent back in the response. Return a generic message.',
    },
  },
];

const [, SENSITIVE_DATA, ERROR_DISCLOSURE] = RULES;

/**
 * Two files, three findings of two rules and one note, listed out of report order so that the
 * formatters' sorting is tested. The `src/server.ts` snippet carries a secret that the engine
 * already masked.
 */
export const SCAN_RESULT: ScanResult = {
  root: '/srv/payments-api',
  failures: [],
  findings: [
    {
      ruleId: SENSITIVE_DATA.id,
      ruleName: SENSITIVE_DATA.name,
      criterion: SENSITIVE_DATA.criterion,
      severity: 'critical',
      cwe: SENSITIVE_DATA.cwe,
      messageId: 'sensitiveArgument',
      message: '`STRIPE_KEY` reaches `logger.info` unmasked. Mask it or leave it out.',
      path: 'src/server.ts',
      range: { startLine: 8, startColumn: 1, endLine: 9, endColumn: 41 },
      snippet: "const STRIPE_KEY = 'sk_live_****';\nlogger.info({ key: STRIPE_KEY }, 'boot');",
      fingerprint: '5c1f0d4e9a2b7c3d',
      remediation: SENSITIVE_DATA.remediation,
      functionName: null,
      aicpa: SENSITIVE_DATA.aicpa,
    },
    {
      ruleId: ERROR_DISCLOSURE.id,
      ruleName: ERROR_DISCLOSURE.name,
      criterion: ERROR_DISCLOSURE.criterion,
      severity: 'high',
      cwe: ERROR_DISCLOSURE.cwe,
      messageId: 'exceptionInResponse',
      message: '`str(e)` is sent back in the response. Return a generic message.',
      path: 'app/views/login.py',
      range: { startLine: 31, startColumn: 16, endLine: 31, endColumn: 52 },
      snippet: "        return jsonify({'error': str(e)}), 500",
      fingerprint: '9e8d7c6b5a493827',
      remediation: ERROR_DISCLOSURE.remediation,
      functionName: 'login',
      aicpa: ERROR_DISCLOSURE.aicpa,
    },
    {
      ruleId: SENSITIVE_DATA.id,
      ruleName: SENSITIVE_DATA.name,
      criterion: SENSITIVE_DATA.criterion,
      severity: 'critical',
      cwe: SENSITIVE_DATA.cwe,
      messageId: 'sensitiveArgument',
      message: '`password` reaches `logger.warning` unmasked. Mask it or leave it out.',
      path: 'app/views/login.py',
      range: { startLine: 24, startColumn: 9, endLine: 24, endColumn: 71 },
      snippet: "        logger.warning('login failed for %s with %s', username, password)",
      fingerprint: '0a1b2c3d4e5f6071',
      remediation: SENSITIVE_DATA.remediation,
      functionName: 'login',
      aicpa: SENSITIVE_DATA.aicpa,
    },
  ],
  notes: [
    {
      path: 'static/vendor/chart.min.js',
      kind: 'skipped',
      reason: 'minified file (one line of 212 KB)',
    },
  ],
  stats: { files: 3, lines: 1234, bytes: 40960, durationMs: 1530 },
};
