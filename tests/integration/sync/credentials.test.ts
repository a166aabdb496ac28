import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS_FILE, fileCredentialVault } from '../../../main/sync/sync-credentials.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

// The one permitted stand-in: Electron itself. safeStorage "encrypts" by reversing bytes here.
const keychain = { available: true };
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => keychain.available,
    encryptString: (text: string) => Buffer.from(text, 'utf8').reverse(),
    decryptString: (bytes: Buffer) => Buffer.from(bytes).reverse().toString('utf8'),
  },
}));

let runtime: TestRuntime | undefined;
afterEach(() => {
  runtime?.dispose();
  runtime = undefined;
  keychain.available = true;
});

const SECRET = 'hunter2-but-longer';

describe('sync credentials', () => {
  it('the file vault encrypts with the device key: no plaintext on disk, another key cannot read it', () => {
    const dir = tempDir();
    const path = join(dir, CREDENTIALS_FILE);
    const warnings: string[] = [];
    const key = generateKeyPairSync('ed25519').privateKey;
    const vault = fileCredentialVault(path, key, (m) => warnings.push(m));
    vault.set('a', SECRET);
    vault.set('b', 'other');
    expect(vault.get('a')).toBe(SECRET);
    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not by the operating system');
    const stranger = fileCredentialVault(path, generateKeyPairSync('ed25519').privateKey, () => undefined);
    expect(stranger.get('a')).toBeNull();
    vault.remove('a');
    expect(vault.get('a')).toBeNull();
    expect(vault.get('b')).toBe('other');
  });

  it('a saved password never comes back across the API, and removing the target forgets it', async () => {
    runtime = await testRuntime();
    const inspection = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    });
    const saved = await runtime.call('sync.saveTarget', {
      inspectionId: inspection.id,
      kind: 'webdav',
      location: 'https://cloud.example.org/remote.php/dav/files/team',
      auth: 'password',
      username: 'asha',
      secret: SECRET,
    });
    expect(saved).toMatchObject({
      hasSecret: true,
      location: 'https://cloud.example.org/remote.php/dav/files/team/',
      username: 'asha',
    });
    expect(JSON.stringify(saved)).not.toContain(SECRET);
    expect(JSON.stringify(await runtime.call('sync.getTarget', { inspectionId: inspection.id }))).not.toContain(SECRET);
    const file = readFileSync(join(runtime.dir, CREDENTIALS_FILE), 'utf8');
    expect(file).not.toContain(SECRET);
    // Saving again without a secret keeps the saved one.
    expect(
      (await runtime.call('sync.saveTarget', { ...saved, inspectionId: inspection.id, auth: 'password', username: 'asha' }))
        .hasSecret,
    ).toBe(true);
    await runtime.call('sync.removeTarget', { inspectionId: inspection.id });
    expect(await runtime.call('sync.getTarget', { inspectionId: inspection.id })).toBeNull();
    expect(readFileSync(join(runtime.dir, CREDENTIALS_FILE), 'utf8')).not.toContain('sync-target:');
    await expect(
      runtime.call('sync.saveTarget', {
        inspectionId: inspection.id,
        kind: 'webdav',
        location: 'http://cloud.example.org/dav/',
        auth: 'none',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('https://') });
  });

  it('the desktop vault keeps secrets with safeStorage and refuses to save when the keychain is unavailable', async () => {
    const { safeStorageCredentialVault } = await import('../../../main/app/sync-credentials.js');
    const dir = tempDir();
    const path = join(dir, 'sync-credentials.safe.json');
    const vault = safeStorageCredentialVault(path);
    vault.set('x', SECRET);
    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
    expect(safeStorageCredentialVault(path).get('x')).toBe(SECRET);
    keychain.available = false;
    expect(() => vault.set('y', 'another')).toThrow(/keychain/);
    expect(vault.get('x')).toBeNull();
    expect(existsSync(path)).toBe(true);
  });
});
