import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  findSecretFormat,
  isHighEntropyToken,
  isPlaceholderSecret,
  maskSecrets,
  URL_PASSWORD_FORMAT,
} from '../../src/util/secrets.js';

describe('maskSecrets credentials', () => {
  test('masks an AWS key id and its secret key', () => {
    const masked = maskSecrets(
      "console.log('aws AKIAIOSFODNN7EXAMPLE and secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');",
    );
    assert.equal(masked, "console.log('aws AKIA**** and secret wJal****');");
  });

  test('masks a random 32-character token', () => {
    const masked = maskSecrets('client = Client("x7Kp2QmZr9TfLw3BnYc8HdVs6JgEa1Uo")');
    assert.equal(masked, 'client = Client("x7Kp****")');
  });

  test('masks a URL-safe base64 token', () => {
    const masked = maskSecrets('headers = {"X-Key": "kT9v-Q2pL_mX8zR4wN7bJ5cF1hD6gS3aYe"}');
    assert.equal(masked, 'headers = {"X-Key": "kT9v****"}');
  });

  test('masks the password of a connection URL', () => {
    assert.equal(
      maskSecrets('engine = create_engine("postgresql://admin:S3cretPw@db:5432/x")'),
      'engine = create_engine("postgresql://admin:****@db:5432/x")',
    );
  });

  test('masks a URL password without a user name', () => {
    assert.equal(
      maskSecrets("redis.from_url('redis://:R3disPass@cache:6379/0')"),
      "redis.from_url('redis://:****@cache:6379/0')",
    );
  });

  test('keeps the first characters of a quoted secret', () => {
    assert.equal(maskSecrets('password = "hunter22"'), 'password = "hunt****"');
  });
});

describe('maskSecrets readable code', () => {
  const unchanged = [
    'const handleOAuth2CallbackForProviderResponse = () => {};',
    'export function getServerSideProps2ForAuthenticatedUsers() {}',
    'class XMLHttpRequestEventTarget2UploadProgress {}',
    "fetch('https://api.example.com/v1/users/profile?include=settings')",
    "import Avatar from 'src/components/UserProfile/Avatar2';",
    'commit = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"',
    "digest = '9f9bf63c60a6ad9b6393d3ec72f5cd70'",
    'sha = "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"',
    'id = "123e4567-e89b-12d3-a456-426614174000"',
    'url = f"postgresql://{user}:{password}@{host}/app"',
    'const url = `postgresql://${user}:${password}@${host}/app`;',
    'DATABASE_URL = "postgresql://user:password@localhost/app"',
    'MAX_BINDING_HOPS_FOR_SENSITIVE_VALUES_2 = 16',
  ];
  for (const code of unchanged) {
    test(`keeps ${code.slice(0, 40)}`, () => {
      assert.equal(maskSecrets(code), code);
    });
  }
});

describe('findSecretFormat', () => {
  test('names a password in a connection URL', () => {
    assert.equal(findSecretFormat('postgresql://admin:S3cretPw@db:5432/x'), URL_PASSWORD_FORMAT);
  });

  test('skips a placeholder password in a URL', () => {
    assert.equal(findSecretFormat('postgresql://admin:changeme@db:5432/x'), null);
    assert.equal(findSecretFormat('postgresql://admin:{}@db:5432/x'), null);
    assert.equal(findSecretFormat('mongodb://<user>:<password>@cluster0/test'), null);
  });

  test('skips a URL without credentials', () => {
    assert.equal(findSecretFormat('https://example.com:8443/login'), null);
  });

  test('leaves a random token without a known format unnamed', () => {
    assert.equal(findSecretFormat('x7Kp2QmZr9TfLw3BnYc8HdVs6JgEa1Uo'), null);
  });
});

describe('isHighEntropyToken', () => {
  test('accepts an AWS secret access key', () => {
    assert.equal(isHighEntropyToken('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), true);
  });

  test('rejects a camelCase identifier with a digit', () => {
    assert.equal(isHighEntropyToken('someVeryLongIdentifierNameThatIs40Chars1'), false);
  });

  test('rejects a token without digits', () => {
    assert.equal(isHighEntropyToken('xKpQmZrTfLwBnYcHdVsJgEaUoRtYuIoPa'), false);
  });

  test('rejects a token shorter than 32 characters', () => {
    assert.equal(isHighEntropyToken('x7Kp2QmZr9TfLw3BnYc8HdVs6JgEa1U'), false);
  });
});

describe('isPlaceholderSecret', () => {
  const placeholders = [
    '',
    '***',
    'xxxxxxxx',
    '<redacted>',
    '[REDACTED]',
    'changeme',
    'password',
    '${DB_PASSWORD}',
    '{}',
    '%s',
  ];
  for (const value of placeholders) {
    test(`treats "${value}" as a placeholder`, () => {
      assert.equal(isPlaceholderSecret(value), true);
    });
  }

  test('treats a real password as a secret', () => {
    assert.equal(isPlaceholderSecret('CorrectHorseBatteryStaple2'), false);
  });
});
