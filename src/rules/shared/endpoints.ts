import { splitWords } from '../../config/names.js';

/**
 * Kinds of endpoints that attackers call in bulk: credential guessing (`login`, `token`, `mfa`),
 * account takeover and enumeration (`password-reset`, `password-change`, `registration`), data
 * scraping (`export`), and `custom` for endpoints named in a rule's options.
 */
export type EndpointKind =
  | 'login'
  | 'token'
  | 'password-reset'
  | 'password-change'
  | 'registration'
  | 'mfa'
  | 'export'
  | 'custom';

/** The route data that classification reads. `methods` are upper case, and `*` means all methods. */
export interface EndpointInput {
  path: string | null;
  handlerName: string | null;
  methods: string[];
}

/** A sensitive endpoint and the evidence for it. */
export interface SensitiveEndpoint {
  kind: EndpointKind;
  /** Whether the route path or the handler name matched. */
  matchedBy: 'path' | 'handler';
  /** The matched words, joined by spaces: `password reset`. */
  words: string;
}

interface KindPattern {
  kind: Exclude<EndpointKind, 'custom'>;
  /** Word sequences that name the endpoint. One of them must end the name, before trailing qualifiers. */
  phrases: string[][];
  /** Words that may follow the phrase: `/password/reset/confirm`, `export_users_csv`. */
  trailing: string[];
  /** Words that, right before the phrase, name something else: `revoke_token`, `csrf-token`. */
  blockingPrefixes: string[];
  /** True when a read (GET) is as sensitive as a write, as for bulk export. */
  anyMethod: boolean;
}

/** Endpoint patterns, most specific first: `forgot_password` is a reset, not a password change. */
const KIND_PATTERNS: KindPattern[] = [
  {
    kind: 'password-reset',
    phrases: [
      ['password', 'reset'],
      ['reset', 'password'],
      ['forgot', 'password'],
      ['forgotten', 'password'],
      ['password', 'forgot'],
      ['lost', 'password'],
      ['recover', 'password'],
      ['password', 'recovery'],
      ['reset', 'token'],
    ],
    trailing: ['confirm', 'request', 'verify', 'complete', 'email', 'link', 'token', 'code', 'submit', 'init', 'start', 'send'],
    blockingPrefixes: [],
    anyMethod: false,
  },
  {
    kind: 'mfa',
    phrases: [['mfa'], ['2fa'], ['otp'], ['totp'], ['twofactor'], ['two', 'factor'], ['tfa']],
    trailing: [
      'verify',
      'verification',
      'validate',
      'check',
      'challenge',
      'code',
      'confirm',
      'login',
      'auth',
      'authenticate',
      'submit',
      'token',
      'send',
      'resend',
      'request',
      'generate',
    ],
    blockingPrefixes: [],
    anyMethod: false,
  },
  {
    kind: 'login',
    phrases: [['login'], ['log', 'in'], ['signin'], ['sign', 'in'], ['logon'], ['log', 'on'], ['authenticate']],
    trailing: ['user', 'users', 'account', 'submit', 'attempt', 'local', 'password', 'email', 'credentials', 'basic'],
    blockingPrefixes: ['last', 'social'],
    anyMethod: false,
  },
  {
    kind: 'registration',
    phrases: [['register'], ['registration'], ['signup'], ['sign', 'up'], ['create', 'account']],
    trailing: ['user', 'users', 'account', 'submit', 'email'],
    blockingPrefixes: ['device', 'devices', 'push', 'webhook', 'webhooks', 'client', 'clients', 'service'],
    anyMethod: false,
  },
  {
    kind: 'token',
    phrases: [['token'], ['tokens'], ['jwt']],
    trailing: ['refresh', 'obtain', 'create', 'new', 'pair', 'issue', 'exchange', 'grant'],
    blockingPrefixes: [
      'revoke',
      'revocation',
      'invalidate',
      'delete',
      'remove',
      'destroy',
      'introspect',
      'introspection',
      'verify',
      'validate',
      'check',
      'csrf',
      'xsrf',
      'push',
      'device',
      'fcm',
      'apns',
      'notification',
      'payment',
      'card',
      'upload',
      'webhook',
      'next',
      'page',
      'test',
    ],
    anyMethod: false,
  },
  {
    kind: 'password-change',
    phrases: [['password'], ['change', 'password'], ['password', 'change'], ['update', 'password'], ['set', 'password']],
    trailing: ['confirm', 'update', 'submit', 'change'],
    blockingPrefixes: [],
    anyMethod: false,
  },
  {
    kind: 'export',
    phrases: [['export'], ['exports'], ['bulk', 'download']],
    trailing: [
      'csv',
      'json',
      'xlsx',
      'xls',
      'xml',
      'pdf',
      'zip',
      'all',
      'data',
      'file',
      'download',
      'bulk',
      'user',
      'users',
      'account',
      'accounts',
      'customer',
      'customers',
      'order',
      'orders',
      'record',
      'records',
      'report',
      'reports',
      'transactions',
      'contacts',
      'members',
      'logs',
    ],
    blockingPrefixes: [],
    anyMethod: true,
  },
];

/**
 * Words at the end of a handler name that describe its role, not its endpoint: the `view` of
 * `login_view`, the `handler` of `loginHandler`.
 */
const HANDLER_SUFFIXES = new Set([
  'view',
  'views',
  'handler',
  'controller',
  'endpoint',
  'api',
  'route',
  'action',
  'resource',
  'func',
  'fn',
  'impl',
  'async',
]);

/** Methods of class-based views and viewsets that name the HTTP method, not the endpoint. */
const METHOD_NAMES = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'create',
  'list',
  'retrieve',
  'update',
  'partial_update',
  'destroy',
  'handle',
  'dispatch',
]);

/** Path segments that carry no meaning for classification: `/api/v1/...`. */
const NEUTRAL_SEGMENT = /^(?:api|v\d+(?:\.\d+)*)$/i;

/**
 * Methods that submit credentials or account data. A GET of a login or reset endpoint only renders
 * a form, and a DELETE of a token or session (`DELETE /api/tokens`) revokes it.
 */
const SUBMITTING_METHODS = new Set(['POST', 'PUT', 'PATCH', '*']);

/**
 * Classifies an endpoint by its path and handler name, or returns null when it is not sensitive.
 * Login, token, password, registration and MFA endpoints count only for POST, PUT and PATCH, or
 * when the method is unknown. Export endpoints count for every method. `extraEndpoints` are
 * configured paths or names (`/magic-link`, `magicLink`) that count as `custom` for any method.
 */
export function classifyEndpoint(
  input: EndpointInput,
  extraEndpoints: readonly string[] = [],
): SensitiveEndpoint | null {
  const pathWords = input.path === null ? null : getPathWords(input.path);
  const handlerWords = input.handlerName === null ? null : getHandlerWords(input.handlerName);

  for (const extra of extraEndpoints) {
    const words = splitWords(extra);
    if (words.length === 0) {
      continue;
    }
    if (pathWords && endsWith(pathWords, words)) {
      return { kind: 'custom', matchedBy: 'path', words: words.join(' ') };
    }
    if (handlerWords && endsWith(handlerWords, words)) {
      return { kind: 'custom', matchedBy: 'handler', words: words.join(' ') };
    }
  }

  const isStateChanging =
    input.methods.length === 0 || input.methods.some((method) => SUBMITTING_METHODS.has(method));
  for (const pattern of KIND_PATTERNS) {
    if (!pattern.anyMethod && !isStateChanging) {
      continue;
    }
    const pathMatch = pathWords ? matchPattern(pathWords, pattern) : null;
    if (pathMatch) {
      return { kind: pattern.kind, matchedBy: 'path', words: pathMatch };
    }
    const handlerMatch = handlerWords ? matchPattern(handlerWords, pattern) : null;
    if (handlerMatch) {
      return { kind: pattern.kind, matchedBy: 'handler', words: handlerMatch };
    }
  }
  return null;
}

/** True for the endpoints where credentials are guessed: login, token, MFA. */
export function isCredentialEndpoint(endpoint: SensitiveEndpoint): boolean {
  return endpoint.kind === 'login' || endpoint.kind === 'token' || endpoint.kind === 'mfa';
}

/**
 * Lower-case words of a route path, without parameters, `api` and version segments:
 * `/api/v1/users/:id/password-reset` gives users, password, reset. Works for Express (`:id`),
 * FastAPI (`{id}`), Flask (`<int:id>`), Django regexes (`^login/$`) and Next.js (`[id]`).
 */
export function getPathWords(path: string): string[] {
  const words: string[] = [];
  for (const segment of path.split('/')) {
    const cleaned = segment.replace(/^\^|\$$/g, '').replace(/\.[a-z]+$/i, '');
    if (cleaned.length === 0 || isParameterSegment(cleaned) || NEUTRAL_SEGMENT.test(cleaned)) {
      continue;
    }
    words.push(...splitWords(cleaned));
  }
  return words;
}

/**
 * Lower-case words of a handler name. For `LoginView.post` the class names the endpoint; for
 * `views.login` and `AuthController.login` the function does. Role words at the end (`view`,
 * `handler`) are dropped.
 */
export function getHandlerWords(handlerName: string): string[] {
  const segments = handlerName.split('.').filter((segment) => segment.length > 0);
  let name = segments[segments.length - 1] ?? '';
  if (segments.length >= 2 && METHOD_NAMES.has(name)) {
    name = segments[segments.length - 2]!;
  }
  const words = splitWords(name);
  while (words.length > 1 && HANDLER_SUFFIXES.has(words[words.length - 1]!)) {
    words.pop();
  }
  return words;
}

function isParameterSegment(segment: string): boolean {
  return /^[:{<[(*]/.test(segment) || /[\\()?+|]/.test(segment);
}

/**
 * Matches words that end with one of the pattern's phrases, followed only by its trailing
 * qualifiers, and not preceded by a blocking word. Returns the matched phrase, or null.
 */
function matchPattern(words: string[], pattern: KindPattern): string | null {
  let end = words.length;
  while (end > 0) {
    for (const phrase of pattern.phrases) {
      const start = end - phrase.length;
      if (start < 0 || !phrase.every((word, offset) => words[start + offset] === word)) {
        continue;
      }
      const before = words[start - 1];
      if (before !== undefined && pattern.blockingPrefixes.includes(before)) {
        return null;
      }
      return phrase.join(' ');
    }
    if (!pattern.trailing.includes(words[end - 1]!)) {
      return null;
    }
    end--;
  }
  return null;
}

function endsWith(words: string[], suffix: string[]): boolean {
  if (suffix.length > words.length) {
    return false;
  }
  const start = words.length - suffix.length;
  return suffix.every((word, offset) => words[start + offset] === word);
}
