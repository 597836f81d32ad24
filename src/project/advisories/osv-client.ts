import { getErrorMessage } from '../input-problem.js';
import type { Ecosystem } from '../lockfiles/types.js';
import { isOsvRecord, type OsvRecord } from './osv-record.js';

/** The public OSV API; `SOC2LINT_OSV_URL` replaces it (a mirror, or a local server in tests). */
export const DEFAULT_OSV_URL = 'https://api.osv.dev';

/** OSV accepts at most 1,000 queries in one `querybatch` request. */
const BATCH_SIZE = 1000;
const REQUEST_TIMEOUT_MS = 30_000;
const DETAIL_CONCURRENCY = 8;

export interface OsvQuery {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

export interface OsvLookup {
  /** Advisory records by query index, withdrawn records left out. */
  records: OsvRecord[][];
  /** Set when a request failed; results are then partial. */
  error: string | null;
}

interface BatchResult {
  vulns?: Array<{ id?: unknown }>;
  next_page_token?: unknown;
}

/**
 * Looks packages up in the OSV API: `POST /v1/querybatch` in batches, following
 * `next_page_token`, then `GET /v1/vulns/{id}` for each advisory, because the batch response contains
 * only ids. See https://google.github.io/osv.dev/api/.
 */
export async function lookUpOsv(
  queries: OsvQuery[],
  baseUrl = getOsvUrl(),
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<OsvLookup> {
  const ids: string[][] = queries.map(() => []);
  const records: OsvRecord[][] = queries.map(() => []);
  try {
    let pending = queries.map((query, index) => ({
      index,
      query,
      pageToken: null as string | null,
    }));
    while (pending.length > 0) {
      const nextPages: typeof pending = [];
      for (let start = 0; start < pending.length; start += BATCH_SIZE) {
        const batch = pending.slice(start, start + BATCH_SIZE);
        const results = await postQueryBatch(
          baseUrl,
          batch.map(({ query, pageToken }) => toRequestQuery(query, pageToken)),
          timeoutMs,
        );
        for (const [position, result] of results.entries()) {
          const item = batch[position];
          for (const vuln of result?.vulns ?? []) {
            if (typeof vuln.id === 'string') {
              ids[item.index].push(vuln.id);
            }
          }
          if (typeof result?.next_page_token === 'string' && result.next_page_token !== '') {
            nextPages.push({ ...item, pageToken: result.next_page_token });
          }
        }
      }
      pending = nextPages;
    }

    const details = await getRecords(baseUrl, [...new Set(ids.flat())], timeoutMs);
    for (const [index, queryIds] of ids.entries()) {
      for (const id of new Set(queryIds)) {
        const record = details.get(id);
        if (record && !record.withdrawn) {
          records[index].push(record);
        }
      }
    }
    return { records, error: null };
  } catch (error) {
    return { records, error: getErrorMessage(error) };
  }
}

/** Returns the OSV API base URL, from `SOC2LINT_OSV_URL` when set, without a trailing slash. */
export function getOsvUrl(): string {
  const configured = process.env.SOC2LINT_OSV_URL?.trim();
  return (configured || DEFAULT_OSV_URL).replace(/\/+$/, '');
}

function toRequestQuery(query: OsvQuery, pageToken: string | null): Record<string, unknown> {
  const request: Record<string, unknown> = {
    package: { name: query.name, ecosystem: query.ecosystem },
    version: query.version,
  };
  if (pageToken) {
    request.page_token = pageToken;
  }
  return request;
}

async function postQueryBatch(
  baseUrl: string,
  queries: Array<Record<string, unknown>>,
  timeoutMs: number,
): Promise<BatchResult[]> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queries }),
  };
  const body = await requestJson(`${baseUrl}/v1/querybatch`, init, timeoutMs);
  const results = (body as { results?: unknown }).results;
  if (!Array.isArray(results) || results.length !== queries.length) {
    throw new Error(
      `Invalid querybatch response from ${baseUrl}: expected ${queries.length} results`,
    );
  }
  return results as BatchResult[];
}

async function getRecords(
  baseUrl: string,
  ids: string[],
  timeoutMs: number,
): Promise<Map<string, OsvRecord>> {
  const records = new Map<string, OsvRecord>();
  let next = 0;
  async function work(): Promise<void> {
    while (next < ids.length) {
      const id = ids[next];
      next += 1;
      const url = `${baseUrl}/v1/vulns/${encodeURIComponent(id)}`;
      const record = await requestJson(url, { method: 'GET' }, timeoutMs);
      if (isOsvRecord(record)) {
        records.set(id, record);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, ids.length) }, work));
  return records;
}

/** Sends one request and parses its JSON body; every error names the method, URL and cause. */
async function requestJson(url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  const request = `${init.method} ${url}`;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (error) {
    throw describeRequestError(request, error, timeoutMs);
  }
  if (!response.ok) {
    throw new Error(`${request} failed with HTTP ${response.status}`);
  }
  try {
    return await response.json();
  } catch (error) {
    if (signal.aborted) {
      throw describeRequestError(request, error, timeoutMs);
    }
    throw new Error(`${request} returned invalid JSON: ${getErrorMessage(error)}`);
  }
}

/**
 * Describes a failed request: a timeout by its limit, anything else with its `cause`, because
 * `fetch` reports a refused connection as "fetch failed" and puts the reason in `cause`.
 */
function describeRequestError(request: string, error: unknown, timeoutMs: number): Error {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new Error(`${request} timed out after ${timeoutMs} ms`);
  }
  let detail = getErrorMessage(error);
  if (error instanceof Error && error.cause !== undefined) {
    detail += `: ${getErrorMessage(error.cause)}`;
  }
  return new Error(`${request} failed: ${detail}`);
}
