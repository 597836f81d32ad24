import { splitWords, type NameTables } from '../../config/names.js';
import {
  findBindings,
  findParameter,
  getExprPath,
  walkFlow,
  type FlowIndex,
  type FlowStep,
} from '../../model/flow.js';
import type { CallExpr, Expr, FileModel } from '../../model/types.js';
import { findSecretFormat } from '../../util/secrets.js';
import { findImportedName, resolveImportedPath } from '../shared/imported-names.js';
import { classifyName, getCalleeName, isSanitizerCall } from '../shared/sensitive-names.js';
import {
  CONFIGURATION_GETTERS,
  CONFIGURATION_LOOKUPS,
  CONFIGURATION_NAMES,
  CONFIGURATION_PROPERTIES,
  CONNECTION_SECRET_PROPERTIES,
  DEPENDENCY_INFO_METHODS,
  ENVIRONMENT_LOOKUPS,
  ENVIRONMENT_PATHS,
  INFRASTRUCTURE_WORDS,
  SYSTEM_PATHS,
  WHOLE_CONFIGURATION_METHODS,
  type ExposureKind,
} from './system-names.js';

/** One value of a response that reveals something, and what. */
export interface Exposure {
  kind: ExposureKind;
  /** The value's name in the message: a key (`STRIPE_KEY`) or the expression (`sys.version`). */
  subject: string;
}

/** A key read from the environment or the configuration, classified by its words. */
type KeyClass = 'secret' | 'host' | null;

/** `postgres://user:secret@db:5432/app`: a URL with a password in it. */
const CREDENTIAL_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

/** Words before `key` that make it no secret: `STRIPE_PUBLISHABLE_KEY`, `RECAPTCHA_SITE_KEY`. */
const PUBLIC_KEY_WORDS = new Set(['public', 'publishable', 'site', 'pub']);

/** Objects whose properties come from the client, not the server: `request.host`, `req.hostname`. */
const REQUEST_OBJECTS = /^(?:req|request|ctx|context|self\.request|this\.request)(?:\.|$)/;

const MAX_SUBJECT_LENGTH = 40;

/**
 * Lists what the value of `body` reveals, following variables back through assignments,
 * containers and string building. Each value counts once; a sanitizer call (`len`, `bool`,
 * `hash`) and a comparison end the flow, so `bool(os.getenv('DATABASE_URL'))` reveals nothing.
 */
export function findExposures(
  file: FileModel,
  index: FlowIndex,
  body: Expr,
  functionId: number,
  names: NameTables,
): Exposure[] {
  const found: Exposure[] = [];
  const seen = new Set<string>();
  walkFlow(index, body, functionId, ({ expr, functionId: scope }) => {
    const result = classifyValue(file, index, expr, scope, names);
    if (result === 'descend') {
      return 'descend';
    }
    if (result !== 'skip' && !seen.has(`${result.kind}:${result.subject}`)) {
      seen.add(`${result.kind}:${result.subject}`);
      found.push(result);
    }
    return 'skip';
  });
  return found;
}

function classifyValue(
  file: FileModel,
  index: FlowIndex,
  expr: Expr,
  functionId: number,
  names: NameTables,
): Exposure | FlowStep {
  switch (expr.kind) {
    case 'call':
      return classifyCall(file, index, expr, functionId, names);
    case 'member':
    case 'index':
    case 'identifier':
      return classifyReference(file, index, expr, functionId, names);
    case 'string':
      return CREDENTIAL_URL.test(expr.value) || findSecretFormat(expr.value) !== null
        ? { kind: 'secret', subject: shorten(expr.text) }
        : 'skip';
    default:
      return 'descend';
  }
}

function classifyCall(
  file: FileModel,
  index: FlowIndex,
  call: CallExpr,
  functionId: number,
  names: NameTables,
): Exposure | FlowStep {
  const path = call.calleePath === null ? null : resolveImportedPath(file, call.calleePath);
  const firstArgument = call.arguments[0]?.value;
  const key = firstArgument?.kind === 'string' ? firstArgument.value : null;

  if (path !== null && ENVIRONMENT_LOOKUPS.includes(path)) {
    return key === null ? 'skip' : toKeyExposure(key, names);
  }
  const system = path === null ? undefined : findSystemPath(path);
  if (system !== undefined) {
    return { kind: system, subject: shorten(call.text) };
  }

  const method = getCalleeName(call);
  const receiver = call.callee.kind === 'member' ? call.callee.object : null;
  // `os.environ.copy()` and `os.environ.items()` return every variable, as `os.environ` does.
  if (receiver && method !== null && WHOLE_CONFIGURATION_METHODS.has(method) && isEnvironment(file, receiver)) {
    return { kind: 'environment', subject: shorten(call.text) };
  }
  if (receiver && method !== null && isConfigurationRoot(file, index, receiver, functionId)) {
    if (CONFIGURATION_LOOKUPS.has(method)) {
      return key === null ? 'skip' : toKeyExposure(key, names);
    }
    if (WHOLE_CONFIGURATION_METHODS.has(method)) {
      return { kind: 'configuration', subject: shorten(call.text) };
    }
  }
  if (method === 'getattr' && call.arguments.length >= 2) {
    const [target, name] = call.arguments;
    if (name!.value.kind === 'string' && isConfigurationRoot(file, index, target!.value, functionId)) {
      return toKeyExposure(name!.value.value, names);
    }
  }
  if (receiver && method !== null && DEPENDENCY_INFO_METHODS.has(method) && isDependencyClient(receiver)) {
    return { kind: 'dependency', subject: shorten(call.text) };
  }
  if (isSanitizerCall(call, names)) {
    return 'skip';
  }
  return 'descend';
}

function classifyReference(
  file: FileModel,
  index: FlowIndex,
  expr: Expr,
  functionId: number,
  names: NameTables,
): Exposure | FlowStep {
  const written = getExprPath(expr);
  if (written === null) {
    // `os.environ[name]`: a key the rule cannot read.
    return expr.kind === 'index' && isEnvironment(file, expr.object) ? 'skip' : 'descend';
  }
  const path = resolveImportedPath(file, written);

  const environment = ENVIRONMENT_PATHS.find((root) => path === root || path.startsWith(`${root}.`));
  if (environment !== undefined) {
    return path === environment
      ? { kind: 'environment', subject: shorten(expr.text) }
      : toKeyExposure(path.slice(environment.length + 1), names);
  }
  const system = findSystemPath(path);
  if (system !== undefined) {
    return { kind: system, subject: shorten(expr.text) };
  }

  const configurationKey = findConfigurationKey(file, index, expr, functionId);
  if (configurationKey !== null) {
    return configurationKey === '' || configurationKey.startsWith('__')
      ? { kind: 'configuration', subject: shorten(expr.text) }
      : toKeyExposure(configurationKey, names);
  }

  const property = written.slice(written.lastIndexOf('.') + 1);
  if (expr.kind === 'member' && property === 'nodename') {
    return { kind: 'host', subject: shorten(expr.text) };
  }
  if (CONNECTION_SECRET_PROPERTIES.has(property)) {
    return { kind: 'secret', subject: property };
  }
  if (expr.kind === 'member' && property === 'url' && /(?:^|\.)engine$/.test(getExprPath(expr.object) ?? '')) {
    return { kind: 'dependency', subject: shorten(expr.text) };
  }
  if (isSecretName(file, index, expr, written, functionId, names)) {
    return { kind: 'secret', subject: property };
  }
  return 'descend';
}

/** Finds the entry of `SYSTEM_PATHS` that `path` is, or is a property of (`platform.*`, `process.versions.node`). */
function findSystemPath(path: string): ExposureKind | undefined {
  let current = path;
  for (;;) {
    const kind = SYSTEM_PATHS[current];
    if (kind !== undefined) {
      return kind;
    }
    const dot = current.lastIndexOf('.');
    if (dot === -1) {
      return undefined;
    }
    current = current.slice(0, dot);
  }
}

function isEnvironment(file: FileModel, expr: Expr): boolean {
  const path = getExprPath(expr);
  return path !== null && ENVIRONMENT_PATHS.includes(resolveImportedPath(file, path));
}

/**
 * For a reference into the configuration, the key read from it (`SECRET_KEY` for
 * `settings.SECRET_KEY`, `mongoose.url` for `config.mongoose.url`), `''` for the whole object,
 * or null when `expr` does not read the configuration.
 */
function findConfigurationKey(
  file: FileModel,
  index: FlowIndex,
  expr: Expr,
  functionId: number,
): string | null {
  const keys: string[] = [];
  let current: Expr = expr;
  for (let depth = 0; depth < 16; depth++) {
    if (isConfigurationRoot(file, index, current, functionId)) {
      return keys.join('.');
    }
    if (current.kind === 'member') {
      keys.unshift(current.property);
      current = current.object;
    } else if (current.kind === 'index' && current.key !== null) {
      keys.unshift(current.key);
      current = current.object;
    } else {
      return null;
    }
  }
  return null;
}

/**
 * True when `expr` is a configuration object: an imported or module-level `settings`/`config`,
 * `app.config`, `current_app.config`, `this.configService`, or `get_settings()`.
 */
function isConfigurationRoot(file: FileModel, index: FlowIndex, expr: Expr, functionId: number): boolean {
  if (expr.kind === 'identifier') {
    if (!CONFIGURATION_NAMES.has(expr.name) || findParameter(index, functionId, expr.name)) {
      return false;
    }
    const bindings = findBindings(index, functionId, expr.name);
    if (bindings.length === 0) {
      return findImportedName(file, expr.name) !== null;
    }
    return bindings.every((binding) => binding.functionId === 0);
  }
  if (expr.kind === 'member') {
    if (!CONFIGURATION_PROPERTIES.has(expr.property)) {
      return false;
    }
    // `request.config` and `user.settings` belong to a request or a user, not to the service.
    const owner = getExprPath(expr.object);
    return owner !== null && /(?:^|\.)(?:app|current_app|application|this|self)$/.test(owner);
  }
  if (expr.kind === 'call') {
    const name = getCalleeName(expr);
    return name !== null && CONFIGURATION_GETTERS.has(name);
  }
  return false;
}

function isDependencyClient(receiver: Expr): boolean {
  const path = getExprPath(receiver);
  return path !== null && splitWords(path).some((word) => INFRASTRUCTURE_WORDS.has(word) || word === 'client');
}

/**
 * True for a secret-named value that is not built in this function, so the walk cannot judge
 * it by what it holds: an imported `SECRET_KEY`, `self.api_key`, `settings_module.JWT_SECRET`.
 */
function isSecretName(
  file: FileModel,
  index: FlowIndex,
  expr: Expr,
  written: string,
  functionId: number,
  names: NameTables,
): boolean {
  if (REQUEST_OBJECTS.test(written)) {
    return false;
  }
  const property = written.slice(written.lastIndexOf('.') + 1);
  if (classifyName(property, names) !== 'sensitive') {
    return false;
  }
  if (expr.kind !== 'identifier') {
    return true;
  }
  return findBindings(index, functionId, expr.name).length === 0 && !findParameter(index, functionId, expr.name);
}

function toKeyExposure(key: string, names: NameTables): Exposure | FlowStep {
  const keyClass = classifyKey(key, names);
  return keyClass === null ? 'skip' : { kind: keyClass, subject: key };
}

/**
 * Classifies an environment variable or configuration key. `STRIPE_KEY`, `DATABASE_URL` and
 * `db.password` are secrets. `DB_HOST`, `POSTGRES_SERVER` and `DB_USER` are internal hosts and
 * accounts. `APP_VERSION`, `NODE_ENV` and `PROJECT_NAME` are neither.
 */
export function classifyKey(key: string, names: NameTables): KeyClass {
  const words = splitWords(key);
  if (classifyName(key.replace(/\./g, '_'), names) === 'sensitive') {
    return 'secret';
  }
  const last = words[words.length - 1];
  const beforeLast = words[words.length - 2];
  if ((last === 'key' || last === 'keys') && !(beforeLast !== undefined && PUBLIC_KEY_WORDS.has(beforeLast))) {
    return words.length > 1 ? 'secret' : null;
  }
  const isInfrastructure = words.some((word) => INFRASTRUCTURE_WORDS.has(word));
  if (words.includes('dsn') || (words.includes('connection') && words.includes('string'))) {
    return 'secret';
  }
  if (isInfrastructure && words.some((word) => word === 'url' || word === 'uri' || word === 'databases')) {
    return 'secret';
  }
  if (words.some((word) => word === 'host' || word === 'hostname' || word === 'ip' || word === 'addr')) {
    return 'host';
  }
  if (isInfrastructure && words.some((word) => word === 'server' || word === 'user' || word === 'username')) {
    return 'host';
  }
  return null;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > MAX_SUBJECT_LENGTH ? `${line.slice(0, MAX_SUBJECT_LENGTH - 1)}…` : line;
}
