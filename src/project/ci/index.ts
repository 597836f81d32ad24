import {
  getErrorMessage,
  type InputProblem,
  isInputProblem,
  readProjectText,
} from '../input-problem.js';
import { parsePackageJson } from '../lockfiles/manifests.js';
import { getBaseName, isInSkippedFolder } from '../project-paths.js';
import type { ProjectModel } from '../types.js';
import { readAzurePipelines } from './azure-pipelines.js';
import { readBitbucketPipelines } from './bitbucket-pipelines.js';
import { readCircleCi } from './circleci.js';
import { readGithubWorkflow } from './github-actions.js';
import { readGitlabCi } from './gitlab-ci.js';
import { readJenkinsfile } from './jenkinsfile.js';
import type { CiFile } from './types.js';
import {
  type DependabotConfig,
  readDependabotConfig,
  readRenovateConfig,
  RENOVATE_FILES,
  type RenovateConfig,
} from './update-bots.js';

export type { CiFile, CiStep, CiSystem } from './types.js';
export type { DependabotConfig, RenovateConfig } from './update-bots.js';
export { findScanSteps, SCANNERS, type ScanStep, type ScannerSpec } from './scanners.js';

type CiReader = (text: string, path: string) => CiFile;

/** CI readers by path; GitLab is handled apart because it includes other files. */
const CI_READERS: Array<[(path: string) => boolean, CiReader]> = [
  [(path) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path), readGithubWorkflow],
  [(path) => /^\.circleci\/config\.ya?ml$/.test(path), readCircleCi],
  [
    (path) => path === 'bitbucket-pipelines.yml' || path === 'bitbucket-pipelines.yaml',
    readBitbucketPipelines,
  ],
  [
    (path) =>
      /^azure-pipelines.*\.ya?ml$/.test(getBaseName(path)) ||
      /^\.azure-pipelines\/.+\.ya?ml$/.test(path),
    readAzurePipelines,
  ],
  [
    (path) => /^Jenkinsfile(\.[\w-]+)?$/.test(getBaseName(path)) || /\.jenkinsfile$/i.test(path),
    readJenkinsfile,
  ],
];

const GITLAB_ENTRY_FILES = ['.gitlab-ci.yml', '.gitlab-ci.yaml'];

/** CI configuration and dependency update bots of a project. */
export interface CiInputs {
  ciFiles: CiFile[];
  dependabot: DependabotConfig | null;
  renovate: RenovateConfig | null;
  problems: InputProblem[];
}

/**
 * Finds and reads the CI files and Dependabot and Renovate configurations of a project. A file
 * that cannot be read or parsed becomes a problem and the others are still read.
 */
export function readCiInputs(project: ProjectModel): CiInputs {
  const result: CiInputs = { ciFiles: [], dependabot: null, renovate: null, problems: [] };
  const paths = project.files
    .map((file) => file.path)
    .filter((path) => !isInSkippedFolder(path))
    .sort();
  const available = new Set(paths);

  for (const path of paths) {
    const reader = CI_READERS.find(([matches]) => matches(path))?.[1];
    if (reader) {
      readWith(project, path, result, (text) => result.ciFiles.push(reader(text, path)));
    }
  }
  readGitlabFiles(project, available, result);

  const dependabotPath = ['.github/dependabot.yml', '.github/dependabot.yaml'].find((path) =>
    available.has(path),
  );
  if (dependabotPath) {
    readWith(project, dependabotPath, result, (text) => {
      result.dependabot = readDependabotConfig(text, dependabotPath);
    });
  }

  const renovatePath = RENOVATE_FILES.find((path) => available.has(path));
  if (renovatePath) {
    readWith(project, renovatePath, result, (text) => {
      result.renovate = readRenovateConfig(text, renovatePath);
    });
  } else if (available.has('package.json')) {
    const text = readProjectText(project, 'package.json');
    const manifest = isInputProblem(text) ? null : parsePackageJson(text);
    if (manifest && manifest.renovate !== undefined) {
      result.renovate = readRenovateConfig(text as string, 'package.json', 'renovate');
    }
  }
  return result;
}

function readGitlabFiles(project: ProjectModel, available: Set<string>, result: CiInputs): void {
  const pending = GITLAB_ENTRY_FILES.filter((path) => available.has(path));
  const visited = new Set<string>();
  while (pending.length > 0) {
    const path = pending.shift() as string;
    if (visited.has(path)) {
      continue;
    }
    visited.add(path);
    readWith(project, path, result, (text) => {
      const gitlab = readGitlabCi(text, path);
      result.ciFiles.push(gitlab.file);
      pending.push(...gitlab.localIncludes);
    });
  }
}

function readWith(
  project: ProjectModel,
  path: string,
  result: CiInputs,
  read: (text: string) => void,
): void {
  const text = readProjectText(project, path);
  if (isInputProblem(text)) {
    result.problems.push(text);
    return;
  }
  try {
    read(text);
  } catch (error) {
    result.problems.push({ path, kind: 'syntax-error', reason: `${getErrorMessage(error)}.` });
  }
}
