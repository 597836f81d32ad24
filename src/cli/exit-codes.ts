/** Exit code when no finding is at or above `--fail-on`. */
export const EXIT_CLEAN = 0;
/** Exit code when at least one finding is at or above `--fail-on`. */
export const EXIT_FINDINGS = 1;
/** Exit code for usage, configuration and internal errors, and for checks that could not run. */
export const EXIT_ERROR = 2;
