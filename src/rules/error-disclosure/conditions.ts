import type { ConditionalExpr, Expr, LogicalExpr } from '../../model/types.js';
import { isClientSafeType } from './exception-scopes.js';

/** The environment a branch runs in, read from its condition; null when the condition says none. */
export type Environment = 'development' | 'production';

/** Comparisons that leave production out: `NODE_ENV !== 'production'`. */
const NOT_PRODUCTION = /!==?\s*['"]prod(uction)?['"]|['"]prod(uction)?['"]\s*!==?/;
/** Comparisons that leave development out: `env != 'development'`. */
const NOT_DEVELOPMENT = /!==?\s*['"](dev|development)['"]|['"](dev|development)['"]\s*!==?/;
const PRODUCTION = /\bprod(uction)?\b|\bisProd\w*|\bIS_PROD\w*/i;
/** `settings.DEBUG`, `app.debug`, `isDevelopment`, `app.get('env') === 'development'`, `__DEV__`. */
const DEVELOPMENT = /development|\bdev\b|\bisDev\w*|__DEV__|\bDEBUG\b|\.debug\b|\bdebug\b|\btesting\b|\bTESTING\b/i;

/**
 * Conditions that single out errors meant for the client: `err.expose`, `err.status < 500`,
 * `err.statusCode === 404`, `err.isJoi`, `err.type === 'entity.parse.failed'`,
 * `err.name === 'ValidationError'`.
 */
const CLIENT_ERROR =
  /\.expose\b|\bisOperational\b|\.isJoi\b|\.isBoom\b|\bisHttpError\b|(status|statusCode|status_code)\s*<=?\s*(4\d\d|500)\b|(status|statusCode|status_code|code)\s*===?\s*4\d\d\b|\.type\s*===?\s*['"]entity\.parse\.failed['"]|\.name\s*===?\s*['"]\w*(Validation|Cast|Syntax)\w*['"]/;

/** Type names in `isinstance(e, (A, B))` and `e instanceof A` conditions. */
const TYPE_CHECK = /isinstance\(\s*[\w.]+\s*,\s*\(?([\w.,\s]+?)\)?\s*\)|instanceof\s+([\w.]+)/g;

/**
 * Returns the environment a condition selects: `if settings.DEBUG:` and
 * `if (process.env.NODE_ENV !== 'production')` select development, `if (isProd)` production,
 * and a negation (`not app.debug`, `!isDev`) flips it.
 */
export function getConditionEnvironment(condition: string): Environment | null {
  const { text, isNegated } = stripNegation(condition);
  const environment = readEnvironment(text);
  if (environment === null || !isNegated) {
    return environment;
  }
  return environment === 'development' ? 'production' : 'development';
}

/**
 * Returns the operands of a conditional or logical expression whose value can reach a client in
 * production: `isDev ? err.stack : 'Internal error'` keeps only the alternate, `err.expose ?
 * err.message : 'Internal error'` too, and `isDev && err.stack` none.
 */
export function getLiveOperands(expr: ConditionalExpr | LogicalExpr, extraTypes: ReadonlySet<string>): Expr[] {
  if (expr.kind === 'logical') {
    const left = expr.left.text;
    const guardsRight =
      expr.operator === '&&' && (isDevelopmentCondition(left) || isClientErrorCondition(left, extraTypes));
    return guardsRight ? [expr.left] : [expr.left, expr.right];
  }
  const test = expr.test.text;
  const environment = getConditionEnvironment(test);
  const clientCheck = readClientCheck(test, extraTypes);
  if (environment === 'development' || clientCheck === 'client') {
    return [expr.alternate];
  }
  if (environment === 'production' || clientCheck === 'negated') {
    return [expr.consequent];
  }
  return [expr.consequent, expr.alternate];
}

/** True when the condition holds only in development. */
export function isDevelopmentCondition(condition: string): boolean {
  return getConditionEnvironment(condition) === 'development';
}

/**
 * True for a condition that holds only for errors meant for the client: `err.expose`,
 * `err.status < 500`, `isinstance(e, ValidationError)`, `err instanceof HttpError`. A negated
 * condition (`not isinstance(e, ValidationError)`) selects the other errors, so it never counts.
 * With a `status` of 404, `err instanceof OrderNotFound` counts too.
 */
export function isClientErrorCondition(
  condition: string,
  extraTypes: ReadonlySet<string>,
  status: number | null = null,
): boolean {
  return readClientCheck(condition, extraTypes, status) === 'client';
}

/** Classifies a condition as a client-error check (`client`), its negation (`negated`), or neither. */
function readClientCheck(
  condition: string,
  extraTypes: ReadonlySet<string>,
  status: number | null = null,
): 'client' | 'negated' | null {
  const { text, isNegated } = stripNegation(condition);
  let isClientCheck = CLIENT_ERROR.test(text);
  for (const match of text.matchAll(TYPE_CHECK)) {
    const types = (match[1] ?? match[2] ?? '').split(',').filter((type) => type.trim() !== '');
    if (types.length > 0 && types.every((type) => isClientSafeType(type, extraTypes, status))) {
      isClientCheck = true;
    }
  }
  if (!isClientCheck) {
    return null;
  }
  return isNegated ? 'negated' : 'client';
}

function readEnvironment(text: string): Environment | null {
  if (NOT_PRODUCTION.test(text)) {
    return 'development';
  }
  if (NOT_DEVELOPMENT.test(text) || PRODUCTION.test(text)) {
    return 'production';
  }
  return DEVELOPMENT.test(text) ? 'development' : null;
}

function stripNegation(condition: string): { text: string; isNegated: boolean } {
  let text = condition.trim();
  let isNegated = false;
  for (let depth = 0; depth < 4; depth++) {
    const negation = /^(not\s+|!(?!=))/.exec(text);
    if (!negation) {
      break;
    }
    isNegated = !isNegated;
    text = text.slice(negation[0].length).trim();
    if (text.startsWith('(') && text.endsWith(')')) {
      text = text.slice(1, -1).trim();
    }
  }
  return { text, isNegated };
}
