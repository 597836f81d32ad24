import anomalyDetection from './anomaly-detection.js';
import dependencyScanning from './dependency-scanning.js';
import errorDisclosure from './error-disclosure.js';
import healthChecks from './health-checks.js';
import rateLimiting from './rate-limiting.js';
import securityAlerting from './security-alerting.js';
import securityEventLogging from './security-event-logging.js';
import sensitiveDataInLogs from './sensitive-data-in-logs.js';
import structuredSecurityLogging from './structured-security-logging.js';
import type { Rule } from './types.js';

/** Every rule, ordered by id. */
export const RULES: Rule[] = [
  securityEventLogging,
  sensitiveDataInLogs,
  structuredSecurityLogging,
  securityAlerting,
  rateLimiting,
  anomalyDetection,
  errorDisclosure,
  healthChecks,
  dependencyScanning,
];

const RULES_BY_KEY = new Map<string, Rule>();
for (const rule of RULES) {
  RULES_BY_KEY.set(rule.id, rule);
  RULES_BY_KEY.set(rule.name, rule);
}

/** Finds a rule by id (`CC7.1.2`) or name (`sensitive-data-in-logs`). */
export function getRule(key: string): Rule | undefined {
  return RULES_BY_KEY.get(key);
}
