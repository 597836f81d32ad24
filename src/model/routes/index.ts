export { resolveRoutes, type CoverageLevel, type CoveringRef, type ResolvedRoute } from './resolve.js';
export {
  summarizeRoutes,
  type MountSummary,
  type RefSummary,
  type RouteDescriber,
  type RouteFileSummary,
  type RouteSummary,
} from './summary.js';
export { joinRoutePaths, prefixCovers } from './paths.js';
