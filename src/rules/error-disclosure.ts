import { getFlowIndex } from '../model/flow.js';
import type { FileModel, ResponseFact } from '../model/types.js';
import { findDebugSettings } from './error-disclosure/debug-mode.js';
import { contains, getExceptionScopes } from './error-disclosure/exception-scopes.js';
import { RESPONSE_BUILDERS, RESPONSE_CHAIN_METHODS } from './error-disclosure/names.js';
import { findResponseDetails, type ResponseDetail } from './error-disclosure/response-details.js';
import { defineRule, type RuleContext } from './types.js';

const REMEDY = 'Log it and return a generic message with a request id.';

/**
 * A four-parameter function head, the shape of Express error middleware: the parameter list is
 * followed by `=>` or a body brace, so a four-argument call does not match.
 */
const FOUR_PARAMETERS = String.raw`\(\s*[\w$]+(?:\s*:[^,()]*)?(?:\s*,\s*[\w$]+(?:\s*:[^,()]*)?){3}\s*\)\s*(?::[^={;]*)?(?:=>|\{)`;

/**
 * Text every file with a finding contains: an exception scope (`except`, `catch`, an error
 * handler), a traceback call, a debug setting, or a 5xx status for payload and query echoes.
 */
const PREFILTER = new RegExp(
  [
    String.raw`\bexcept\b`,
    'catch',
    String.raw`\.then\s*\(`,
    'traceback',
    'exc_info',
    'debug',
    'errorhandler',
    'error_handler',
    'exception_handler',
    String.raw`handler\d{3}`,
    String.raw`on\(\s*['"]error`,
    String.raw`\b5\d\d\b`,
    'INTERNAL_SERVER',
    'ServerError',
    'SERVICE_UNAVAILABLE',
    'ServiceUnavailable',
    'BAD_GATEWAY',
    'BadGateway',
    'GATEWAY_TIMEOUT',
    'GatewayTimeout',
    FOUR_PARAMETERS,
  ].join('|'),
  'i',
);
const MAX_DATA_LENGTH = 60;

export default defineRule({
  id: 'CC7.4.1',
  name: 'error-disclosure',
  criterion: 'CC7.4',
  severity: 'high',
  cwe: ['CWE-209', 'CWE-489'],
  summary: 'Disallow exception details, stack traces and debug mode in HTTP responses',
  rationale:
    'Stack traces, exception messages, database errors and debug pages tell an attacker which ' +
    'libraries, file paths, tables and queries a service uses, and the Werkzeug debugger runs ' +
    'code for whoever reaches it. SOC 2 incident response expects errors to be logged for the ' +
    'responders, not shown to the client.',
  remediation:
    'Log the exception with its stack trace on the server, return a generic message with a ' +
    'request id, and read debug settings from the environment with debug off by default.',
  compliant: [
    'Logging the exception, its text or its stack trace; only responses count.',
    'A generic message, a request id, and the exception code or status (`e.code`, `err.status`, ' +
      '`e.status_code`) or class name (`err.name`, `type(e).__name__`) in a response.',
    'The text of a validation or HTTP exception (`ValidationError`, `ValueError`, `KeyError`, ' +
      '`HTTPException`, `HttpException`, `BadRequest`) in a response whose status is not 5xx.',
    'The text of an application\'s not-found exception (`OrderNotFound`, `*NotFoundError`, ' +
      '`*DoesNotExist`) in a 404 response.',
    'Exception text in a response guarded by a development check (`NODE_ENV`, `settings.DEBUG`) or ' +
      'by a client-error check (`err.expose`, `err.status < 500`, `err instanceof ValidationError`).',
    'Boom server errors, Koa `ctx.throw` and `http-errors` `createError` with a 5xx status, which ' +
      'hide the message from the client.',
    'Echoing the request payload in a success response or in a 4xx response outside exception ' +
      'handling, and one field of the payload in any response.',
    'Debug settings read from the environment (`DEBUG = os.environ.get("DEBUG") == "1"`), Django ' +
      'settings modules named for local development or tests, and `errorhandler()` mounted under a ' +
      'development check.',
  ],
  aicpa: [
    {
      criterion: 'CC7.4',
      reason: 'Errors that reveal internals help an attacker during an incident instead of containing it.',
    },
    {
      criterion: 'CC6.1',
      reason: 'Stack traces, queries and debug consoles expose the system architecture to outside users.',
    },
    {
      criterion: 'CC7.1',
      reason: 'Debug mode left on in production is a configuration weakness that monitoring should detect.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  options: {
    clientSafeExceptions: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Exception type names whose text is written for the client, added to the built-in list.',
      default: [],
    },
  },
  messages: {
    stackTrace: `The stack trace of \`{name}\` is sent in {response}. ${REMEDY}`,
    formattedTraceback: `The traceback from \`{call}\` is sent in {response}. ${REMEDY}`,
    exceptionText: `The text of exception \`{name}\` is sent in {response}. ${REMEDY}`,
    exceptionObject: `The exception object \`{name}\` is sent in {response}. ${REMEDY}`,
    databaseDetail: `The database error detail \`{detail}\` is sent in {response}. ${REMEDY}`,
    queryText: `The query text \`{name}\` is sent in {response}. ${REMEDY}`,
    requestPayload:
      'The request payload `{detail}` is echoed in {response}. Return a generic message that names only the invalid fields.',
    debugMode:
      'Debug mode is on in `{setting}`, so error pages show stack traces. Read it from the environment, off by default.',
    debugErrorHandler:
      '`{setting}` sends stack traces to clients and is not limited to development. Mount it only in development.',
  },
  prefilter: () => PREFILTER,
  check(file, context) {
    for (const setting of findDebugSettings(file)) {
      context.report({ messageId: setting.kind, data: { setting: setting.setting }, range: setting.range });
    }

    if (file.responses.length === 0) {
      return;
    }
    const options = {
      clientSafeExceptions: new Set(readStringList(context.options.clientSafeExceptions)),
    };
    const index = getFlowIndex(file);
    const scopes = getExceptionScopes(file);
    for (const found of findResponseDetails(file, index, scopes, options)) {
      reportDetail(file, found, context);
    }
  },
});

function reportDetail(file: FileModel, found: ResponseDetail, context: RuleContext): void {
  const { detail, response } = found;
  const data = {
    name: detail.scope?.binding ?? detail.expr.text,
    call: shorten(detail.expr.text),
    detail: shorten(detail.expr.text),
    response: describeResponse(file, response),
  };
  const messageIds = {
    stack: detail.scope ? 'stackTrace' : 'formattedTraceback',
    database: 'databaseDetail',
    object: 'exceptionObject',
    text: 'exceptionText',
    query: 'queryText',
    payload: 'requestPayload',
  } as const;
  context.report({ messageId: messageIds[detail.kind], data, range: found.range });
}

/** Names the response for a message: "the `res.json` response", "the response that `login` returns". */
function describeResponse(file: FileModel, response: ResponseFact): string {
  if (response.kind !== 'return') {
    return `the \`${toDisplayPath(response.via)}\` response`;
  }
  // A return of `jsonify(...), 500` comes as a `return` fact, so the `jsonify` call inside it
  // names the response.
  const builder = file.calls.find(
    (fact) =>
      fact.call.calleePath !== null &&
      RESPONSE_BUILDERS.has(fact.call.calleePath.split('.').pop() ?? '') &&
      contains(response.range, fact.range),
  );
  if (builder?.call.calleePath) {
    return `the \`${toDisplayPath(builder.call.calleePath)}\` response`;
  }
  const fn = file.functions.find((candidate) => candidate.id === response.functionId);
  return fn?.name ? `the response that \`${fn.name}\` returns` : 'the returned response';
}

/** Drops chained status and header calls: `res.status.json` reads as `res.json`. */
function toDisplayPath(path: string): string {
  const segments = path.split('.');
  const visibleSegments = segments.filter(
    (segment, position) => position === 0 || !RESPONSE_CHAIN_METHODS.has(segment),
  );
  return visibleSegments.length >= 2 ? visibleSegments.join('.') : path;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > MAX_DATA_LENGTH ? `${line.slice(0, MAX_DATA_LENGTH - 1)}…` : line;
}

function readStringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
