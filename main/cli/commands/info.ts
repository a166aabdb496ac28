/** `fieldwork info --data DIR`: this device's keys and the inspections in a data folder. */
import { invoke } from '../../services/dispatch.js';
import { openRuntime, CLI_HOLDER, resolveDataDir } from '../../services/runtime.js';
import { parseCliArgs, stderrLogger, type CliCommand } from '../cli-support.js';

export const infoCommand: CliCommand = {
  name: 'info',
  usage: 'info [--data DIR] [--json]',
  summary: 'show this device’s keys and the inspections in a data folder',
  help: 'Shows the device signing key (give it to the lead), the encryption key and each inspection.\n  --data DIR   the data folder (default: FIELDWORK_DATA or ~/.fieldwork)\n  --json       machine-readable output',
  async run(args) {
    const { values } = parseCliArgs(args, { data: { type: 'string' }, json: { type: 'boolean' } }, false);
    const dataDir = resolveDataDir(values.data ? ['--data', values.data] : [], process.env);
    const runtime = await openRuntime({ dataDir, log: stderrLogger, holder: CLI_HOLDER });
    try {
      const device = await invoke(runtime.ctx, 'device.info', {});
      const inspections = await invoke(runtime.ctx, 'inspections.list', {});
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ device, inspections }, null, 2)}\n`);
      } else {
        process.stdout.write(
          `Signing key:    ${device.author}\nEncryption key: ${device.ageRecipient}\nFingerprint:    ${device.fingerprint}\n`,
        );
        for (const i of inspections)
          process.stdout.write(`${i.id}  ${i.localAuthority}  ${i.type}  ${i.fieldworkStart}..${i.fieldworkEnd}\n`);
      }
      return 0;
    } finally {
      runtime.close();
    }
  },
};
