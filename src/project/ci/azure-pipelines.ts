import { isMap, isSeq, type Node } from 'yaml';
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
} from './yaml-nodes.js';

/**
 * Azure Pipelines runs `script` and `bash` steps on Linux with `bash --noprofile --norc` and no
 * `-e`, so only the last command's exit code decides the step.
 */
// NOTE: taken from the Bash task's documented behaviour; Windows agents run `script` with cmd.exe,
// which also reports only the last command's exit code.
const AZURE_SHELL: ShellOptions = { errexit: false, pipefail: false };

const SCRIPT_KEYS = ['script', 'bash', 'pwsh', 'powershell'];

/**
 * Reads an Azure Pipelines file: every `steps:` list at any depth (stages, jobs, deployment
 * strategies), with `script`/`bash`/`pwsh`/`powershell` steps as commands and `task` steps as
 * actions named `task:<Name>@<version>`. `continueOnError: true` on a step or on its job keeps
 * a failure from failing the run.
 */
export function readAzurePipelines(text: string, path: string): CiFile {
  const source = parseYamlSource(text);
  const steps: CiStep[] = [];
  const pending: Array<{ node: Node; ignoredBy: string | null }> = [
    { node: source.root, ignoredBy: null },
  ];

  while (pending.length > 0) {
    const { node, ignoredBy: inherited } = pending.pop() as {
      node: Node;
      ignoredBy: string | null;
    };
    if (isSeq(node)) {
      for (const item of getItems(source, node)) {
        pending.push({ node: item, ignoredBy: inherited });
      }
      continue;
    }
    if (!isMap(node)) {
      continue;
    }

    const jobName = getString(source, node, 'job') ?? getString(source, node, 'deployment');
    const ignoredBy =
      jobName !== null && isTrueValue(source, node, 'continueOnError')
        ? `\`continueOnError: true\` on job \`${jobName}\``
        : inherited;
    for (const [key, value] of getEntries(source, node)) {
      if (key === 'steps') {
        for (const step of getItems(source, value)) {
          const parsed = readStep(source, step, ignoredBy);
          if (parsed) {
            steps.push(parsed);
          }
        }
      } else if (value && (isMap(value) || isSeq(value))) {
        pending.push({ node: value, ignoredBy });
      }
    }
  }
  steps.sort((a, b) => a.line - b.line);
  return { path, system: 'azure-pipelines', steps };
}

function readStep(
  source: ReturnType<typeof parseYamlSource>,
  step: Node,
  jobIgnoredBy: string | null,
): CiStep | null {
  const failureIgnoredBy = isTrueValue(source, step, 'continueOnError')
    ? '`continueOnError: true`'
    : jobIgnoredBy;
  const line = getLine(source, step);
  const task = getString(source, step, 'task');
  if (task) {
    const inputs = getStringMap(source, getNode(source, step, 'inputs'));
    return {
      commands: [],
      action: `task:${task}`,
      inputs,
      line,
      shell: AZURE_SHELL,
      failureIgnoredBy,
    };
  }
  for (const key of SCRIPT_KEYS) {
    const script = getNode(source, step, key);
    if (script) {
      const commands = getScriptCommands(source, script);
      return { commands, action: null, inputs: {}, line, shell: AZURE_SHELL, failureIgnoredBy };
    }
  }
  return null;
}
