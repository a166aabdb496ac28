/** `fieldwork info --data DIR`: this device's keys and the inspections in a data folder. */
import { AppError } from '../../../shared/errors.js';
import { invoke } from '../../services/dispatch.js';
import { parseCliArgs, type CliCommand } from '../cli-support.js';
import { openExistingData } from './bundle-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--inspection` must look like an inspection id before anything is opened. */
export function requireInspectionArg(id: string): string {
  if (!UUID.test(id)) throw new AppError('invalid_input', `"${id}" is not an inspection id (fieldwork info lists them).`);
  return id.toLowerCase();
}

export const infoCommand: CliCommand = {
  name: 'info',
  usage: 'info [--data DIR] [--create] [--json]',
  summary: 'show this device’s keys and the inspections in a data folder',
  help: [
    'Shows the device signing key (give it to the lead), the encryption key and each inspection.',
    '  --data DIR   the data folder or its .db file (default: FIELDWORK_DATA or ~/.fieldwork)',
    '  --create     make a new data folder (device keys and an empty store) if there is none',
    '  --json       machine-readable output',
    'A folder that does not exist is refused (exit 1) unless --create is given.',
  ].join('\n'),
  async run(args) {
    const { values } = parseCliArgs(
      args,
      { data: { type: 'string' }, json: { type: 'boolean' }, create: { type: 'boolean' } },
      false,
    );
    const runtime = await openExistingData(values.data, { required: false, create: values.create === true, backups: false });
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
