import { splitWords, type NameTables } from '../config/names.js';
import {
  findBindings,
  findParameter,
  getExprPath,
  getFlowChildren,
  getFlowIndex,
  walkFlow,
  type FlowIndex,
  type FlowVisit,
} from '../model/flow.js';
import type { CallExpr, CallFact, Expr, FileModel, IndexExpr } from '../model/types.js';
import { findSecretFormat, isPlaceholderSecret } from '../util/secrets.js';
import { findLogFunction, findLogSink } from './shared/log-sinks.js';
import { classifyName, getCalleeName, isSanitizerCall } from './shared/sensitive-names.js';
import { defineRule, type RuleContext } from './types.js';

/**
 * Request properties that hold the whole body, every header or every cookie, matched on the end
 * of the path: `request.headers` also covers `self.request.headers` and `ctx.request.headers`.
 */
const WHOLE_REQUEST_PROPERTIES = [
  'request.headers',
  'req.headers',
  'request.header',
  'request.raw.headers',
  'req.raw.headers',
  'ctx.headers',
  'ctx.header',
  'request.body',
  'req.body',
  'request.json',
  'request.form',
  'request.data',
  'request.values',
  'request.POST',
  'request.META',
  'request.cookies',
  'request.COOKIES',
  'req.cookies',
  'req.signedCookies',
];

/** Request methods that return the whole body: `request.get_json()`, `await request.json()`. */
const WHOLE_REQUEST_CALLS = [
  'request.get_json',
  'request.get_data',
  'request.json',
  'req.json',
  'request.body',
  'request.form',
  'request.formData',
  'req.formData',
  'request.text',
  'req.text',
];

/** Next.js functions that return every request header or cookie. */
const NEXT_REQUEST_FUNCTIONS = { module: 'next/headers', names: ['headers', 'cookies'] };

/** NestJS parameter decorators that inject the whole body or header map when called bare. */
const WHOLE_REQUEST_DECORATORS = ['Body', 'Headers'];

/**
 * FastAPI security classes whose instances carry the credentials of the request: the login
 * form with its password, and the parsed Basic or Bearer `Authorization` header.
 */
const CREDENTIAL_PARAMETER_TYPES = [
  'OAuth2PasswordRequestForm',
  'OAuth2PasswordRequestFormStrict',
  'HTTPBasicCredentials',
  'HTTPAuthorizationCredentials',
];

/**
 * Request cookie maps, matched on the end of the path. One cookie read from them
 * (`req.cookies.sid`, `request.COOKIES['sessionid']`, `request.cookies.get('session')`) is
 * taken for a credential whatever its name, because session and auth cookies are named freely
 * (`connect.sid`, `sid`, `__Host-app`).
 */
const COOKIE_MAPS = [
  'request.cookies',
  'request.COOKIES',
  'request.signedCookies',
  'req.cookies',
  'req.signedCookies',
  'ctx.cookies',
];

/**
 * Words of cookie names that name a preference, not a credential: `locale`, `theme`,
 * `cookie_consent`. A cookie whose name has one of them is not reported.
 */
const PREFERENCE_COOKIE_WORDS = new Set([
  'locale',
  'lang',
  'language',
  'theme',
  'timezone',
  'tz',
  'currency',
  'country',
  'region',
  'consent',
]);

/**
 * Last words of object names that contain text for people or form metadata, keyed by field name:
 * `errorMessages.password`, `labels.password`, `fieldNames.password`. A sensitive property of
 * such an object is a message or a label, not the secret. Singular forms are left out, because
 * a `message.password` can be a field of a queued message.
 */
const TEXT_CONTAINER_WORDS = new Set([
  'messages',
  'msgs',
  'labels',
  'placeholders',
  'hints',
  'errors',
  'texts',
  'strings',
  'translations',
  'titles',
  'descriptions',
  'tooltips',
  'captions',
  'prompts',
  'names',
  'validators',
  'validations',
  'rules',
  'i18n',
  'l10n',
]);

/** Whole names of translation objects: `t.password`, `intl.password`. */
const TEXT_CONTAINER_NAMES = ['t', 'i18n', 'l10n', 'intl'];

/**
 * Shortest string under a sensitive key that reads as a real secret, when it also has no
 * whitespace, has a digit or a symbol, and is no placeholder: `"CorrectHorseBattery2"`.
 */
const MIN_SECRET_LITERAL_LENGTH = 8;

/**
 * Maximum number of assignments the rule follows back from a logged value. The flow walk's
 * default of 8 misses a password copied through nine variables (`s0 = password` to `s8`).
 */
const MAX_BINDING_HOPS = 16;

/**
 * Lookup methods whose string argument names the value they return: `data.get('password')`,
 * `os.getenv('API_KEY')`, `req.header('x-api-key')`. The number is the argument position.
 */
const LOOKUP_METHODS: Record<string, number> = {
  get: 0,
  getenv: 0,
  pop: 0,
  getItem: 0,
  getHeader: 0,
  get_header: 0,
  header: 0,
  getattr: 1,
};

/**
 * Classes whose instances keep the data they are built from, so `new URLSearchParams(body)`
 * carries the body. Other constructor calls (`SigV4Auth(credentials)`) build an object that uses
 * the data, and logging what such an object returns is not logging the data.
 */
const CARRYING_CONSTRUCTORS = [
  'Array',
  'Buffer',
  'FormData',
  'Headers',
  'Map',
  'MultiDict',
  'Object',
  'OrderedDict',
  'Set',
  'String',
  'URLSearchParams',
  'defaultdict',
];

/**
 * Functions that copy or convert a whole request map, so `dict(request.headers)` still logs
 * every header. Other functions given the map (`get_cors_headers(options, request.headers)`)
 * are taken to pick from it. Matched on the last name of the callee.
 */
const MAP_COPYING_FUNCTIONS = [
  'dict',
  'list',
  'tuple',
  'str',
  'repr',
  'format',
  'vars',
  'sorted',
  'dumps',
  'pformat',
  'inspect',
  'assign',
  'fromEntries',
  'entries',
  'from',
  'structuredClone',
  'copy',
  'deepcopy',
  'cloneDeep',
  'clone',
  'merge',
  'stringify',
];

/** Maximum number of sources a message names before it ends with "and N more". */
const MAX_LISTED_SOURCES = 3;

/** One value that should not reach a log. */
interface SensitiveSource {
  kind: 'name' | 'request' | 'literal';
  /** Name or path as written (`data['password']`), or the credential format of a literal. */
  label: string;
}

export default defineRule({
  id: 'CC7.1.2',
  name: 'sensitive-data-in-logs',
  criterion: 'CC7.1',
  severity: 'critical',
  cwe: ['CWE-532'],
  summary: 'Disallow secrets, credentials and personal data in log output',
  rationale:
    'Logs are copied to log stores, shipped to third-party services and read by many people, and ' +
    'they are kept for months. A password, token, card number or whole request written to a log ' +
    'is exposed to all of them, and it cannot be rotated out of old log archives.',
  remediation:
    'Leave the value out of the log record, or log a masked or derived form of it: the last four ' +
    'digits, a hash, its length, or whether it is present. Log selected request fields, never ' +
    'the whole body, header map or cookie map.',
  compliant: [
    'Values passed through a sanitizer (`redact`, `mask`, `hash`, `sha256`, `hmac`, `encrypt`)',
    'Lengths, booleans, comparisons and type checks (`len(token)`, `token.length`, `!!token`, `bool(token)`)',
    'Derived names (`password_length`, `has_token`, `token_type`, `card_last4`)',
    'Single request fields that are not sensitive (`request.headers.get("User-Agent")`, `req.body.username`)',
    'Values reassigned from a sanitizer before the log call (`token = mask(token)`)',
    'Placeholders, words and sentences under a sensitive key (`"<redacted>"`, `"Password must be 12 characters"`)',
    'Sensitive keys of message and label objects (`errorMessages.password`, `labels.password`)',
  ],
  aicpa: [
    {
      criterion: 'CC7.2',
      reason: 'The logs that monitoring relies on must not themselves expose confidential data.',
    },
    {
      criterion: 'CC6.1',
      reason: 'Credentials copied into logs escape the access controls that protect them.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  messages: {
    sensitiveValue: '`{name}` reaches `{sink}` unmasked. Mask it or leave it out.',
    sensitiveValues: '{names} reach `{sink}` unmasked. Mask them or leave them out.',
    wholeRequest:
      'The whole `{name}` reaches `{sink}`, with any credentials in it. Log selected fields instead.',
    secretLiteral: 'A hard-coded {format} reaches `{sink}`. Keep credentials out of code and logs.',
  },
  prefilter: (names) => getLogCallPattern(names),
  check(file, context) {
    const index = getFlowIndex(file);
    for (const fact of file.calls) {
      const sink = findLogSink(fact, index, context.names) ?? findLogFunction(fact, context.names);
      if (sink === null) {
        continue;
      }

      const sources = findSensitiveSources(fact, index, file, context.names);
      if (sources.length === 0) {
        continue;
      }

      reportSources(context, fact, sink, sources);
    }
  },
});

function reportSources(
  context: RuleContext,
  fact: CallFact,
  sink: string,
  sources: SensitiveSource[],
): void {
  const [first] = sources;
  if (sources.length === 1 && first) {
    if (first.kind === 'request') {
      context.report({ messageId: 'wholeRequest', data: { name: first.label, sink }, range: fact.range });
    } else if (first.kind === 'literal') {
      context.report({ messageId: 'secretLiteral', data: { format: first.label, sink }, range: fact.range });
    } else {
      context.report({ messageId: 'sensitiveValue', data: { name: first.label, sink }, range: fact.range });
    }
    return;
  }

  context.report({
    messageId: 'sensitiveValues',
    data: { names: formatSourceList(sources), sink },
    range: fact.range,
  });
}

/** "`password`, `token` and a hard-coded Stripe key", or "… and 2 more" past three entries. */
function formatSourceList(sources: SensitiveSource[]): string {
  const labels = sources.map((source) =>
    source.kind === 'literal' ? `a hard-coded ${source.label}` : `\`${source.label}\``,
  );
  const listed = labels.slice(0, MAX_LISTED_SOURCES);
  const rest = labels.length - listed.length;
  if (rest > 0) {
    return `${listed.join(', ')} and ${rest} more`;
  }
  return `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}`;
}

/** Sensitive values that reach any argument of the log call `fact`, each label once. */
function findSensitiveSources(
  fact: CallFact,
  index: FlowIndex,
  file: FileModel,
  names: NameTables,
): SensitiveSource[] {
  const sources = new Map<string, SensitiveSource>();
  const add = (source: SensitiveSource) => {
    if (!sources.has(source.label)) {
      sources.set(source.label, source);
    }
  };
  const finder = { fact, index, file, names, add };

  for (const argument of fact.call.arguments) {
    // structlog and loguru keyword arguments: `log.info("login", password=pw)`.
    if (argument.name !== null && classifyName(argument.name, names) === 'sensitive') {
      if (!isHarmless(argument.value, finder, 0)) {
        add({ kind: 'name', label: argument.name });
      }
      continue;
    }
    walkFlow(index, argument.value, fact.functionId, (step) => visitExpr(step, finder), {
      getChildren: (expr) => getLogFlowChildren(expr, names),
      maxBindingHops: MAX_BINDING_HOPS,
    });
  }
  return [...sources.values()];
}

/** Shared state of the visitors while they check one log call. */
interface SourceFinder {
  fact: CallFact;
  index: FlowIndex;
  file: FileModel;
  names: NameTables;
  add: (source: SensitiveSource) => void;
}

function visitExpr(step: FlowVisit, finder: SourceFinder): 'descend' | 'skip' {
  const { expr } = step;
  const { names } = finder;
  switch (expr.kind) {
    case 'string':
      addSecretLiteral(expr.value, finder);
      return 'skip';
    case 'template':
      addSecretLiteral(expr.literal, finder);
      return 'descend';
    case 'identifier':
      return visitIdentifier(expr.name, step, finder);
    case 'member': {
      const path = getExprPath(expr);
      if (path !== null && matchesPathEnd(path, WHOLE_REQUEST_PROPERTIES)) {
        finder.add({ kind: 'request', label: path });
      } else if (isCredentialCookieRead(expr, finder.file)) {
        finder.add({ kind: 'name', label: getLabel(expr, expr.property) });
      } else if (
        classifyName(expr.property, names) === 'sensitive' &&
        !isTextEntry(expr.object, expr.property, step, finder)
      ) {
        finder.add({ kind: 'name', label: getLabel(expr, expr.property) });
      }
      // Skip: other properties (`req.body.username`, `token.length`) are a part or a
      // derivation of the object, not the object itself.
      return 'skip';
    }
    case 'index':
      if (isCredentialCookieRead(expr, finder.file)) {
        finder.add({ kind: 'name', label: getLabel(expr, expr.key ?? 'cookie') });
        return 'skip';
      }
      if (expr.key === null) {
        // `tokens[0]` is one of the tokens, so the walk goes on into the object.
        return 'descend';
      }
      if (
        classifyName(expr.key, names) === 'sensitive' &&
        !isTextEntry(expr.object, expr.key, step, finder)
      ) {
        finder.add({ kind: 'name', label: getLabel(expr, expr.key) });
      }
      // Skip: `request.json['username']` is one named field, not the whole body.
      return 'skip';
    case 'call':
      return visitCall(expr, finder);
    case 'object':
      for (const entry of expr.entries) {
        if (entry.key !== null && classifyName(entry.key, names) === 'sensitive') {
          if (!isHarmless(entry.value, finder, 0)) {
            finder.add({ kind: 'name', label: entry.key });
          }
        }
      }
      return 'descend';
    case 'literal':
    case 'compare':
    case 'function':
      return 'skip';
    default:
      return 'descend';
  }
}

function visitIdentifier(name: string, step: FlowVisit, finder: SourceFinder): 'descend' | 'skip' {
  const { index, names } = finder;
  const found = findParameter(index, step.functionId, name);
  const decorator = found?.parameter.decorators.find((candidate) =>
    WHOLE_REQUEST_DECORATORS.includes(candidate.path),
  );
  // TODO: a FastAPI body parameter typed with a Pydantic model (`body: LoginBody`) is the whole
  // request body. The file model has no facts for classes without methods, so the `BaseModel`
  // base and the `password` field of `LoginBody` cannot be seen here.
  if (found?.parameter.type && hasCredentialType(found.parameter.type)) {
    // FastAPI: `form: OAuth2PasswordRequestForm = Depends()` contains the password.
    finder.add({ kind: 'request', label: name });
    return 'skip';
  }
  if (decorator) {
    // NestJS: `@Body() body` is the whole body, `@Headers('authorization') auth` one header.
    const key = decorator.arguments?.[0]?.value;
    if (!key || key.kind !== 'string') {
      finder.add({ kind: 'request', label: name });
      return 'skip';
    }
    if (classifyName(key.value, names) === 'sensitive') {
      finder.add({ kind: 'name', label: name });
      return 'skip';
    }
  }

  if (classifyName(name, names) !== 'sensitive') {
    return 'descend';
  }
  if (!isMaskedBeforeCall(name, step, finder)) {
    finder.add({ kind: 'name', label: name });
  }
  return 'skip';
}

/** True for a parameter type naming a FastAPI credential class, also inside `Annotated[...]`. */
function hasCredentialType(type: string): boolean {
  return type.split(/\W+/).some((word) => CREDENTIAL_PARAMETER_TYPES.includes(word));
}

/**
 * True when `object[key]` is text for people rather than the secret: the object's name says it
 * contains messages or labels (`errorMessages.password`), or every object literal assigned to it
 * gives the key a sentence (`{ password: 'Password must be 12 characters' }`).
 */
function isTextEntry(object: Expr, key: string, step: FlowVisit, finder: SourceFinder): boolean {
  const path = getExprPath(object);
  if (path !== null) {
    const last = path.slice(path.lastIndexOf('.') + 1);
    const words = splitWords(last);
    const lastWord = words[words.length - 1] ?? '';
    if (TEXT_CONTAINER_NAMES.includes(last) || TEXT_CONTAINER_WORDS.has(lastWord)) {
      return true;
    }
  }
  if (object.kind !== 'identifier') {
    return false;
  }
  const bindings = findBindings(finder.index, step.functionId, object.name);
  return bindings.length > 0 && bindings.every((binding) => hasSentenceEntry(binding.value, key));
}

function hasSentenceEntry(value: Expr, key: string): boolean {
  if (value.kind !== 'object') {
    return false;
  }
  const entry = value.entries.find((candidate) => candidate.key === key);
  return entry?.value.kind === 'string' && /\S\s+\S/.test(entry.value.value);
}

/**
 * True when `expr` reads one cookie of the request (`req.cookies.sid`,
 * `request.cookies.get('session')?.value`) and the cookie's name is not a preference.
 */
function isCredentialCookieRead(expr: Expr, file: FileModel): boolean {
  const read = getCookieRead(expr, file);
  if (read === null) {
    return false;
  }
  if (read.name === null) {
    return true;
  }
  return !splitWords(read.name).some((word) => PREFERENCE_COOKIE_WORDS.has(word));
}

/** Returns the cookie that `expr` reads, with its name when written as a literal, or null. */
function getCookieRead(expr: Expr, file: FileModel): { name: string | null } | null {
  switch (expr.kind) {
    case 'member':
      if (isCookieMap(expr.object, file)) {
        return { name: expr.property };
      }
      // Next.js: `request.cookies.get('session')` returns `{ name, value }`.
      return expr.property === 'value' ? getCookieRead(expr.object, file) : null;
    case 'index':
      return isCookieMap(expr.object, file) ? { name: expr.key } : null;
    case 'call': {
      const callee = expr.callee;
      if (callee.kind !== 'member' || callee.property !== 'get') {
        return null;
      }
      if (!isCookieMap(callee.object, file)) {
        return null;
      }
      const argument = expr.arguments[0]?.value;
      return { name: argument?.kind === 'string' ? argument.value : null };
    }
    default:
      return null;
  }
}

/** True for a request cookie map: `req.cookies`, `request.COOKIES`, Next.js `cookies()`. */
function isCookieMap(expr: Expr, file: FileModel): boolean {
  if (expr.kind === 'other' && expr.children.length === 1) {
    // `(await cookies()).get('session')`.
    return isCookieMap(expr.children[0]!, file);
  }
  if (expr.kind === 'call') {
    return expr.calleePath === 'cookies' && isNextRequestFunction('cookies', file);
  }
  const path = getExprPath(expr);
  return path !== null && matchesPathEnd(path, COOKIE_MAPS);
}

/**
 * True when the last assignment to `name` before the log call, in the same function, leaves
 * nothing secret in it: `token = mask(token)`, `password = None`. Earlier and later assignments
 * do not count, so this is the one place where statement order matters.
 */
function isMaskedBeforeCall(name: string, step: FlowVisit, finder: SourceFinder): boolean {
  const { fact, index } = finder;
  if (step.functionId !== fact.functionId) {
    return false;
  }
  const before = findBindings(index, step.functionId, name).filter(
    (binding) =>
      binding.functionId === fact.functionId && isBefore(binding.range, fact.range),
  );
  const last = before.reduce<(typeof before)[number] | null>(
    (latest, binding) => (latest === null || isBefore(latest.range, binding.range) ? binding : latest),
    null,
  );
  return last !== null && isHarmless(last.value, finder, 0, { allowPlainStrings: false });
}

function isBefore(
  left: { startLine: number; startColumn: number },
  right: { startLine: number; startColumn: number },
): boolean {
  return (
    left.startLine < right.startLine ||
    (left.startLine === right.startLine && left.startColumn < right.startColumn)
  );
}

function visitCall(call: CallExpr, finder: SourceFinder): 'descend' | 'skip' {
  const { names } = finder;
  if (isSanitizerCall(call, names)) {
    return 'skip';
  }

  if (isCredentialCookieRead(call, finder.file)) {
    finder.add({ kind: 'name', label: getLabel(call, 'cookie') });
    return 'skip';
  }

  const path = call.calleePath;
  if (path !== null && matchesPathEnd(path, WHOLE_REQUEST_CALLS)) {
    finder.add({ kind: 'request', label: `${path}()` });
    return 'skip';
  }
  if (path !== null && isNextRequestFunction(path, finder.file)) {
    finder.add({ kind: 'request', label: `${path}()` });
    return 'skip';
  }

  const lookupKey = getLookupKey(call);
  if (lookupKey !== null) {
    if (classifyName(lookupKey, names) === 'sensitive') {
      finder.add({ kind: 'name', label: getLabel(call, lookupKey) });
    }
    // Skip: `request.headers.get("User-Agent")` returns one named, harmless value.
    return 'skip';
  }

  const calleeName = getCalleeName(call);
  const calleeClass = calleeName === null ? 'neutral' : classifyName(calleeName, names);
  if (calleeClass === 'derived') {
    // Skip: `getTokenName(token)` and `password_strength(pw)` return a derivation.
    return 'skip';
  }
  // Skip: `HTTPPasswordMgr()` builds a password manager, not a password.
  if (calleeClass === 'sensitive' && !isConstructorCall(call)) {
    // `get_api_key()`, `secrets.token_hex(16)`, `getCookie('sid')` return the secret itself.
    finder.add({ kind: 'name', label: `${path ?? calleeName}()` });
    return 'skip';
  }
  return 'descend';
}

/** Returns the string key of a lookup call (`password` for `data.get("password")`), or null. */
function getLookupKey(call: CallExpr): string | null {
  const calleeName = getCalleeName(call);
  if (calleeName === null || !Object.hasOwn(LOOKUP_METHODS, calleeName)) {
    return null;
  }
  const argument = call.arguments.filter((candidate) => candidate.name === null)[LOOKUP_METHODS[calleeName]!];
  return argument?.value.kind === 'string' ? argument.value.value : null;
}

function isNextRequestFunction(path: string, file: FileModel): boolean {
  return file.imports.some(
    (fact) =>
      fact.module === NEXT_REQUEST_FUNCTIONS.module &&
      fact.names.some((name) => name.local === path && NEXT_REQUEST_FUNCTIONS.names.includes(name.imported)),
  );
}

function addSecretLiteral(text: string, finder: SourceFinder): void {
  const format = findSecretFormat(text);
  if (format !== null) {
    finder.add({ kind: 'literal', label: format });
  }
}

/**
 * Returns the children that carry data into a logged value. It differs from `getFlowChildren`
 * where this rule has more to go on. A method call carries its receiver (`token.strip()`) but
 * not its callee name, `a && b` is `b` whenever `a` is set, and an index carries only its
 * object. An object entry whose key is sensitive was already judged as a whole.
 */
function getLogFlowChildren(expr: Expr, names: NameTables): Expr[] {
  switch (expr.kind) {
    case 'call': {
      const receiver = expr.callee.kind === 'member' ? [expr.callee.object] : [];
      if (isConstructorCall(expr) && !CARRYING_CONSTRUCTORS.includes(getCalleeName(expr) ?? '')) {
        return receiver;
      }
      if (getLookupKey(expr) === null && isLookupMethod(expr)) {
        // `cache.get(token)` returns what is stored under the token, not the token, and
        // `request.headers.get(name)` one header rather than the whole map.
        return receiver.filter((object) => !isWholeRequestPath(object));
      }
      const values = expr.arguments.map((argument) => argument.value);
      if (MAP_COPYING_FUNCTIONS.includes(getCalleeName(expr) ?? '')) {
        return [...receiver, ...values];
      }
      return [...receiver, ...values.filter((value) => !isWholeRequestPath(value))];
    }
    case 'member':
      return [];
    case 'index':
      return isSlice(expr) ? [] : [expr.object];
    case 'logical':
      return expr.operator === '&&' ? [expr.right] : [expr.left, expr.right];
    case 'object':
      return expr.entries
        .filter((entry) => entry.key === null || classifyName(entry.key, names) !== 'sensitive')
        .map((entry) => entry.value);
    default:
      return getFlowChildren(expr);
  }
}

/** True for `new X(...)` and, by naming convention, for calls of capitalized names: `SigV4Auth(...)`. */
function isConstructorCall(call: CallExpr): boolean {
  const calleeName = getCalleeName(call);
  return call.isNew || (calleeName !== null && /^[A-Z]/.test(calleeName));
}

function isLookupMethod(call: CallExpr): boolean {
  const calleeName = getCalleeName(call);
  return calleeName !== null && Object.hasOwn(LOOKUP_METHODS, calleeName);
}

/** `card[-4:]`, `token[:6]`: a slice logs a part of the value, the usual way to mask it. */
function isSlice(expr: IndexExpr): boolean {
  return expr.index.kind === 'other' && expr.index.syntax.includes('slice');
}

interface HarmlessOptions {
  /** When false, only empty or mask-like strings count: `password = "hunter2"` is a secret. */
  allowPlainStrings: boolean;
}

/** Maximum depth that `isHarmless` looks into a value before it calls the value harmful. */
const MAX_HARMLESS_DEPTH = 4;

/**
 * True when a value logged under a sensitive key carries no secret: a constant, a sanitizer
 * call, a comparison, a derived name, or something built only from those.
 */
function isHarmless(
  expr: Expr,
  finder: SourceFinder,
  depth: number,
  options: HarmlessOptions = { allowPlainStrings: true },
): boolean {
  const { names } = finder;
  if (depth > MAX_HARMLESS_DEPTH) {
    return false;
  }
  const isPart = (part: Expr) => isHarmless(part, finder, depth + 1, options);
  switch (expr.kind) {
    case 'string':
      if (findSecretFormat(expr.value) !== null) {
        return false;
      }
      return options.allowPlainStrings ? !isSecretLikeLiteral(expr.value) : isMaskLike(expr.value);
    case 'literal':
    case 'compare':
    case 'function':
      return true;
    case 'call': {
      const calleeName = getCalleeName(expr);
      return (
        isSanitizerCall(expr, names) ||
        (calleeName !== null && classifyName(calleeName, names) === 'derived')
      );
    }
    case 'identifier': {
      const nameClass = classifyName(expr.name, names);
      if (nameClass === 'derived') {
        return true;
      }
      const bindings = findBindings(finder.index, finder.fact.functionId, expr.name);
      return nameClass === 'neutral' && bindings.length > 0 && bindings.every((b) => isPart(b.value));
    }
    case 'member':
      return classifyName(expr.property, names) === 'derived';
    case 'index':
      return isSlice(expr) || (expr.key !== null && classifyName(expr.key, names) === 'derived');
    case 'template':
      return findSecretFormat(expr.literal) === null && expr.parts.every(isPart);
    case 'conditional':
      return isPart(expr.consequent) && isPart(expr.alternate);
    case 'logical':
      return expr.operator === '&&' ? isPart(expr.right) : isPart(expr.left) && isPart(expr.right);
    case 'array':
      return expr.items.every(isPart);
    case 'object':
      return expr.entries.every((entry) => isPart(entry.value));
    case 'other':
      return expr.children.every(isPart);
    default:
      return false;
  }
}

/**
 * True for a string that reads as a real secret under a sensitive key: 8 or more characters, no
 * whitespace, a digit or a symbol, and no placeholder. `"CorrectHorseBattery2"` is one;
 * `"Password must be 12 characters"`, `"user_password"` and `"<redacted>"` are not.
 */
function isSecretLikeLiteral(value: string): boolean {
  return (
    value.length >= MIN_SECRET_LITERAL_LENGTH &&
    !/\s/.test(value) &&
    /[^A-Za-z_.-]/.test(value) &&
    !isPlaceholderSecret(value)
  );
}

/** Empty, `***`, `xxxx`, `[REDACTED]`, `<hidden>`: strings that stand in for a secret. */
function isMaskLike(value: string): boolean {
  return /^[\s*xX•#.\-_]*$/.test(value) || /^[[<(]?(redacted|hidden|masked|filtered|removed)[\]>)]?$/i.test(value);
}

function isWholeRequestPath(expr: Expr): boolean {
  const path = getExprPath(expr);
  return path !== null && matchesPathEnd(path, WHOLE_REQUEST_PROPERTIES);
}

/** True when `path` is `entry` or ends with `.entry`, segment by segment. */
function matchesPathEnd(path: string, entries: string[]): boolean {
  return entries.some((entry) => path === entry || path.endsWith(`.${entry}`));
}

/** Returns the expression as written when it is short (`data['password']`), else its sensitive name. */
function getLabel(expr: Expr, name: string): string {
  const text = expr.text.replace(/\s+/g, ' ');
  return text.length <= 40 && !text.includes('`') ? text : name;
}

const logCallPatterns = new WeakMap<NameTables, RegExp>();

/**
 * Text every log call contains: a log method called on a receiver, `.info(` or `['warn'](`, or
 * a configured log function called bare, `print(`. A file without one cannot have a finding, so
 * it is not parsed.
 */
function getLogCallPattern(names: NameTables): RegExp {
  let pattern = logCallPatterns.get(names);
  if (!pattern) {
    const alternatives = names.logMethods.map(escapeRegExp).join('|');
    const forms = [
      `\\.\\s*(?:${alternatives})\\s*\\(`,
      `\\[\\s*['"\`](?:${alternatives})['"\`]\\s*\\]`,
    ];
    if (names.logFunctions.length > 0) {
      forms.push(`\\b(?:${names.logFunctions.map(escapeRegExp).join('|')})\\s*\\(`);
    }
    pattern = new RegExp(forms.join('|'));
    logCallPatterns.set(names, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
