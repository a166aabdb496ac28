/** Fast in-memory stores for property tests: real SQLite (":memory:"), real device keys. */
import { generateKeyPairSync } from 'node:crypto';
import { openStore } from '../../main/store/connection.js';
import { identityFromSecrets, type DeviceIdentity } from '../../main/sync/device-identity.js';
import type { ServiceContext } from '../../main/services/context.js';
import { quietLog } from './runtime.js';
import { generateX25519Identity } from 'age-encryption';

export async function makeDevices(count: number): Promise<DeviceIdentity[]> {
  const devices: DeviceIdentity[] = [];
  for (let i = 0; i < count; i += 1) {
    const { privateKey } = generateKeyPairSync('ed25519');
    devices.push(
      await identityFromSecrets({
        signingPrivatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        ageIdentity: await generateX25519Identity(),
      }),
    );
  }
  return devices;
}

export interface MemoryReplica extends ServiceContext {
  /** The physical clock this replica reads; tests move it to make skew. */
  clock: { ms: number };
}

export function memoryReplica(device: DeviceIdentity, startMs = Date.UTC(2026, 10, 2, 9)): MemoryReplica {
  const clock = { ms: startMs };
  return {
    db: openStore(':memory:'),
    device,
    now: () => clock.ms,
    dataDir: '',
    log: quietLog,
    keyProtection: 'memory',
    clock,
  };
}
