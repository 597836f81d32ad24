export type CiSystem =
  | 'github-actions'
  | 'gitlab-ci'
  | 'circleci'
  | 'jenkins'
  | 'azure-pipelines'
  | 'bitbucket-pipelines';

/** Failure options of the shell that runs a script. */
export interface ShellOptions {
  /** A failing command stops the script (`set -e`). */
  errexit: boolean;
  /** A pipeline fails when any of its commands fails (`set -o pipefail`). */
  pipefail: boolean;
}

/** One logical shell command: continuation lines joined, at the line where it starts. */
export interface CiCommand {
  text: string;
  line: number;
}

/**
 * One step of a CI job, normalized across CI systems: either a script (shell commands) or an
 * action (a GitHub action, CircleCI orb command, Azure task, Bitbucket pipe, GitLab template or
 * job image, Jenkins plugin step).
 */
export interface CiStep {
  /** Shell commands of a script step; empty for an action step. */
  commands: CiCommand[];
  /**
   * Reference of the action an action step runs, prefixed by its kind except for GitHub actions:
   * `snyk/actions/node@master`, `orb:snyk/snyk/scan`, `task:SnykSecurityScan@1`,
   * `pipe:snyk/snyk-scan:1.0.0`, `template:Jobs/Dependency-Scanning.gitlab-ci.yml`, `image:...`.
   */
  action: string | null;
  /** Inputs of an action step (`with:`, orb parameters, task inputs, pipe variables), as strings. */
  inputs: Record<string, string>;
  line: number;
  shell: ShellOptions;
  /**
   * Why a failure of this step does not fail the build, such as `continue-on-error: true`, or
   * null when it does.
   */
  failureIgnoredBy: string | null;
  /**
   * The reason the step never runs on a change to the code, such as a workflow started only by
   * hand or `if: false`. Null or absent when it runs on pushes, pull requests or a schedule.
   */
  notAutomatedBy?: string | null;
}

/** A CI configuration file reduced to its steps. */
export interface CiFile {
  path: string;
  system: CiSystem;
  steps: CiStep[];
}
