import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { DEFAULT_MAX_FILE_SIZE, findConfigFile, loadConfig } from '../../src/config/load.js';
import { DEFAULT_NAMES, splitWords } from '../../src/config/names.js';
import { makeProject } from '../helpers/temp.js';

test('config defaults without a file', () => {
  const config = loadConfig(null);
  assert.equal(config.file, null);
  assert.equal(config.maxFileSize, DEFAULT_MAX_FILE_SIZE);
  assert.deepEqual(config.names, DEFAULT_NAMES);
});

test('config YAML with rules, ignore and names', () => {
  const root = makeProject({
    'soc2lint.config.yaml': [
      'rules:',
      '  CC7.1.2: off',
      '  error-disclosure: medium',
      '  CC7.2.2: { severity: low, options: { paths: ["/signin"] } }',
      'ignore: ["generated/"]',
      'maxFileSize: 2048',
      'names:',
      '  loggers: [audit_trail]',
      '',
    ].join('\n'),
  });
  const file = findConfigFile(root);
  assert.equal(file, path.join(root, 'soc2lint.config.yaml'));
  const config = loadConfig(file);
  assert.deepEqual(config.rules['CC7.1.2'], { enabled: false, severity: null, options: {} });
  assert.deepEqual(config.rules['error-disclosure'], { enabled: true, severity: 'medium', options: {} });
  assert.deepEqual(config.rules['CC7.2.2']?.options, { paths: ['/signin'] });
  assert.deepEqual(config.ignore, ['generated/']);
  assert.equal(config.maxFileSize, 2048);
  assert.ok(config.names.loggers.includes('audit_trail'));
  assert.ok(config.names.loggers.includes('logger'), 'defaults are kept');
});

test('config rejects an unknown severity', () => {
  const root = makeProject({ 'soc2lint.config.json': '{ "rules": { "CC7.1.2": { "severity": "urgent" } } }' });
  assert.throws(
    () => loadConfig(path.join(root, 'soc2lint.config.json')),
    (error: Error) =>
      error instanceof ConfigError &&
      error.message.includes('rules.CC7.1.2.severity is "urgent", which is not one of critical, high, medium, low.'),
  );
});

test('config rejects an unknown key', () => {
  const root = makeProject({ '.soc2lint.yml': 'rulez: {}\n' });
  assert.throws(() => loadConfig(path.join(root, '.soc2lint.yml')), /unknown key "rulez"\. Remove it/);
});

test('config rejects invalid YAML', () => {
  const root = makeProject({ 'soc2lint.config.yaml': 'rules: [\n' });
  assert.throws(() => loadConfig(path.join(root, 'soc2lint.config.yaml')), /invalid YAML/);
});

test('config rejects invalid JSON', () => {
  const root = makeProject({ 'soc2lint.config.json': '{ "rules": ' });
  assert.throws(() => loadConfig(path.join(root, 'soc2lint.config.json')), /invalid JSON/);
});

test('config reports a missing file', () => {
  assert.throws(() => loadConfig('/nonexistent/soc2lint.config.json'), /configuration file not found/);
});

test('config YAML is data, never code', () => {
  const root = makeProject({ 'soc2lint.config.yaml': 'ignore: !!js/function "function () {}"\n' });
  assert.throws(() => loadConfig(path.join(root, 'soc2lint.config.yaml')), ConfigError);
});

test('splitWords on camel, snake and kebab case', () => {
  assert.deepEqual(splitWords('resetTokenURL'), ['reset', 'token', 'url']);
  assert.deepEqual(splitWords('password_length'), ['password', 'length']);
  assert.deepEqual(splitWords('x-api-key'), ['x', 'api', 'key']);
  assert.deepEqual(splitWords('HTTPServerError'), ['http', 'server', 'error']);
  assert.deepEqual(splitWords('tokenizer'), ['tokenizer']);
});
