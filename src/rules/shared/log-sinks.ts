import { splitWords, type NameTables } from '../../config/names.js';
import { findBindings, findParameter, getExprPath, type FlowIndex } from '../../model/flow.js';
import type { CallExpr, CallFact, Expr } from '../../model/types.js';

/** How many bindings `isLoggerExpr` follows from a receiver to the logger factory call. */
const MAX_LOGGER_HOPS = 4;
/** Maximum length of callee text that a message quotes; longer callees become their dotted path. */
const MAX_SINK_LENGTH = 60;

/** The logger tables, prepared once per configuration. */
interface LoggerTables {
  loggerNames: Set<string>;
  /** One-word logger names, matched against the last word of a receiver: `requestLogger`, `audit_log`. */
  loggerWords: Set<string>;
  logMethods: Set<string>;
  factories: string[];
  /** Methods that return a child logger (`bind`, `child`, `opt`), from `logger.bind`-style factory entries. */
  childMethods: Set<string>;
}

const loggerTables = new WeakMap<NameTables, LoggerTables>();

function getLoggerTables(names: NameTables): LoggerTables {
  let tables = loggerTables.get(names);
  if (tables) {
    return tables;
  }
  const loggerNames = new Set(names.loggers);
  const childMethods = new Set<string>();
  const factories: string[] = [];
  for (const entry of names.loggerFactories) {
    const dot = entry.indexOf('.');
    if (dot !== -1 && loggerNames.has(entry.slice(0, dot)) && entry.indexOf('.', dot + 1) === -1) {
      childMethods.add(entry.slice(dot + 1));
    } else {
      factories.push(entry);
    }
  }
  tables = {
    loggerNames,
    loggerWords: new Set(names.loggers.filter((name) => /^[a-z]+$/.test(name))),
    logMethods: new Set(names.logMethods),
    factories,
    childMethods,
  };
  loggerTables.set(names, tables);
  return tables;
}

/**
 * Returns the callee of a call that writes a log record, as a message quotes it (`logger.info`,
 * `request.log.warn`, `structlog.get_logger().info`), or null. The callee must end in a log method, and its receiver
 * must be logger-like: a known logger name, a name bound to a logger factory call, or a child
 * logger of one. `Math.log(x)` and `changelog.info()` are not log calls.
 */
export function findLogSink(fact: CallFact, index: FlowIndex, names: NameTables): string | null {
  const tables = getLoggerTables(names);
  const callee = fact.call.callee;
  if (callee.kind !== 'member' || !tables.logMethods.has(callee.property)) {
    return null;
  }
  if (!isLoggerExpr(callee.object, index, fact.functionId, tables, 0)) {
    return null;
  }
  // The callee as written reads better in a message: `structlog.get_logger().info`.
  const text = callee.text.replace(/\s*\n\s*/g, '');
  return text.length <= MAX_SINK_LENGTH ? text : (fact.call.calleePath ?? callee.property);
}

/**
 * Returns the name of a bare call to a configured log function (`print(...)` once `print` is in
 * `names.logFunctions`), or null. A bare call has no receiver to tell a logger apart, so only
 * configured names count.
 */
export function findLogFunction(fact: CallFact, names: NameTables): string | null {
  const callee = fact.call.callee;
  if (callee.kind !== 'identifier' || !names.logFunctions.includes(callee.name)) {
    return null;
  }
  return callee.name;
}

function isLoggerExpr(
  expr: Expr,
  index: FlowIndex,
  functionId: number,
  tables: LoggerTables,
  hops: number,
): boolean {
  switch (expr.kind) {
    case 'identifier':
      return (
        isLoggerName(expr.name, tables) ||
        hasLoggerType(expr.name, index, functionId) ||
        (hops < MAX_LOGGER_HOPS &&
          findBindings(index, functionId, expr.name).some((binding) =>
            isLoggerExpr(binding.value, index, binding.functionId, tables, hops + 1),
          ))
      );
    case 'member':
      return isLoggerName(expr.property, tables) || isAssignedLogger(expr, index, tables, hops);
    case 'call':
      return isLoggerFactoryCall(expr, index, functionId, tables, hops);
    case 'other':
      // `(await getLogger()).info(...)`, `(logger as Logger).info(...)`.
      return (
        expr.children.length === 1 &&
        isLoggerExpr(expr.children[0]!, index, functionId, tables, hops)
      );
    default:
      return false;
  }
}

function isLoggerName(name: string, tables: LoggerTables): boolean {
  if (tables.loggerNames.has(name)) {
    return true;
  }
  const words = splitWords(name);
  return words.length > 1 && tables.loggerWords.has(words[words.length - 1]!);
}

/** True for a parameter annotated as a logger: `def audit(log: logging.Logger)`, `(l: pino.Logger)`. */
function hasLoggerType(name: string, index: FlowIndex, functionId: number): boolean {
  const found = findParameter(index, functionId, name);
  const type = found?.parameter.type?.trim();
  return type !== undefined && /(?:^|\.)\w*Logger$/.test(type);
}

/** True for `this.audit.info(...)` after `this.audit = pino()` anywhere in the file. */
function isAssignedLogger(expr: Expr, index: FlowIndex, tables: LoggerTables, hops: number): boolean {
  const path = getExprPath(expr);
  if (path === null || hops >= MAX_LOGGER_HOPS) {
    return false;
  }
  return index.file.propertyAssignments.some(
    (assignment) =>
      assignment.targetPath === path &&
      isLoggerExpr(assignment.value, index, assignment.functionId, tables, hops + 1),
  );
}

function isLoggerFactoryCall(
  call: CallExpr,
  index: FlowIndex,
  functionId: number,
  tables: LoggerTables,
  hops: number,
): boolean {
  const path = call.calleePath;
  if (path && tables.factories.some((entry) => path === entry || path.endsWith(`.${entry}`))) {
    return true;
  }
  // `structlog.get_logger().bind(user_id=...)`, `logger.opt(exception=True)`.
  return (
    call.callee.kind === 'member' &&
    tables.childMethods.has(call.callee.property) &&
    isLoggerExpr(call.callee.object, index, functionId, tables, hops)
  );
}
