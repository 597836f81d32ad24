/**
 * Name tables that rules recognize. Every table can be extended from the configuration file
 * (`names.<table>`); entries there are added to these defaults, never replace them.
 */
export interface NameTables {
  /** Receiver names that are loggers: `logger`, `log`, `console`, `winston`. Matched on the last segment. */
  loggers: string[];
  /** Functions and constructors whose result is a logger: `logging.getLogger`, `pino`, `winston.createLogger`. */
  loggerFactories: string[];
  /** Methods of a logger that write a record. */
  logMethods: string[];
  /** Calls whose result no longer carries the secret: `redact`, `mask`, `hash`. Matched by words. */
  sanitizers: string[];
  /** Words that make a name sensitive: `password`, `token`, `ssn`. */
  sensitiveWords: string[];
  /** Multi-word sensitive names, written snake_case: `api_key`, `card_number`. */
  sensitivePhrases: string[];
  /** Words that turn a sensitive name into a harmless derivation: `length`, `count`, `type`. */
  derivationWords: string[];
  /** Calls that record an audit event: `audit_log`, `auditLogger.log`. */
  auditHelpers: string[];
  /** Decorators, middleware and guards that limit request rates. */
  limiters: string[];
  /** Alerting calls: `pagerduty`, `sentry_sdk.capture_message`. */
  alerters: string[];
  /** Anomaly or risk checks: `detect_anomaly`, `risk_score`. */
  anomalyChecks: string[];
}
