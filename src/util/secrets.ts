/**
 * Formats of credentials whose shape alone gives them away. Each pattern matches the whole
 * credential, so it can be masked in place.
 */
export const SECRET_PATTERNS: { name: string; pattern: RegExp }[] = [
  { name: 'Stripe key', pattern: /\b[sprk]k_(?:live|test)_[0-9A-Za-z]{10,}\b/g },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'GitHub token', pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{20,}|github_pat_[0-9A-Za-z_]{20,})\b/g },
  { name: 'Slack token', pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}\b/g },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'JSON Web Token', pattern: /\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}\b/g },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[^-]*(?:-----END (?:[A-Z]+ )?PRIVATE KEY-----)?/g },
  { name: 'SendGrid key', pattern: /\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}\b/g },
  { name: 'npm token', pattern: /\bnpm_[0-9A-Za-z]{36}\b/g },
];

/** Format name of a password written into a URL, as `findSecretFormat` returns it. */
export const URL_PASSWORD_FORMAT = 'password in a connection URL';

/**
 * The user-info part of a URL: `postgresql://admin:S3cretPw@db`. Group 1 is the scheme and
 * user name up to the colon, group 2 the password.
 */
const URL_PASSWORD = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@'"`]*:)([^\s/@'"`]+)(?=@)/g;

/**
 * A run of characters that could be a random token: base64 (standard and URL-safe) without
 * padding. The look-arounds keep a run from starting or ending inside a longer one.
 */
const TOKEN_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}(?![A-Za-z0-9+/_-])/g;

/**
 * Share of a token's letters that must sit in lower-case runs of three or more, each with an
 * optional capital before it (`Long`, `request`), for the token to read as an identifier or path
 * rather than random characters. Random 32-character base62 tokens reach it about 1.6% of the
 * time (estimate from 20,000 generated tokens); camelCase names and paths score 0.8 and above.
 */
const MIN_WORD_SHARE = 0.6;

/**
 * A quoted value assigned to a name that says it is a secret: `password = "hunter2"`,
 * `"apiKey": 'abc'`. Group 1 is everything up to the opening quote, group 3 the value.
 */
const ASSIGNED_SECRET =
  /((?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|client[_-]?secret|auth(?:orization)?)["']?\s*[:=]\s*)(["'`])([^"'`\n]{4,})\2/gi;

/**
 * Values that stand in for a secret in examples, templates and masks: `password`, `changeme`,
 * `<redacted>`. Compared in lower case, without brackets around the value.
 */
const PLACEHOLDER_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'token',
  'changeme',
  'change_me',
  'example',
  'placeholder',
  'dummy',
  'redacted',
  'hidden',
  'masked',
  'filtered',
  'removed',
  'none',
  'null',
  'undefined',
]);

/** Returns the name of the credential format `value` matches, or null. */
export function findSecretFormat(value: string): string | null {
  for (const { name, pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(value)) {
      return name;
    }
  }
  for (const match of value.matchAll(URL_PASSWORD)) {
    if (!isPlaceholderSecret(match[2]!)) {
      return URL_PASSWORD_FORMAT;
    }
  }
  return null;
}

/**
 * True when `value` is a placeholder for a secret: empty, mask characters (`***`, `xxxx`), a
 * placeholder word (`changeme`, `<password>`, `[REDACTED]`), or a template or format slot
 * (`${DB_PASSWORD}`, `{password}`, `%s`, `{{ secret }}`).
 */
export function isPlaceholderSecret(value: string): boolean {
  const trimmed = value.trim();
  if (/^[\s*xX•#.\-_]*$/.test(trimmed)) {
    return true;
  }
  if (/^(?:\$|\{|%|:\w)/.test(trimmed) || /^<[^<>]*>$/.test(trimmed)) {
    return true;
  }
  const word = trimmed.replace(/^[[(]|[\])]$/g, '').toLowerCase();
  return PLACEHOLDER_WORDS.has(word);
}

/**
 * True when `token` looks random: at least 32 characters that mix upper case, lower case and
 * digits, and do not read as words (`handleOAuth2CallbackForProviderResponse`). Hex hashes have
 * no upper case, so commit ids and checksums stay readable.
 */
export function isHighEntropyToken(token: string): boolean {
  if (token.length < 32 || !/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/[0-9]/.test(token)) {
    return false;
  }
  const letters = token.replace(/[^A-Za-z]/g, '').length;
  const wordLetters = (token.match(/[A-Z]?[a-z]{3,}/g) ?? []).join('').length;
  return wordLetters / letters < MIN_WORD_SHARE;
}

/** Keeps the first four characters of a credential and hides the rest. */
function maskValue(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 4)}****`;
}

/**
 * Masks every credential-shaped value, every password in a URL, every random-looking token of
 * 32 or more characters (an AWS secret access key has 40) and every quoted value assigned to a
 * secret name.
 */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const { pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    masked = masked.replace(pattern, (match) => maskValue(match));
  }
  masked = masked.replace(URL_PASSWORD, (match, prefix: string, password: string) =>
    isPlaceholderSecret(password) ? match : `${prefix}****`,
  );
  masked = masked.replace(TOKEN_RUN, (match) =>
    isHighEntropyToken(match) ? maskValue(match) : match,
  );
  return masked.replace(
    ASSIGNED_SECRET,
    (_match, prefix: string, quote: string, value: string) =>
      `${prefix}${quote}${value.includes('****') ? value : maskValue(value)}${quote}`,
  );
}
