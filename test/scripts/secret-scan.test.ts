import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'secret-scan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function scan(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return spawnSync(
    'npx',
    ['secretlint', '--maskSecrets', '--secretlintrc', join(root, '.secretlintrc.json'), file],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
}

describe('secret scan configuration', () => {
  it('finds an AWS secret access key', () => {
    const fake = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYzz3kEY1234'].join('/');
    const result = scan('aws.ini', `aws_secret_access_key = ${fake}\n`);
    assert.notEqual(result.status, 0);
    assert.match(result.stdout, /AWSSecretAccessKey/);
  });

  it('finds a private key', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const result = scan('key.pem', pem);
    assert.notEqual(result.status, 0);
    assert.match(result.stdout, /PrivateKey/);
  });

  it('passes the dummy credentials the emulators use', () => {
    const result = scan('env.sh', 'AWS_ACCESS_KEY_ID=test\nAWS_SECRET_ACCESS_KEY=test\n');
    assert.equal(result.status, 0, result.stdout);
  });
});
