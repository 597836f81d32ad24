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
  type YamlSource,
} from './yaml-nodes.js';

/** CircleCI runs `run` steps with `/bin/bash -eo pipefail` unless `shell:` names another shell. */
const CIRCLECI_SHELL: ShellOptions = { errexit: true, pipefail: true };

/**
 * Reads `.circleci/config.yml`: `run` steps and orb commands in `jobs` and `commands`, and orb
 * jobs named in `workflows`. Orb references are resolved through `orbs:`, so with
 * `orbs: { security: snyk/snyk@2 }` the step `security/scan` becomes `orb:snyk/snyk/scan`.
 */
export function readCircleCi(text: string, path: string): CiFile {
  const source = parseYamlSource(text);
  const orbs = new Map<string, string>();
  for (const [alias, value] of getEntries(source, getNode(source, source.root, 'orbs'))) {
    const reference = isScalar(value) ? String(value.value) : alias;
    orbs.set(alias, reference.replace(/@.*$/, ''));
  }

  const steps: CiStep[] = [];
  for (const section of ['jobs', 'commands']) {
    for (const [, definition] of getEntries(source, getNode(source, source.root, section))) {
      for (const step of getItems(source, getNode(source, definition, 'steps'))) {
        const parsed = readStep(source, step, orbs);
        if (parsed) {
          steps.push(parsed);
        }
      }
    }
  }

  for (const [, workflow] of getEntries(source, getNode(source, source.root, 'workflows'))) {
    for (const job of getItems(source, getNode(source, workflow, 'jobs'))) {
      const [name, parameters] = isMap(job)
        ? (getEntries(source, job)[0] ?? [null, null])
        : [isScalar(job) ? String(job.value) : null, null];
      const action = name ? resolveOrbReference(name, orbs) : null;
      if (action) {
        steps.push(makeOrbStep(action, getStringMap(source, parameters), getLine(source, job)));
      }
    }
  }
  return { path, system: 'circleci', steps };
}

function readStep(source: YamlSource, step: unknown, orbs: Map<string, string>): CiStep | null {
  const line = getLine(source, step);
  if (isScalar(step)) {
    const action = resolveOrbReference(String(step.value), orbs);
    return action ? makeOrbStep(action, {}, line) : null;
  }
  const [key, value] = getEntries(source, step)[0] ?? [];
  if (key === undefined) {
    return null;
  }
  if (key !== 'run') {
    const action = resolveOrbReference(key, orbs);
    return action ? makeOrbStep(action, getStringMap(source, value), line) : null;
  }

  const command = isMap(value) ? getNode(source, value, 'command') : value;
  const shell = isMap(value) ? getString(source, value, 'shell') : null;
  return {
    commands: getScriptCommands(source, command),
    action: null,
    inputs: {},
    line,
    shell: shell ? getCommandLineShellOptions(shell) : CIRCLECI_SHELL,
    failureIgnoredBy:
      isMap(value) && isTrueValue(source, value, 'background') ? '`background: true`' : null,
  };
}

function resolveOrbReference(name: string, orbs: Map<string, string>): string | null {
  const separator = name.indexOf('/');
  if (separator <= 0) {
    return null;
  }
  const orb = orbs.get(name.slice(0, separator));
  return orb ? `orb:${orb}/${name.slice(separator + 1)}` : null;
}

function makeOrbStep(action: string, inputs: Record<string, string>, line: number): CiStep {
  return { commands: [], action, inputs, line, shell: CIRCLECI_SHELL, failureIgnoredBy: null };
}
