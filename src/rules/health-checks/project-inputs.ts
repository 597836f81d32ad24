import type { ProjectModel } from '../../project/types.js';

/** Deployment files read for probes; more than this many candidates are not read. */
const MAX_DEPLOYMENT_FILES = 200;
const MAX_DEPLOYMENT_FILE_SIZE = 256 * 1024;

const DOCKERFILE = /(?:^|\/)(?:[^/]*\.)?dockerfile(?:\.[^/]*)?$/i;
const COMPOSE_FILE = /(?:^|\/)(?:docker-)?compose[^/]*\.ya?ml$/i;
/** YAML under folders that usually hold Kubernetes manifests or Helm charts. */
const KUBERNETES_FILE = /(?:^|\/)(?:k8s|kube|kubernetes|helm|charts?|deploy|deployment|deployments|manifests|infra|ops)\/.*\.ya?ml$/i;

/** A Dockerfile `HEALTHCHECK` or compose `healthcheck` that calls the service over HTTP. */
const HTTP_HEALTHCHECK = /^\s*(?:HEALTHCHECK\b(?!\s+NONE)|healthcheck:)[\s\S]{0,400}?\b(?:curl|wget|https?:\/\/|httpie)\b/im;
/** A Kubernetes liveness, readiness or startup probe over HTTP or gRPC. */
const KUBERNETES_PROBE = /^\s*(?:livenessProbe|readinessProbe|startupProbe):\s*$[\s\S]{0,300}?^\s*(?:httpGet|grpc):/m;

const MANIFESTS = /(?:^|\/)(?:package\.json|requirements[^/]*\.(?:txt|in)|pyproject\.toml|Pipfile|setup\.cfg)$/;

/**
 * Finds a deployment file that probes the service over HTTP: a Dockerfile `HEALTHCHECK` that
 * runs curl or wget, a compose `healthcheck`, a Kubernetes `httpGet` probe. Returns its path.
 */
export function findDeploymentProbe(project: ProjectModel): string | null {
  const candidates = project.files
    .filter((file) => file.size <= MAX_DEPLOYMENT_FILE_SIZE)
    .filter((file) => DOCKERFILE.test(file.path) || COMPOSE_FILE.test(file.path) || KUBERNETES_FILE.test(file.path))
    .slice(0, MAX_DEPLOYMENT_FILES);
  for (const file of candidates) {
    const text = project.readText(file.path);
    if (text !== null && (HTTP_HEALTHCHECK.test(text) || KUBERNETES_PROBE.test(text))) {
      return file.path;
    }
  }
  return null;
}

/** Finds a health-check library among the dependencies of the project's manifests. */
export function findHealthLibraryDependency(project: ProjectModel, libraries: string[]): string | null {
  for (const file of project.files.filter((candidate) => MANIFESTS.test(candidate.path))) {
    const text = project.readText(file.path);
    if (text === null) {
      continue;
    }
    for (const library of libraries) {
      const escaped = library.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      // `"@nestjs/terminus": "^10"` in package.json, `django-health-check==3.17` in requirements.
      const declared = new RegExp(`(?:^|["'\\s])${escaped}(?:["'\\s=<>~!\\[;]|$)`, 'm');
      if (declared.test(text)) {
        return library;
      }
    }
  }
  return null;
}
