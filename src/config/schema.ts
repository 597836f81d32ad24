import { DEFAULT_NAMES } from './names.js';

const severity = { enum: ['critical', 'high', 'medium', 'low'] };

const nameTableProperties = Object.fromEntries(
  Object.keys(DEFAULT_NAMES).map((table) => [
    table,
    {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: `Names added to the built-in ${table} table.`,
    },
  ]),
);

/** JSON Schema (draft-07) of the configuration file. */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'soc2lint configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    rules: {
      type: 'object',
      description: 'Per rule, by id (CC7.1.2) or name: "off", "on", a severity, or an object.',
      additionalProperties: {
        oneOf: [
          { enum: ['off', 'on', 'critical', 'high', 'medium', 'low'] },
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              enabled: { type: 'boolean', description: 'Runs the rule when true (default).' },
              severity: { ...severity, description: 'Severity of every finding of the rule.' },
              options: { type: 'object', description: 'Rule options; see the rule page.' },
            },
          },
        ],
      },
    },
    ignore: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Paths to leave out, as .gitignore patterns relative to the scanned root.',
    },
    maxFileSize: {
      type: 'integer',
      minimum: 1,
      description: 'Source files larger than this many bytes are skipped with a note.',
    },
    failOn: { ...severity, description: 'Lowest severity that makes the scan exit with 1.' },
    advisoryDb: {
      type: 'string',
      minLength: 1,
      description: 'Directory or .zip of OSV advisory JSON files, relative to the configuration file.',
    },
    names: {
      type: 'object',
      additionalProperties: false,
      properties: nameTableProperties,
      description: 'Names the rules recognize, added to the built-in tables.',
    },
  },
} as const;
