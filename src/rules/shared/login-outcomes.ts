import type { NameTables } from '../../config/names.js';
import type { CallFact, FileModel, FunctionFact, Range } from '../../model/types.js';
import { comparePositions, isEnclosingBranch } from './log-calls.js';
import { findDenials, getSecurityContext, isCredentialCheck } from './security-context.js';

/** The end of one path through an authentication: the credential check failed or succeeded. */
export interface AuthenticationOutcome {
  functionId: number;
  kind: 'failure' | 'success';
  /** The response, raise or return that ends the path, as a message quotes it. */
  label: string;
  /** The credential check the outcome follows (`user.check_password`), or null for a 401 alone. */
  check: CallFact | null;
  guards: string[];
  catchId: number | null;
  range: Range;
}

/**
 * Returns the outcomes of credential checks in `file`. A failure is a response, raise or 401 in a
 * branch where the check failed (`if not user.check_password(pw)`, `if user is None`, `else`
 * of `if (await bcrypt.compare(...))`) or any 401 in the function. A success is a non-error
 * response of a login handler after the check, in the check's branch. Functions without a
 * credential check count only when they are login handlers that respond with 401.
 */
export function findAuthenticationOutcomes(file: FileModel, names: NameTables): AuthenticationOutcome[] {
  const outcomes: AuthenticationOutcome[] = [];
  const denials = findDenials(file, names);
  for (const fn of file.functions) {
    const context = getSecurityContext(file, fn.id, names);
    if (context === null || !context.kinds.includes('authentication')) {
      continue;
    }
    const checks = file.calls.filter((fact) => fact.functionId === fn.id && isCredentialCheck(fact.call, names));
    const isLoginHandler = context.isLogin && fn.isRequestHandler;
    if (checks.length === 0 && !isLoginHandler) {
      continue;
    }
    outcomes.push(...findFunctionOutcomes(file, fn, checks, isLoginHandler, denials));
  }
  return outcomes;
}

function findFunctionOutcomes(
  file: FileModel,
  fn: FunctionFact,
  checks: CallFact[],
  isLoginHandler: boolean,
  denials: ReturnType<typeof findDenials>,
): AuthenticationOutcome[] {
  const resultNames = getResultNames(file, fn, checks);
  const isFailureGuard = (guard: string) => checks.some((check) => isNegatedCheck(guard, check, resultNames));
  const firstCheck = checks[0] ?? null;
  const outcomes: AuthenticationOutcome[] = [];

  for (const response of file.responses) {
    if (response.functionId !== fn.id) {
      continue;
    }
    const denial = denials.find((candidate) => candidate.range === response.range);
    const base = {
      functionId: fn.id,
      label: denial?.label ?? response.via,
      guards: response.guards,
      catchId: response.catchId,
      range: response.range,
    };
    if (response.status === 401 || response.guards.some(isFailureGuard)) {
      outcomes.push({ ...base, kind: 'failure', check: findCheckBefore(checks, response.range) });
      continue;
    }
    const isSuccess =
      isLoginHandler &&
      firstCheck !== null &&
      response.kind !== 'throw' &&
      (response.status === null || response.status < 400) &&
      comparePositions(firstCheck.range, response.range) < 0 &&
      (isEnclosingBranch(getStatementGuards(file, fn, firstCheck), response.guards) ||
        response.guards.some((guard) => mentionsCall(guard, firstCheck)));
    if (isSuccess) {
      outcomes.push({ ...base, kind: 'success', check: firstCheck });
    }
  }

  // Raises that are no response fact: `raise AuthenticationFailed(...)` in a service.
  for (const denial of denials) {
    const isNew = !outcomes.some((outcome) => outcome.range === denial.range);
    if (denial.functionId === fn.id && isNew && (denial.status === 401 || denial.guards.some(isFailureGuard))) {
      outcomes.push({
        functionId: fn.id,
        kind: 'failure',
        label: denial.label,
        check: findCheckBefore(checks, denial.range),
        guards: denial.guards,
        catchId: denial.catchId,
        range: denial.range,
      });
    }
  }
  // `throw this.invalidLoginException(...)`: a helper builds the exception the branch throws.
  for (const fact of file.calls) {
    const name = fact.call.calleePath?.split('.').pop() ?? '';
    const isNew = !outcomes.some((outcome) => contains(outcome.range, fact.range));
    if (fact.functionId === fn.id && isNew && /(?:exception|error)$/i.test(name) && fact.guards.some(isFailureGuard)) {
      outcomes.push({
        functionId: fn.id,
        kind: 'failure',
        label: fact.call.calleePath ?? name,
        check: findCheckBefore(checks, fact.range),
        guards: fact.guards,
        catchId: fact.catchId,
        range: fact.range,
      });
    }
  }
  return outcomes.sort((a, b) => comparePositions(a.range, b.range));
}

/** Names bound to a check's result: `user = authenticate(...)`, `const isMatch = await bcrypt.compare(...)`. */
function getResultNames(file: FileModel, fn: FunctionFact, checks: CallFact[]): string[] {
  return file.bindings
    .filter(
      (binding) =>
        binding.functionId === fn.id &&
        checks.some((check) => contains(binding.range, check.range)),
    )
    .map((binding) => binding.name);
}

/**
 * True when a guard holds only if the check failed: it starts with a negation and mentions the
 * check or its result (`not user.check_password(pw)`, `!(user && await user.isPasswordMatch(pw))`,
 * `!isMatch`), or it tests the result for None, null or false (`user is None`).
 */
function isNegatedCheck(guard: string, check: CallFact, resultNames: string[]): boolean {
  const callee = check.call.calleePath?.split('.').pop();
  const mentions = (text: string) =>
    (callee !== undefined && new RegExp(`\\b${escape(callee)}\\s*\\(`).test(text)) ||
    resultNames.some((name) => new RegExp(`(?<![.\\w])${escape(name)}\\b(?!\\s*[.(\\[])`).test(text));

  for (const clause of guard.split(/\s+(?:or|and)\s+|\s*(?:\|\||&&)\s*/)) {
    const trimmed = clause.trim();
    if (/^(?:not\s+|!)/.test(trimmed) && mentions(trimmed)) {
      return true;
    }
  }
  // The adapter writes an `else` branch as the negated test: `!(a && check())`, `not a and check()`.
  if (/^(?:not\s|!\s*\()/.test(guard.trim()) && mentions(guard)) {
    return true;
  }
  return resultNames.some((name) =>
    new RegExp(`(?<![.\\w])${escape(name)}\\s*(?:is\\s+None|is\\s+False|===?\\s*(?:null|undefined|false|None))`).test(
      guard,
    ),
  );
}

/**
 * Returns the guards of the statement that contains the check. A check inside an `if` test gets the guards of
 * the short-circuit operands before it (`user` in `if (!user || !(await compare(...)))`), which
 * the statements after the `if` do not have; the guards of the branch under that test end with
 * the test itself, and what follows it are the guards of the statement.
 */
function getStatementGuards(file: FileModel, fn: FunctionFact, check: CallFact): string[] {
  const text = check.call.text;
  for (const fact of [...file.responses, ...file.calls]) {
    if (fact.functionId !== fn.id) {
      continue;
    }
    const position = fact.guards.findIndex((guard) => guard.includes(text));
    if (position !== -1) {
      return fact.guards.slice(position + 1);
    }
  }
  return check.guards;
}

/** True when a guard calls the check: `user && await user.verifyPassword(pw)` holds when it passed. */
function mentionsCall(guard: string, check: CallFact): boolean {
  const callee = check.call.calleePath?.split('.').pop();
  return callee !== undefined && new RegExp(`\\b${escape(callee)}\\s*\\(`).test(guard);
}

function findCheckBefore(checks: CallFact[], range: Range): CallFact | null {
  let found: CallFact | null = null;
  for (const check of checks) {
    if (comparePositions(check.range, range) < 0) {
      found = check;
    }
  }
  return found ?? checks[0] ?? null;
}

function contains(outer: Range, inner: Range): boolean {
  return (
    (outer.startLine < inner.startLine ||
      (outer.startLine === inner.startLine && outer.startColumn <= inner.startColumn)) &&
    (outer.endLine > inner.endLine || (outer.endLine === inner.endLine && outer.endColumn >= inner.endColumn))
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
