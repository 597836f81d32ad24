import type { Argument, CallFact, Expr, FileModel, Range } from '../../model/types.js';
import { isDevelopmentCondition } from './conditions.js';
import {
  DEBUG_CONSTRUCTORS,
  DEVELOPMENT_SETTINGS_WORDS,
  DJANGO_SETTINGS,
  ERRORHANDLER_PACKAGE,
} from './names.js';

/** A statement that turns on a framework's debug mode, or mounts the `errorhandler` middleware. */
export interface DebugSetting {
  kind: 'debugMode' | 'debugErrorHandler';
  /** Source text of the setting, shortened for the message. */
  setting: string;
  range: Range;
}

const MAX_SETTING_LENGTH = 60;

/** Function names that say the function only runs in development: `setupDevTools`. */
const DEVELOPMENT_FUNCTION = /dev|debug|local/i;

/** Finds debug settings in `file`: Flask, Django, FastAPI and Starlette, and Express `errorhandler()`. */
export function findDebugSettings(file: FileModel): DebugSetting[] {
  if (file.language === 'python') {
    return [...findPythonDebugCalls(file), ...findDebugAssignments(file), ...findDjangoDebug(file)];
  }
  return findErrorHandlerMounts(file);
}

/** `app.run(debug=True)`, `FastAPI(debug=True)`, `app.config.update(DEBUG=True)`. */
function findPythonDebugCalls(file: FileModel): DebugSetting[] {
  const settings: DebugSetting[] = [];
  for (const fact of file.calls) {
    const path = fact.call.calleePath;
    if (path === null || isDevelopmentOnly(file, fact)) {
      continue;
    }
    const last = path.split('.').pop() ?? '';
    const isRunOrConstructor = last === 'run' || DEBUG_CONSTRUCTORS.has(path) || DEBUG_CONSTRUCTORS.has(last);
    const isConfigUpdate = /(^|\.)config\.(update|from_mapping)$/.test(path);
    const turnsOn =
      (isRunOrConstructor && hasTrueKeyword(fact.call.arguments, 'debug')) ||
      (isConfigUpdate && setsDebugKey(fact.call.arguments));
    if (turnsOn) {
      settings.push({ kind: 'debugMode', setting: shorten(fact.call.text), range: fact.range });
    }
  }
  return settings;
}

/** `app.debug = True` and `app.config['DEBUG'] = True`. */
function findDebugAssignments(file: FileModel): DebugSetting[] {
  const usesFlask =
    file.frameworks.includes('flask') || file.imports.some((fact) => fact.module.split('.')[0] === 'flask');
  const settings: DebugSetting[] = [];
  for (const assignment of file.propertyAssignments) {
    const path = assignment.targetPath;
    if (path === null || !isTrue(assignment.value)) {
      continue;
    }
    const isConfigKey = /(^|\.)config\.DEBUG$/.test(path);
    const isAppAttribute = /\.debug$/.test(path) && (usesFlask || /(^|\.)\w*app\.debug$/i.test(path));
    if ((isConfigKey || isAppAttribute) && !isGuardedAssignment(file, assignment.range)) {
      settings.push({ kind: 'debugMode', setting: shorten(getStatementText(assignment.target, assignment.value)), range: assignment.range });
    }
  }
  return settings;
}

/**
 * `DEBUG = True` at module level of a Django settings module: `settings.py`, or any module of a
 * `settings/` package, unless its name says it is for local development or tests.
 */
function findDjangoDebug(file: FileModel): DebugSetting[] {
  const parts = file.path.split('/');
  const fileName = (parts.pop() ?? '').replace(/\.py$/, '');
  const inSettingsPackage = parts.at(-1) === 'settings';
  const isSettingsFile = /(^|_)settings$/.test(fileName) || inSettingsPackage;
  if (!isSettingsFile || DEVELOPMENT_SETTINGS_WORDS.test(fileName)) {
    return [];
  }

  const moduleBindings = file.bindings.filter((binding) => binding.functionId === 0);
  const looksLikeDjango =
    inSettingsPackage ||
    file.imports.some((fact) => fact.module.split('.')[0] === 'django') ||
    moduleBindings.some((binding) => DJANGO_SETTINGS.has(binding.name));
  if (!looksLikeDjango) {
    return [];
  }
  return moduleBindings
    .filter((binding) => binding.name === 'DEBUG' && isTrue(binding.value))
    .map((binding) => ({ kind: 'debugMode' as const, setting: 'DEBUG = True', range: binding.range }));
}

/** `app.use(errorhandler())` with `errorhandler` from the npm package of that name. */
function findErrorHandlerMounts(file: FileModel): DebugSetting[] {
  const localNames = new Set<string>();
  for (const fact of file.imports) {
    if (fact.module === ERRORHANDLER_PACKAGE) {
      fact.names.forEach((name) => localNames.add(name.local));
    }
  }
  for (const binding of file.bindings) {
    const value = binding.value;
    const isRequire =
      value.kind === 'call' &&
      value.calleePath === 'require' &&
      value.arguments[0]?.value.kind === 'string' &&
      value.arguments[0].value.value === ERRORHANDLER_PACKAGE;
    if (isRequire) {
      localNames.add(binding.name);
    }
  }
  if (localNames.size === 0) {
    return [];
  }

  const settings: DebugSetting[] = [];
  for (const fact of file.calls) {
    const path = fact.call.calleePath;
    if (path === null || !/(^|\.)use$/.test(path) || isDevelopmentOnly(file, fact)) {
      continue;
    }
    const mountsIt = fact.call.arguments.some(({ value }) => {
      const target = value.kind === 'call' ? value.calleePath : value.kind === 'identifier' ? value.name : null;
      return target !== null && localNames.has(target);
    });
    if (mountsIt) {
      settings.push({ kind: 'debugErrorHandler', setting: shorten(fact.call.text), range: fact.range });
    }
  }
  return settings;
}

/** True when an environment check guards the call, or its function is named for development. */
function isDevelopmentOnly(file: FileModel, fact: CallFact): boolean {
  if (fact.guards.some(isDevelopmentCondition)) {
    return true;
  }
  const fn = file.functions.find((candidate) => candidate.id === fact.functionId);
  return fn?.name != null && DEVELOPMENT_FUNCTION.test(fn.name);
}

/**
 * True when a function named for development encloses the assignment.
 * TODO: property assignments carry no `guards` in the model, so
 * `if env == 'development': app.debug = True` is still reported.
 */
function isGuardedAssignment(file: FileModel, range: Range): boolean {
  return file.functions.some(
    (candidate) =>
      candidate.id !== 0 &&
      candidate.range.startLine <= range.startLine &&
      candidate.range.endLine >= range.endLine &&
      candidate.name !== null &&
      DEVELOPMENT_FUNCTION.test(candidate.name),
  );
}

function hasTrueKeyword(args: Argument[], name: string): boolean {
  return args.some((argument) => argument.name === name && isTrue(argument.value));
}

/** `update(DEBUG=True)` or `update({'DEBUG': True})`. */
function setsDebugKey(args: Argument[]): boolean {
  if (hasTrueKeyword(args, 'DEBUG')) {
    return true;
  }
  return args.some(
    ({ value }) =>
      value.kind === 'object' && value.entries.some((entry) => entry.key === 'DEBUG' && isTrue(entry.value)),
  );
}

function isTrue(expr: Expr): boolean {
  return expr.kind === 'literal' && expr.value === true;
}

function getStatementText(target: Expr, value: Expr): string {
  return `${target.text} = ${value.text}`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > MAX_SETTING_LENGTH ? `${line.slice(0, MAX_SETTING_LENGTH - 1)}…` : line;
}
