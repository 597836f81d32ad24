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

/** The built-in tables. */
export const DEFAULT_NAMES: NameTables = {
  loggers: [
    'logger',
    'log',
    'logging',
    'console',
    'winston',
    'pino',
    'bunyan',
    'log4js',
    'structlog',
    'loguru',
    'audit_logger',
    'auditLogger',
    'security_logger',
    'securityLogger',
    '_logger',
    '_log',
    'LOGGER',
    'LOG',
  ],
  loggerFactories: [
    'logging.getLogger',
    'getLogger',
    'structlog.get_logger',
    'structlog.getLogger',
    'get_logger',
    'pino',
    'winston.createLogger',
    'createLogger',
    'bunyan.createLogger',
    'log4js.getLogger',
    'Logger',
    'logger.bind',
    'logger.child',
    'log.bind',
    'log.child',
  ],
  logMethods: [
    'debug',
    'info',
    'information',
    'warn',
    'warning',
    'error',
    'exception',
    'critical',
    'fatal',
    'trace',
    'verbose',
    'log',
    'msg',
    'success',
    'notice',
  ],
  sanitizers: [
    'redact',
    'redacted',
    'mask',
    'masked',
    'hash',
    'hashed',
    'sha256',
    'sha1',
    'md5',
    'hexdigest',
    'digest',
    'hmac',
    'scrub',
    'sanitize',
    'sanitized',
    'obfuscate',
    'anonymize',
    'truncate',
    'encrypt',
    'fingerprint',
    'len',
    'length',
    'bool',
    'Boolean',
    'isinstance',
    'typeof',
  ],
  sensitiveWords: [
    'password',
    'passwd',
    'pwd',
    'passphrase',
    'secret',
    'token',
    'apikey',
    'authorization',
    'cookie',
    'cookies',
    'credential',
    'credentials',
    'cvv',
    'cvc',
    'ssn',
    'jwt',
    'otp',
    'pin',
    'iban',
    'sessionid',
    'privatekey',
    'mnemonic',
  ],
  sensitivePhrases: [
    'api_key',
    'access_key',
    'secret_key',
    'private_key',
    'signing_key',
    'encryption_key',
    'client_secret',
    'card_number',
    'credit_card',
    'cc_number',
    'card_num',
    'pan',
    'security_code',
    'social_security',
    'social_security_number',
    'session_id',
    'session_key',
    'refresh_token',
    'bearer',
    'set_cookie',
    'account_number',
    'routing_number',
    'tax_id',
    'date_of_birth',
    'passport_number',
    'drivers_license',
  ],
  derivationWords: [
    'length',
    'len',
    'count',
    'size',
    'has',
    'is',
    'exists',
    'valid',
    'invalid',
    'type',
    'types',
    'kind',
    'expiry',
    'expires',
    'expiration',
    'expired',
    'ttl',
    'age',
    'hash',
    'hashed',
    'digest',
    'masked',
    'redacted',
    'encrypted',
    'field',
    'fields',
    'name',
    'names',
    'label',
    'url',
    'uri',
    'endpoint',
    'path',
    'header',
    'policy',
    'strength',
    'min',
    'max',
    'required',
    'enabled',
    'reset',
    'changed',
    'updated',
    'created',
    'at',
    'date',
    'time',
    'timestamp',
    'version',
    'prefix',
    'suffix',
    'last4',
    'last',
    'first',
    'hint',
    'format',
    'regex',
    'pattern',
    'error',
    'errors',
    'message',
    'status',
    'id',
    'ids',
    'index',
    'limit',
    'attempts',
    'ok',
    'match',
    'matches',
    'mismatch',
    'fingerprint',
  ],
  auditHelpers: ['audit', 'audit_log', 'auditLog', 'audit_event', 'auditEvent', 'record_event', 'security_event', 'securityEvent', 'log_event', 'logEvent'],
  limiters: [
    'limiter.limit',
    'limiter.shared_limit',
    'limit',
    'ratelimit',
    'rate_limit',
    'RateLimiter',
    'rateLimit',
    'rateLimiter',
    'slowDown',
    'RateLimiterMemory',
    'RateLimiterRedis',
    'Throttle',
    'ThrottlerGuard',
    'throttle_classes',
    'koa-ratelimit',
    '@fastify/rate-limit',
  ],
  alerters: ['alert', 'send_alert', 'sendAlert', 'pagerduty', 'opsgenie', 'notify_security', 'capture_message', 'captureMessage', 'capture_exception', 'captureException'],
  anomalyChecks: ['detect_anomaly', 'detectAnomaly', 'anomaly', 'risk_score', 'riskScore', 'assess_risk', 'assessRisk', 'is_suspicious', 'isSuspicious'],
};

/** Adds the configured entries to the defaults, keeping each name once. */
export function mergeNames(extra: Partial<NameTables> | undefined): NameTables {
  const merged = { ...DEFAULT_NAMES };
  if (!extra) {
    return merged;
  }
  for (const key of Object.keys(DEFAULT_NAMES) as (keyof NameTables)[]) {
    const added = extra[key];
    if (added && added.length > 0) {
      merged[key] = [...new Set([...DEFAULT_NAMES[key], ...added])];
    }
  }
  return merged;
}

/** Splits an identifier into lower-case words: `resetTokenURL` → reset, token, url. */
export function splitWords(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}
