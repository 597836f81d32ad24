import { splitWords, type NameTables } from '../config/names.js';
import { getFlowIndex } from '../model/flow.js';
import type { CallFact, Expr, FileModel, FunctionFact, Range } from '../model/types.js';
import {
  getHandledTypes,
  getLanguageFamily,
  isCoveredCentrally,
  type CentralHandler,
  type LanguageFamily,
} from './shared/central-handlers.js';
import { getPathWords } from './shared/endpoints.js';
import { findServiceAnchor, findServiceFacts, isTestPath, type ServiceFacts } from './shared/app-entry-points.js';
import { describeFunction, getFunctionName, getLoggingIndex } from './shared/log-calls.js';
import { findLogSink } from './shared/log-sinks.js';
import { findAuthenticationOutcomes } from './shared/login-outcomes.js';
import { findDenials, getSecurityContext } from './shared/security-context.js';
import { getFunction } from './shared/function-scopes.js';
import { defineRule, type RuleContext } from './types.js';

/** Modules whose presence gives the service a way to alert people: error trackers, paging, chat. */
const ALERTING_MODULES = [
  'sentry_sdk',
  'raven',
  'rollbar',
  'bugsnag',
  'pdpyras',
  'pagerduty',
  'opsgenie_sdk',
  'slack_sdk',
  'slack',
  'slack-notify',
  '@sentry/',
  '@bugsnag/',
  '@pagerduty/',
  'node-pagerduty',
  'opsgenie-sdk',
  '@slack/',
  'honeybadger',
  '@honeybadger-io/',
  'airbrake',
  '@airbrake/',
];

/** Strings in settings that route errors to people: Django `AdminEmailHandler`, a Slack webhook URL. */
const ALERTING_TEXT = /AdminEmailHandler|hooks\.slack\.com|events\.pagerduty\.com|api\.opsgenie\.com/;

/** Django apps and Node packages that count failed logins and lock accounts. */
const TRACKING_APPS = ['axes', 'defender'];
const TRACKING_MODULES = ['axes', 'defender', 'express-brute', 'express-bouncer'];

/** Field names that count failures: `user.failed_attempts += 1`, `user.loginAttempts = 0`. */
const TRACKING_FIELD_WORDS = new Set(['attempts', 'failures', 'lockout', 'strikes']);

/** Words that, with a counting verb, name a tracker call: `record_failure`, `registerFailedAttempt`. */
const FAILURE_WORDS = new Set(['fail', 'failed', 'failure', 'failures', 'attempt', 'attempts']);
const COUNTING_VERBS = new Set(['record', 'register', 'track', 'count', 'increment', 'incr', 'add', 'note', 'penalize', 'penalty', 'consume']);

type SiteCategory = 'login' | 'denial' | 'rateLimit';

const CATEGORY_NAMES: Record<SiteCategory, { one: string; many: string }> = {
  login: { one: 'failed credential check', many: 'failed credential checks' },
  denial: { one: 'authorization denial', many: 'authorization denials' },
  rateLimit: { one: 'rate-limit rejection', many: 'rate-limit rejections' },
};

/** A failure that should be counted against a threshold. */
interface FailureSite {
  category: SiteCategory;
  tracked: boolean;
  name: string;
  range: Range;
  raised: { status: number; exception: string | null; family: LanguageFamily } | null;
}

/** A critical security event that should alert at once. */
interface CriticalEvent {
  event: string;
  name: string;
  logged: boolean;
  range: Range;
}

interface Summary {
  /** The evidence of an alerting path in this file, if any: `sentry_sdk`, `send_alert`. */
  alerting: string | null;
  tracks: boolean;
  /** True when an installed app or package counts failed logins for every login (django-axes). */
  tracksLogins: boolean;
  sites: FailureSite[];
  critical: CriticalEvent[];
  trackingHandlers: CentralHandler[];
  /** App entry points and served routes: only a service gets the no-alerting finding, at its entry point. */
  service: ServiceFacts | null;
}

export default defineRule<Summary>({
  id: 'CC7.2.1',
  name: 'security-alerting',
  criterion: 'CC7.2',
  severity: 'medium',
  cwe: ['CWE-778'],
  summary: 'Require alerts or threshold tracking for repeated failures and critical security events',
  rationale:
    'Logs alone are read after the fact. A brute-force run, a burst of denied requests or an ' +
    'admin granting itself rights needs someone told while it happens, so a service must count ' +
    'failures against a threshold and alert on critical events.',
  remediation:
    'Count failed logins, denials and rate-limit rejections per user or address (a cache ' +
    '`incr`, a failed-attempts field, a lockout library) and alert past a threshold; send ' +
    'critical events (violations, deleting users, granting admin, disabling MFA) to PagerDuty, ' +
    'Opsgenie, Slack, a security mailbox or an error tracker at once.',
  compliant: [
    'A threshold tracker on the failure path: `cache.incr`, `redis.incr`, `failed_attempts += 1`, `lockout`, django-axes, django-defender, express-brute.',
    'An alert call: `send_alert`, `notify_security`, a PagerDuty or Opsgenie client, `sentry_sdk.capture_message`, `Sentry.captureException`, `mail_admins`.',
    'A call to a function of the same file that tracks or alerts.',
    'For raised denials: an error handler that covers them and tracks or alerts.',
  ],
  aicpa: [
    {
      criterion: 'CC7.3',
      reason: 'Security events are evaluated only when someone is told about them in time.',
    },
    {
      criterion: 'CC7.4',
      reason: 'Incident response starts from an alert; without one it starts from a customer complaint.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  messages: {
    noAlertingPath:
      'No alerting path found in this service: no PagerDuty, Opsgenie, Slack or webhook alert, security mail, Sentry-like SDK, or failed-attempt counter. Alert on repeated failures and critical events.',
    failuresUntracked:
      '{count} {events} in this service, the first here, are neither counted against a threshold nor alerted on. Count them and alert past a threshold.',
    failureUntracked:
      'The {event} in `{name}` is neither counted against a threshold nor alerted on. Count it and alert past a threshold.',
    criticalEventNotAlerted:
      '{event} in `{name}` is {handling} and raises no alert. Send an alert to the security team for it.',
  },
  summarize(file, context) {
    if (isTestPath(file.path)) {
      return null;
    }
    const names = context.names;
    const helpers = findHelperNames(file, names);
    const summary: Summary = {
      alerting: findAlertingPath(file, names),
      tracks: file.calls.some((fact) => isTrackerCall(fact, names)) || hasTrackingField(file) || hasTrackingApp(file),
      tracksLogins: hasTrackingApp(file),
      sites: findFailureSites(file, names, helpers),
      critical: findCriticalEvents(file, names, helpers),
      trackingHandlers: findTrackingHandlers(file, names, helpers),
      service: findServiceFacts(file),
    };
    const isEmpty =
      summary.alerting === null &&
      !summary.tracks &&
      summary.sites.length === 0 &&
      summary.critical.length === 0 &&
      summary.service === null;
    return isEmpty ? null : summary;
  },
  checkProject(_project, summaries, context) {
    const sites = summaries
      .flatMap(({ path, summary }) => summary.sites.map((site) => ({ path, site })))
      .sort((a, b) => a.path.localeCompare(b.path) || a.site.range.startLine - b.site.range.startLine);
    const critical = summaries.flatMap(({ path, summary }) => summary.critical.map((event) => ({ path, event })));
    if (sites.length === 0 && critical.length === 0) {
      return;
    }
    const hasAlerting = summaries.some((entry) => entry.summary.alerting !== null);
    const hasTracking = summaries.some((entry) => entry.summary.tracks);
    if (!hasAlerting && !hasTracking) {
      // A library or a framework's own source leaves alerting to the service that uses it.
      const anchor = findServiceAnchor(summaries.map(({ path, summary }) => ({ path, facts: summary.service })));
      if (anchor !== null) {
        context.report({ messageId: 'noAlertingPath', range: anchor.range, path: anchor.path });
      }
      return;
    }

    const handlers = summaries.flatMap((entry) => entry.summary.trackingHandlers);
    const tracksLogins = summaries.some((entry) => entry.summary.tracksLogins);
    const untracked = sites.filter(
      ({ site }) =>
        !site.tracked &&
        !(site.category === 'login' && tracksLogins) &&
        !(site.raised !== null && isCoveredCentrally(site.raised, handlers)),
    );
    for (const category of ['login', 'denial', 'rateLimit'] as const) {
      const all = sites.filter(({ site }) => site.category === category);
      const open = untracked.filter(({ site }) => site.category === category);
      reportSites(category, all.length, open, context);
    }
    for (const { path, event } of critical) {
      context.report({
        messageId: 'criticalEventNotAlerted',
        data: { event: event.event, name: event.name, handling: event.logged ? 'only logged' : 'not logged' },
        range: event.range,
        path,
        functionName: event.name,
      });
    }
  },
});

/**
 * Reports one finding for a category when none of its failures is tracked (the gap is the same
 * everywhere), one per failure when only some are.
 */
function reportSites(
  category: SiteCategory,
  total: number,
  open: { path: string; site: FailureSite }[],
  context: RuleContext,
): void {
  if (open.length === 0) {
    return;
  }
  if (open.length === total && total > 1) {
    const [first] = open;
    context.report({
      messageId: 'failuresUntracked',
      data: { count: String(total), events: CATEGORY_NAMES[category].many },
      range: first!.site.range,
      path: first!.path,
      functionName: first!.site.name,
    });
    return;
  }
  for (const { path, site } of open) {
    context.report({
      messageId: 'failureUntracked',
      data: { event: CATEGORY_NAMES[category].one, name: site.name },
      range: site.range,
      path,
      functionName: site.name,
    });
  }
}

function findFailureSites(file: FileModel, names: NameTables, helpers: HelperNames): FailureSite[] {
  const sites: FailureSite[] = [];
  const family = getLanguageFamily(file.language);
  const loginRanges = new Set<string>();
  for (const outcome of findAuthenticationOutcomes(file, names)) {
    if (outcome.kind !== 'failure') {
      continue;
    }
    loginRanges.add(rangeKey(outcome.range));
    const fn = getFunction(file, outcome.functionId);
    sites.push({
      category: 'login',
      tracked: isTrackedFunction(file, fn, names, helpers),
      name: describeFunction(file, fn),
      range: outcome.range,
      raised: null,
    });
  }
  for (const denial of findDenials(file, names)) {
    const fn = file.functions.find((candidate) => candidate.id === denial.functionId);
    if (!fn || fn.isErrorHandler || loginRanges.has(rangeKey(denial.range))) {
      continue;
    }
    sites.push({
      category: 'denial',
      tracked: isTrackedFunction(file, fn, names, helpers),
      name: describeFunction(file, fn),
      range: denial.range,
      raised: denial.form === 'raise' ? { status: denial.status, exception: denial.exception, family } : null,
    });
  }
  for (const response of file.responses) {
    const fn = file.functions.find((candidate) => candidate.id === response.functionId);
    if (response.status !== 429 || !fn) {
      continue;
    }
    sites.push({
      category: 'rateLimit',
      tracked: isTrackedFunction(file, fn, names, helpers),
      name: describeFunction(file, fn),
      range: response.range,
      raised: null,
    });
  }
  return sites;
}

/** Words that name a critical operation, each with the objects it is dangerous on. */
const CRITICAL_OPERATIONS: { verbs: string[]; objects: string[]; event: string; privilegedOnly: boolean }[] = [
  { verbs: ['delete', 'remove', 'destroy'], objects: ['user', 'users', 'account', 'accounts'], event: 'Deleting a user', privilegedOnly: true },
  { verbs: ['grant', 'promote', 'make', 'set', 'assign', 'add'], objects: ['admin', 'superuser', 'staff', 'role', 'roles', 'permission', 'permissions'], event: 'Granting privileges', privilegedOnly: false },
  { verbs: ['disable', 'remove', 'delete', 'reset', 'deactivate'], objects: ['mfa', '2fa', 'totp', 'otp', 'factor'], event: 'Disabling MFA', privilegedOnly: false },
];

function findCriticalEvents(file: FileModel, names: NameTables, helpers: HelperNames): CriticalEvent[] {
  const events: CriticalEvent[] = [];
  const logging = getLoggingIndex(file, names);
  for (const fn of file.functions) {
    const context = getSecurityContext(file, fn.id, names);
    const violation = context?.signals.find((signal) => signal.kind === 'violation');
    const operation = fn.isRequestHandler ? findCriticalOperation(file, fn, context?.kinds.includes('privileged') ?? false) : null;
    const event = violation ? 'Security violation handling' : operation;
    if (!event || isAlertingFunction(file, fn, names, helpers)) {
      continue;
    }
    const name = describeFunction(file, fn);
    const logged = (logging.callsByFunction.get(fn.id) ?? []).length > 0;
    events.push({ event, name, logged, range: fn.nameRange });
  }
  return events;
}

function findCriticalOperation(file: FileModel, fn: FunctionFact, isPrivileged: boolean): string | null {
  // The verb may come from the name or the method and the object from the path:
  // `remove` on `DELETE users/:id`, `app.delete('/account/mfa', ...)`.
  const words = new Set<string>();
  for (const route of file.routes) {
    if (route.handlerId === fn.id) {
      route.methods.forEach((method) => words.add(method.toLowerCase()));
      (route.path === null ? [] : getPathWords(route.path)).forEach((word) => words.add(word));
    }
  }
  const name = getFunctionName(file, fn);
  (name === null ? [] : splitWords(name)).forEach((word) => words.add(word));
  for (const operation of CRITICAL_OPERATIONS) {
    if (operation.privilegedOnly && !isPrivileged) {
      continue;
    }
    const hasVerb = operation.verbs.some((verb) => words.has(verb));
    if (hasVerb && operation.objects.some((object) => words.has(object))) {
      return operation.event;
    }
  }
  return null;
}

/** Names of this file's functions that track failures or alert, so a call to one counts. */
interface HelperNames {
  tracking: Set<string>;
  alerting: Set<string>;
}

function findHelperNames(file: FileModel, names: NameTables): HelperNames {
  const tracking = new Set<string>();
  const alerting = new Set<string>();
  const index = getFlowIndex(file);
  for (const fn of file.functions) {
    const name = getFunctionName(file, fn);
    if (name === null) {
      continue;
    }
    const calls = file.calls.filter((fact) => fact.functionId === fn.id);
    if (calls.some((fact) => isAlertCall(fact, file, names, index))) {
      alerting.add(name);
    }
    if (calls.some((fact) => isTrackerCall(fact, names)) || hasTrackingField(file, fn.id)) {
      tracking.add(name);
    }
  }
  return { tracking, alerting };
}

function isTrackedFunction(file: FileModel, fn: FunctionFact, names: NameTables, helpers: HelperNames): boolean {
  const ids = getFunctionAndChildren(file, fn);
  return (
    isAlertingFunction(file, fn, names, helpers) ||
    file.calls.some(
      (fact) => ids.has(fact.functionId) && (isTrackerCall(fact, names) || helpers.tracking.has(getLastSegment(fact))),
    ) ||
    [...ids].some((id) => hasTrackingField(file, id))
  );
}

function isAlertingFunction(file: FileModel, fn: FunctionFact, names: NameTables, helpers: HelperNames): boolean {
  const ids = getFunctionAndChildren(file, fn);
  const index = getFlowIndex(file);
  return file.calls.some(
    (fact) =>
      ids.has(fact.functionId) &&
      (isAlertCall(fact, file, names, index) || helpers.alerting.has(getLastSegment(fact))),
  );
}

/**
 * True for a call that alerts people: a configured alerter, or a callee whose words include
 * `alert` (`send_security_alert`, `alertManager.alertCriticalEvent`). Skip: `logger.alert(...)`
 * writes a log record at syslog's alert level, and a bare `alert()` in JavaScript is the browser's.
 */
function isAlertCall(fact: CallFact, file: FileModel, names: NameTables, index: ReturnType<typeof getFlowIndex>): boolean {
  const path = fact.call.calleePath;
  if (path === null || findLogSink(fact, index, names) !== null) {
    return false;
  }
  const last = path.split('.').pop()!;
  if (path === 'alert' && file.language !== 'python') {
    return false;
  }
  if (names.alerters.some((entry) => (entry.includes('.') ? path.endsWith(entry) : last === entry))) {
    return true;
  }
  const words = splitWords(last);
  return words.includes('alert') || words.includes('alerts') || words.includes('pagerduty') || words.includes('opsgenie');
}

function isTrackerCall(fact: CallFact, names: NameTables): boolean {
  const last = getLastSegment(fact);
  if (names.failureTrackers.includes(last)) {
    return true;
  }
  const words = splitWords(last);
  return (
    words.includes('lockout') ||
    (words.some((word) => COUNTING_VERBS.has(word)) && words.some((word) => FAILURE_WORDS.has(word)))
  );
}

/** `user.failed_attempts += 1`, `user.loginAttempts = user.loginAttempts + 1`, `lockout_until = ...`. */
function hasTrackingField(file: FileModel, functionId?: number): boolean {
  return file.propertyAssignments.some((assignment) => {
    if (functionId !== undefined && assignment.functionId !== functionId) {
      return false;
    }
    const field = assignment.targetPath?.split('.').pop();
    return field !== undefined && splitWords(field).some((word) => TRACKING_FIELD_WORDS.has(word));
  });
}

function hasTrackingApp(file: FileModel): boolean {
  if (file.imports.some((entry) => TRACKING_MODULES.includes(entry.module))) {
    return true;
  }
  return file.bindings.some(
    (binding) =>
      binding.functionId === 0 &&
      binding.name === 'INSTALLED_APPS' &&
      hasString(binding.value, (value) => TRACKING_APPS.includes(value)),
  );
}

/** Returns what gives this file an alerting path, or null. */
function findAlertingPath(file: FileModel, names: NameTables): string | null {
  for (const entry of file.imports) {
    const matches = ALERTING_MODULES.some((module) =>
      module.endsWith('/') ? entry.module.startsWith(module) : entry.module === module || entry.module.startsWith(`${module}.`),
    );
    if (matches) {
      return entry.module;
    }
  }
  const index = getFlowIndex(file);
  const alert = file.calls.find((fact) => isAlertCall(fact, file, names, index));
  if (alert) {
    return alert.call.calleePath;
  }
  const binding = file.bindings.find(
    (candidate) => candidate.functionId === 0 && hasString(candidate.value, (value) => ALERTING_TEXT.test(value)),
  );
  return binding ? binding.name : null;
}

function findTrackingHandlers(file: FileModel, names: NameTables, helpers: HelperNames): CentralHandler[] {
  const family = getLanguageFamily(file.language);
  return file.functions
    .filter((fn) => fn.isErrorHandler && isTrackedFunction(file, fn, names, helpers))
    .map((fn) => ({ family, ...getHandledTypes(file, fn), logs: true }));
}

function hasString(root: Expr, test: (value: string) => boolean): boolean {
  const stack: Expr[] = [root];
  for (let visited = 0; stack.length > 0 && visited < 2000; visited++) {
    const expr = stack.pop()!;
    if (expr.kind === 'string' && test(expr.value)) {
      return true;
    }
    if (expr.kind === 'array') {
      stack.push(...expr.items);
    } else if (expr.kind === 'object') {
      stack.push(...expr.entries.map((entry) => entry.value));
    } else if (expr.kind === 'other') {
      stack.push(...expr.children);
    }
  }
  return false;
}

function getFunctionAndChildren(file: FileModel, fn: FunctionFact): Set<number> {
  return new Set([fn.id, ...file.functions.filter((child) => child.parentId === fn.id).map((child) => child.id)]);
}

function getLastSegment(fact: CallFact): string {
  return fact.call.calleePath?.split('.').pop() ?? '';
}

function rangeKey(range: Range): string {
  return `${range.startLine}:${range.startColumn}:${range.endLine}:${range.endColumn}`;
}
