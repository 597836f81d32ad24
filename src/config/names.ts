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
  /**
   * Functions called without a receiver that write log output: add `print` to treat
   * `print(...)` as a log call. Empty by default. Read by CC7.1.2 sensitive-data-in-logs only.
   */
  logFunctions: string[];
  /**
   * Calls whose result no longer carries the secret: `redact`, `mask`, `hash`, `len`. Matched by
   * words against the last segment of the callee (`hash_token`, `maskCard`); entries with a dot
   * match the end of the callee path (`hmac.new`).
   */
  sanitizers: string[];
  /**
   * Words that make a name sensitive: `password`, `token`, `ssn`. A plural (`tokens`) matches too.
   * `email` and `phone` are left out by default because most services log them on purpose; add
   * them here to treat them as sensitive.
   */
  sensitiveWords: string[];
  /** Multi-word sensitive names, written snake_case: `api_key`, `card_number`. */
  sensitivePhrases: string[];
  /**
   * Words that, placed after the sensitive word, turn a name into a harmless derivation:
   * `password_length`, `token_type`, `api_key_id`. Before it they do not (`reset_token`).
   */
  derivationWords: string[];
  /** Calls that record an audit event: `audit_log`, `auditLogger.log`. */
  auditHelpers: string[];
  /** Decorators, middleware and guards that limit request rates. */
  limiters: string[];
  /** Alerting calls: `pagerduty`, `sentry_sdk.capture_message`. */
  alerters: string[];
  /**
   * Anomaly or risk checks: detector and risk-scoring calls (`detect_anomaly`, `risk_score`),
   * fraud and risk service clients (`fraud`, `sift`, `minfraud`), login history comparisons
   * (`known_device`, `new_location`, `impossible_travel`, `geoip`) and volume baselines
   * (`baseline`). Each entry is matched as consecutive words of a callee path, a function,
   * class or variable name, or an `if` condition: `anomaly` matches `anomaly_detector.record_login`.
   */
  anomalyChecks: string[];
  /**
   * Modules and packages that serve health endpoints: `@godaddy/terminus`, `@nestjs/terminus`,
   * `health_check` (django-health-check). Matched against imports, Django `INSTALLED_APPS` and
   * URL includes, and the dependencies of package.json, requirements files and pyproject.toml.
   */
  healthCheckLibraries: string[];
  /**
   * Calls that verify a password or other credential: `check_password`, `bcrypt.compare`,
   * `authenticate`. Matched on the last segment of the callee; entries with a dot match the end
   * of the callee path.
   */
  credentialChecks: string[];
  /**
   * Names that mark admin or privileged code: decorators, guards, dependencies and checks
   * (`admin_required`, `IsAdminUser`, `is_superuser`). One-word lower-case entries (`admin`) are
   * matched as a word of the name or of the decorator's arguments (`Roles(RoleEnum.admin)`).
   */
  privilegeMarkers: string[];
  /**
   * Exception classes whose raise denies a request for missing authentication or permission:
   * `PermissionDenied`, `ForbiddenException`.
   */
  denialExceptions: string[];
  /** Words that name a security violation in function names and log messages: `tamper`, `csrf`. */
  securityEventWords: string[];
  /**
   * Calls and fields that count failures against a threshold: `incr`, `failed_attempts`,
   * `lockout`. Matched on the last segment of a callee or assigned field, as words for
   * multi-word entries.
   */
  failureTrackers: string[];
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
    'Logger',
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
    'structlog.wrap_logger',
    'get_logger',
    'pino',
    'winston.createLogger',
    'createLogger',
    'bunyan.createLogger',
    'log4js.getLogger',
    'Logger',
    'ConsoleLogger',
    'logger.bind',
    'logger.new',
    'logger.child',
    'logger.opt',
    'logger.patch',
    'log.bind',
    'log.new',
    'log.child',
    'log.opt',
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
    'crit',
    'fatal',
    'alert',
    'emerg',
    'trace',
    'verbose',
    'silly',
    'log',
    'msg',
    'success',
    'notice',
    'mark',
    'dir',
    'table',
  ],
  logFunctions: [],
  sanitizers: [
    'redact',
    'redacted',
    'mask',
    'masked',
    'hash',
    'hashed',
    'hashpw',
    'sha256',
    'sha512',
    'sha1',
    'md5',
    'hexdigest',
    'digest',
    'hmac',
    'hmac.new',
    'scrub',
    'sanitize',
    'sanitized',
    'obfuscate',
    'anonymize',
    'pseudonymize',
    'truncate',
    'encrypt',
    'encrypted',
    'fingerprint',
    'censor',
    'omit',
    'len',
    'length',
    'count',
    'bool',
    'Boolean',
    'isinstance',
    'typeof',
    'type',
    'id',
    'keys',
    'has',
    'is',
    'includes',
    'startswith',
    'endswith',
    'startsWith',
    'endsWith',
    'indexOf',
    'slice',
    'substring',
    'substr',
    'verify',
    'check',
    'validate',
    'compare',
    'equals',
  ],
  sensitiveWords: [
    'password',
    'passwd',
    'pwd',
    'pw',
    'passphrase',
    'passcode',
    'secret',
    'token',
    'apikey',
    'authorization',
    'cookie',
    'cookies',
    'credential',
    'credentials',
    'cvv',
    'cvv2',
    'cvc',
    'ssn',
    'dob',
    'jwt',
    'otp',
    'totp',
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
    'master_key',
    'hmac_key',
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
    'bank_account',
    'tax_id',
    'national_id',
    'date_of_birth',
    'birth_date',
    'passport_number',
    'drivers_license',
    'mfa_code',
    'otp_code',
    'verification_code',
    'recovery_code',
    'backup_code',
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
    'exp',
    'expiry',
    'expires',
    'expiration',
    'expired',
    'ttl',
    'age',
    'ms',
    'seconds',
    'secs',
    'minutes',
    'hours',
    'days',
    'duration',
    'lifetime',
    'timeout',
    'hash',
    'hashed',
    'digest',
    'masked',
    'redacted',
    'encrypted',
    'preview',
    'field',
    'fields',
    'name',
    'names',
    'label',
    'url',
    'uri',
    'endpoint',
    'path',
    'file',
    'filename',
    'dir',
    'header',
    'param',
    'params',
    'parameter',
    'placeholder',
    'policy',
    'strength',
    'min',
    'max',
    'required',
    'enabled',
    'present',
    'missing',
    'empty',
    'reset',
    'rotation',
    'rotated',
    'revoked',
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
    'reason',
    'level',
    'mode',
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
    'options',
    'config',
    'settings',
    'domain',
    'secure',
    'samesite',
    'scope',
    'scopes',
    'audience',
    'issuer',
    'algorithm',
    'alg',
    'provider',
    'manager',
    'service',
    'client',
    'handler',
    'validator',
    'generator',
    'serializer',
    'form',
    'schema',
    'model',
    'factory',
    'strategy',
    'store',
    'storage',
    'source',
    'process',
    'helper',
    'backend',
    'mgr',
    'pos',
    'position',
    'offset',
    'window',
    'interval',
    'jitter',
    'bucket',
    'consent',
    'banner',
  ],
  auditHelpers: [
    'audit',
    'audit_log',
    'auditLog',
    'audit_event',
    'auditEvent',
    'record_event',
    'recordEvent',
    'security_event',
    'securityEvent',
    'log_event',
    'logEvent',
    'AuditLog',
    'AuditInterceptor',
  ],
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
  alerters: [
    'alert',
    'send_alert',
    'sendAlert',
    'pagerduty',
    'opsgenie',
    'notify_security',
    'notifySecurity',
    'capture_message',
    'captureMessage',
    'capture_exception',
    'captureException',
    'mail_admins',
    'SMTPHandler',
    'AdminEmailHandler',
    'trigger_incident',
    'triggerIncident',
    'create_incident',
    'createIncident',
  ],
  anomalyChecks: [
    'detect_anomaly',
    'detectAnomaly',
    'anomaly',
    'anomalies',
    'anomalous',
    'risk_score',
    'riskScore',
    'risk_level',
    'risk_check',
    'check_risk',
    'assess_risk',
    'assessRisk',
    'evaluate_risk',
    'compute_risk',
    'calculate_risk',
    'risk_assessment',
    'risk_service',
    'risk_client',
    'risk_engine',
    'is_suspicious',
    'isSuspicious',
    'suspicious_login',
    'suspicious_activity',
    'fraud',
    'minfraud',
    'sift',
    'known_device',
    'new_device',
    'trusted_device',
    'unknown_device',
    'device_fingerprint',
    'new_location',
    'known_location',
    'unusual_location',
    'new_ip',
    'known_ip',
    'last_login_ip',
    'login_history',
    'impossible_travel',
    'geoip',
    'geoip2',
    'geo_ip',
    'geolocate',
    'ip_reputation',
    'velocity_check',
    'baseline',
  ],
  healthCheckLibraries: [
    '@godaddy/terminus',
    '@nestjs/terminus',
    'express-healthcheck',
    'express-actuator',
    'lightship',
    'fastify-healthcheck',
    '@fastify/under-pressure',
    'under-pressure',
    'hapi-alive',
    'health_check',
    'django-health-check',
    'watchman',
    'django-watchman',
    'flask_healthz',
    'flask-healthz',
    'fastapi_health',
    'fastapi-health',
    'healthcheck',
    'py-healthcheck',
    'pyctuator',
  ],
  credentialChecks: [
    'check_password',
    'check_password_hash',
    'verify_password',
    'checkpw',
    'authenticate',
    'authenticate_user',
    'authenticateUser',
    'bcrypt.compare',
    'bcrypt.compareSync',
    'bcryptjs.compare',
    'argon2.verify',
    'pwd_context.verify',
    'password_hasher.verify',
    'verifyPassword',
    'validatePassword',
    'validate_password_hash',
    'comparePassword',
    'comparePasswords',
    'isPasswordMatch',
    'isValidPassword',
    'passwordMatches',
    'checkPassword',
    'verify_credentials',
    'verifyCredentials',
    'validateCredentials',
    'validate_credentials',
  ],
  privilegeMarkers: [
    'admin',
    'administrator',
    'superuser',
    'superadmin',
    'staff',
    'admin_required',
    'staff_member_required',
    'superuser_required',
    'IsAdminUser',
    'is_staff',
    'is_superuser',
  ],
  denialExceptions: [
    'PermissionDenied',
    'Forbidden',
    'Unauthorized',
    'ForbiddenException',
    'UnauthorizedException',
    'ForbiddenError',
    'UnauthorizedError',
    'NotAuthenticated',
    'AuthenticationFailed',
    'PermissionDeniedError',
    'AccessDenied',
    'AccessDeniedError',
    'AccessDeniedException',
    'NotAuthorized',
    'NotAuthorizedError',
    'HTTPForbidden',
    'HTTPUnauthorized',
  ],
  securityEventWords: [
    'suspicious',
    'violation',
    'violations',
    'breach',
    'tamper',
    'tampered',
    'tampering',
    'intrusion',
    'forgery',
    'forged',
    'malicious',
  ],
  failureTrackers: [
    'incr',
    'incrby',
    'hincrby',
    'increment',
    'lockout',
    'lock_account',
    'lockAccount',
    'failed_attempts',
    'failedAttempts',
    'failed_logins',
    'failedLogins',
    'login_attempts',
    'loginAttempts',
    'failure_count',
    'failureCount',
    'track_event',
    'trackEvent',
    'record_failed_login',
    'recordFailedLogin',
  ],
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
  let words = splitCache.get(identifier);
  if (words === undefined) {
    words = identifier
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+/)
      .filter((word) => word.length > 0)
      .map((word) => word.toLowerCase());
    if (splitCache.size >= MAX_CACHED_SPLITS) {
      splitCache.clear();
    }
    splitCache.set(identifier, words);
  }
  // A copy, because callers may change the list they get.
  return words.slice();
}

/** Rules split the same names many times per file; a bounded cache saves the regex work. */
const splitCache = new Map<string, string[]>();
const MAX_CACHED_SPLITS = 20000;
