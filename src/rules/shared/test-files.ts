/** Paths of test code: `tests/`, `__tests__/`, `test_*.py`, `*_test.py`, `*.test.ts`, `*.spec.js`, `conftest.py`. */
const TEST_PATH =
  /(?:^|\/)(?:tests?|__tests__|spec)\/|(?:^|\/)test_[^/]*\.py$|_tests?\.py$|(?:^|\/)conftest\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$/;

/**
 * True for test code. Tests raise denials and log on purpose, and no deployed service runs
 * them, so the security logging and alerting rules leave them out.
 */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}
