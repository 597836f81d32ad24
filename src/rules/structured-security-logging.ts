import type { NameTables } from '../config/names.js';
import { findBindings, getFlowChildren, getFlowIndex, type FlowIndex } from '../model/flow.js';
import type { CallFact, Expr, FileModel, TemplateExpr } from '../model/types.js';
import { findServiceAnchor, findServiceFacts, isTestPath, type ServiceFacts } from './shared/app-entry-points.js';
import { findLogSink } from './shared/log-sinks.js';
import { getSecurityContext, isSecurityMessage } from './shared/security-context.js';
import { defineRule } from './types.js';

/**
 * String building that bakes values into the message. `%` with a tuple is eager formatting;
 * the lazy form `logger.info("login failed for %s", user)` passes a plain string and is not
 * counted. `JSON.stringify` and `json.dumps` produce JSON, which is structured.
 */
const INTERPOLATIONS: Record<TemplateExpr['operation'], string | null> = {
  fstring: 'an f-string',
  template: 'a template literal',
  concat: 'string concatenation',
  percent: '`%` formatting',
  format: '`.format()`',
  join: '`.join()`',
  stringify: null,
  convert: null,
};

/** Python logging keywords that control the record and add no field. */
const RECORD_KEYWORDS = new Set(['exc_info', 'stack_info', 'stacklevel']);

/** Methods that return a logger with bound fields: structlog `bind`, pino and bunyan `child`. */
const BINDING_METHODS = new Set(['bind', 'child', 'new', 'with_fields', 'withFields', 'contextualize']);

/** Imports that configure JSON or key-value log output wherever they are used. */
const STRUCTURED_MODULES = [
  'structlog',
  'pythonjsonlogger',
  'json_log_formatter',
  'ecs_logging',
  'logstash_formatter',
  'pino',
  'pino-http',
  'nestjs-pino',
  'bunyan',
  'express-bunyan-logger',
  '@elastic/ecs-winston-format',
  '@elastic/ecs-pino-format',
];

/** Text in configuration values that names a JSON formatter: Django `LOGGING`, `dictConfig`. */
const JSON_FORMATTER_TEXT = /JsonFormatter|jsonlogger|json_log_formatter|JSONRenderer|ecs_logging|LogstashFormatter/i;

interface Summary {
  logCalls: number;
  /** The code that configures structured output in this file, if any: `structlog`, `winston.format.json`. */
  structuredConfig: string | null;
  /** App entry points and served routes: only a service gets the project finding, at its entry point. */
  service: ServiceFacts | null;
}

export default defineRule<Summary>({
  id: 'CC7.1.3',
  name: 'structured-security-logging',
  criterion: 'CC7.1',
  severity: 'low',
  cwe: ['CWE-778'],
  summary: 'Require structured fields in security event logs and a structured log format',
  rationale:
    'A SIEM correlates security events by their fields: user, client address, action, outcome. ' +
    'A message with the values baked in by string formatting has to be parsed back with ' +
    'patterns that break whenever the wording changes, so alerts and investigations miss events.',
  remediation:
    'Pass the values of a security event as fields (`extra=` for Python logging, keyword ' +
    'arguments for structlog and loguru, an object argument for pino, winston and bunyan) and ' +
    'configure a JSON formatter or renderer for the service.',
  compliant: [
    'Log calls with structured fields: `extra=`, structlog or loguru keyword arguments, an object argument, or a logger with bound fields (`log.bind(user=...)`, `logger.child({...})`).',
    'A constant message with lazy `%s` arguments (`logger.warning("login failed for %s", user)`): the message stays a constant that aggregators group by, and Python keeps the values apart in `record.args`.',
    'A JSON string built with `json.dumps` or `JSON.stringify`.',
    'Interpolated messages outside security code: only log calls in login, authorization, admin and violation code, or whose message names a security event, are checked.',
    'A project that configures structured output: structlog, python-json-logger, a JSON formatter in `dictConfig` or Django `LOGGING`, loguru `serialize=True`, pino, bunyan, winston `format.json()`, NestJS `ConsoleLogger` with `json: true` or nestjs-pino.',
  ],
  aicpa: [
    {
      criterion: 'CC7.2',
      reason: 'Automated monitoring can only evaluate security events whose fields it can read.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  messages: {
    interpolatedMessage:
      'Security event logged by `{sink}` in `{name}` is built with {operation} and has no structured fields. Pass the values as fields.',
    noStructuredLogging:
      'This service logs ({count} {calls}) but configures no structured (JSON) log output. Configure a JSON formatter or a structured logger.',
  },
  check(file, context) {
    if (isTestPath(file.path)) {
      return;
    }
    const index = getFlowIndex(file);
    for (const fact of file.calls) {
      const sink = findLogSink(fact, index, context.names);
      if (sink === null) {
        continue;
      }
      checkLogCall(file, fact, index, context.names, (name, operation) =>
        context.report({
          messageId: 'interpolatedMessage',
          data: { sink, name, operation },
          range: fact.range,
          functionName: name,
        }),
      );
    }
  },
  summarize(file, context) {
    if (isTestPath(file.path)) {
      return null;
    }
    const index = getFlowIndex(file);
    const logCalls = file.calls.filter((fact) => findLogSink(fact, index, context.names) !== null).length;
    const structuredConfig = findStructuredConfig(file);
    const service = findServiceFacts(file);
    if (logCalls === 0 && structuredConfig === null && service === null) {
      return null;
    }
    return { logCalls, structuredConfig, service };
  },
  checkProject(_project, summaries, context) {
    if (summaries.some((entry) => entry.summary.structuredConfig !== null)) {
      return;
    }
    const count = summaries.reduce((total, entry) => total + entry.summary.logCalls, 0);
    if (count === 0) {
      return;
    }
    // A library or a framework's own source leaves the log format to the service that uses it.
    const anchor = findServiceAnchor(summaries.map(({ path, summary }) => ({ path, facts: summary.service })));
    if (anchor === null) {
      return;
    }
    context.report({
      messageId: 'noStructuredLogging',
      data: { count: String(count), calls: count === 1 ? 'log call' : 'log calls' },
      range: anchor.range,
      path: anchor.path,
    });
  },
});

function checkLogCall(
  file: FileModel,
  fact: CallFact,
  index: FlowIndex,
  names: NameTables,
  report: (name: string, operation: string) => void,
): void {
  const message = fact.call.arguments[0]?.value;
  if (message === undefined || message.kind !== 'template') {
    return;
  }
  const operation = INTERPOLATIONS[message.operation];
  if (operation === null || hasStructuredFields(fact, index)) {
    return;
  }
  const fn = file.functions.find((candidate) => candidate.id === fact.functionId);
  const isSecurityCode = fact.functionId !== 0 && getSecurityContext(file, fact.functionId, names) !== null;
  if (!isSecurityCode && !isSecurityMessage(message.literal, names)) {
    return;
  }
  report(fn?.name ?? (fact.functionId === 0 ? 'module code' : 'anonymous function'), operation);
}

function hasStructuredFields(fact: CallFact, index: FlowIndex): boolean {
  const [, ...rest] = fact.call.arguments;
  // structlog and loguru key-value arguments, Python `extra=`: `log.warning("denied", user=uid)`.
  if (fact.call.arguments.some((argument) => argument.name !== null && !RECORD_KEYWORDS.has(argument.name))) {
    return true;
  }
  if (fact.call.arguments.some((argument) => argument.spread === 'dict')) {
    return true;
  }
  // winston `logger.warn(message, { user })`, bunyan `log.info(message, fields)` is rare but valid.
  if (rest.some((argument) => argument.value.kind === 'object')) {
    return true;
  }
  const callee = fact.call.callee;
  return callee.kind === 'member' && hasBoundFields(callee.object, index, fact.functionId, 0);
}

/** True for a logger that carries fields: `log.bind(user=uid)`, `logger.child({ requestId })`. */
function hasBoundFields(expr: Expr, index: FlowIndex, functionId: number, hops: number): boolean {
  if (hops > 3) {
    return false;
  }
  if (expr.kind === 'call') {
    const callee = expr.callee;
    return (
      (callee.kind === 'member' && BINDING_METHODS.has(callee.property) && expr.arguments.length > 0) ||
      (callee.kind === 'member' && hasBoundFields(callee.object, index, functionId, hops + 1))
    );
  }
  if (expr.kind === 'identifier') {
    return findBindings(index, functionId, expr.name).some((binding) =>
      hasBoundFields(binding.value, index, binding.functionId, hops + 1),
    );
  }
  return false;
}

/** Returns what configures structured log output in this file, or null. */
function findStructuredConfig(file: FileModel): string | null {
  for (const entry of file.imports) {
    if (STRUCTURED_MODULES.some((module) => entry.module === module || entry.module.startsWith(`${module}.`))) {
      return entry.module;
    }
  }
  for (const fact of file.calls) {
    const path = fact.call.calleePath ?? '';
    const last = path.split('.').pop();
    // winston `format.json()` or `format.logstash()`, also after `const { json } = format`.
    if ((last === 'json' || last === 'logstash') && /(?:^|\.)format\.|^json$|^logstash$/.test(path) && hasImport(file, 'winston')) {
      return `winston ${path}`;
    }
    // loguru `logger.add(sink, serialize=True)`; NestJS `new ConsoleLogger({ json: true })`.
    if (fact.call.arguments.some((argument) => isTrueOption(argument.name, argument.value, 'serialize'))) {
      return `${path} serialize=True`;
    }
    if (last === 'ConsoleLogger' && fact.call.arguments.some((argument) => hasTrueEntry(argument.value, 'json'))) {
      return 'ConsoleLogger json';
    }
    if (fact.call.arguments.some((argument) => JSON_FORMATTER_TEXT.test(argument.value.text))) {
      return path;
    }
  }
  // Django `LOGGING = {...}` and dict configs: a formatter class named anywhere in the literal.
  for (const binding of file.bindings) {
    if (binding.functionId === 0 && containsString(binding.value, JSON_FORMATTER_TEXT)) {
      return binding.name;
    }
  }
  return null;
}

function containsString(root: Expr, pattern: RegExp): boolean {
  const stack: Expr[] = [root];
  for (let visited = 0; stack.length > 0 && visited < 2000; visited++) {
    const expr = stack.pop()!;
    if (expr.kind === 'string' && pattern.test(expr.value)) {
      return true;
    }
    stack.push(...getFlowChildren(expr));
  }
  return false;
}

function hasImport(file: FileModel, module: string): boolean {
  return file.imports.some((entry) => entry.module === module);
}

function isTrueOption(name: string | null, value: Expr, option: string): boolean {
  return name === option && value.kind === 'literal' && value.value === true;
}

function hasTrueEntry(expr: Expr, key: string): boolean {
  return (
    expr.kind === 'object' &&
    expr.entries.some((entry) => entry.key === key && entry.value.kind === 'literal' && entry.value.value === true)
  );
}
