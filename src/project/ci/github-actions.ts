import { isMap, isScalar } from 'yaml';
import { getCommandLineShellOptions } from './shell-failure.js';
import type { CiFile, CiStep, ShellOptions } from './types.js';
import {
  getEntries,
  getItems,
  getLine,
  getNode,
  getScriptCommands,
  getString,
  getStringMap,
  isTrueValue,
  parseYamlSource,
  resolveNode,
  type YamlSource,
} from './yaml-nodes.js';

/** The trigger that runs a workflow only when someone starts it by hand. */
const MANUAL_TRIGGER = 'workflow_dispatch';

/** An `if:` that is always false: `if: false` or `if: ${{ false }}`. */
const ALWAYS_FALSE = /^\s*(?:false|\$\{\{\s*false\s*\}\})\s*$/i;

/**
 * Reads a GitHub Actions workflow: the `run` and `uses` steps of every job, and job-level `uses`
 * of reusable workflows. A step fails its job unless it or its job sets `continue-on-error: true`.
 * A step never runs on a change when the workflow's only trigger is `workflow_dispatch` or when
 * it or its job has `if: false`.
 */
export function readGithubWorkflow(text: string, path: string): CiFile {
  const source = parseYamlSource(text);
  const workflowShell = getDefaultShell(source, source.root);
  const workflowNotAutomatedBy = isManualOnly(source)
    ? `\`on: ${MANUAL_TRIGGER}\` alone, which runs the workflow only when started by hand`
    : null;
  const steps: CiStep[] = [];

  for (const [jobId, job, jobKey] of getEntries(source, getNode(source, source.root, 'jobs'))) {
    const jobIgnoredBy = isTrueValue(source, job, 'continue-on-error')
      ? `\`continue-on-error: true\` on job \`${jobId}\``
      : null;
    const jobNotAutomatedBy = isAlwaysFalse(source, job)
      ? `\`if: false\` on job \`${jobId}\``
      : workflowNotAutomatedBy;
    const jobShell = getDefaultShell(source, job) ?? workflowShell;

    const reusableWorkflow = getString(source, job, 'uses');
    if (reusableWorkflow) {
      steps.push({
        commands: [],
        action: reusableWorkflow,
        inputs: getStringMap(source, getNode(source, job, 'with')),
        line: getLine(source, getNode(source, job, 'uses'), getLine(source, jobKey)),
        shell: getShellOptions(null),
        failureIgnoredBy: jobIgnoredBy,
        notAutomatedBy: jobNotAutomatedBy,
      });
    }

    for (const step of getItems(source, getNode(source, job, 'steps'))) {
      const failureIgnoredBy = isTrueValue(source, step, 'continue-on-error')
        ? '`continue-on-error: true`'
        : jobIgnoredBy;
      const uses = getString(source, step, 'uses');
      const run = getNode(source, step, 'run');
      steps.push({
        commands: uses ? [] : getScriptCommands(source, run),
        action: uses,
        inputs: getStringMap(source, getNode(source, step, 'with')),
        line: getLine(source, step),
        shell: getShellOptions(getString(source, step, 'shell') ?? jobShell),
        failureIgnoredBy,
        notAutomatedBy: isAlwaysFalse(source, step) ? '`if: false` on the step' : jobNotAutomatedBy,
      });
    }
  }
  return { path, system: 'github-actions', steps };
}

/**
 * True when `workflow_dispatch` is the only trigger under `on:`, written as a string, a list or
 * a map. A schedule, push, pull request or any other event runs it without anyone starting it.
 */
function isManualOnly(source: YamlSource): boolean {
  const on = resolveNode(source, getNode(source, source.root, 'on'));
  const triggers = isMap(on)
    ? getEntries(source, on).map(([name]) => name)
    : getItems(source, on).map((item) => (isScalar(item) ? String(item.value) : ''));
  return triggers.length > 0 && triggers.every((trigger) => trigger === MANUAL_TRIGGER);
}

function isAlwaysFalse(source: YamlSource, map: unknown): boolean {
  const condition = getString(source, map, 'if');
  return condition !== null && ALWAYS_FALSE.test(condition);
}

function getDefaultShell(source: YamlSource, map: unknown): string | null {
  return getString(source, getNode(source, getNode(source, map, 'defaults'), 'run'), 'shell');
}

/**
 * Maps a `shell:` value to its failure options, per the GitHub Actions documentation: the default
 * is `bash -e {0}`, `bash` is `bash --noprofile --norc -eo pipefail {0}` and `sh` is `sh -e {0}`.
 * PowerShell and cmd report only the last command's exit code.
 */
function getShellOptions(shell: string | null): ShellOptions {
  if (shell === null) {
    return { errexit: true, pipefail: false };
  }
  const name = shell.trim();
  if (name === 'bash') {
    return { errexit: true, pipefail: true };
  }
  if (name === 'sh') {
    return { errexit: true, pipefail: false };
  }
  if (['pwsh', 'powershell', 'cmd', 'python'].includes(name)) {
    return { errexit: false, pipefail: false };
  }
  return getCommandLineShellOptions(name);
}
