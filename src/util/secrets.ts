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

/**
 * A quoted value assigned to a name that says it is a secret: `password = "hunter2"`,
 * `"apiKey": 'abc'`. Group 1 is everything up to the opening quote, group 3 the value.
 */
const ASSIGNED_SECRET =
  /((?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|client[_-]?secret|auth(?:orization)?)["']?\s*[:=]\s*)(["'`])([^"'`\n]{4,})\2/gi;

/** Returns the name of the credential format `value` matches, or null. */
export function findSecretFormat(value: string): string | null {
  for (const { name, pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(value)) {
      return name;
    }
  }
  return null;
}

/** Keeps the first four characters of a credential and hides the rest. */
function maskValue(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 4)}****`;
}

/** Masks every credential-shaped value and every quoted value assigned to a secret name. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const { pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    masked = masked.replace(pattern, (match) => maskValue(match));
  }
  return masked.replace(
    ASSIGNED_SECRET,
    (_match, prefix: string, quote: string, value: string) =>
      `${prefix}${quote}${value.includes('****') ? value : maskValue(value)}${quote}`,
  );
}
