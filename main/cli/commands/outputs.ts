/** `fieldwork letter|evidence-log|case-sample --data DB --inspection ID --to FILE`: the lead's outputs from the command line. */
import { invoke } from '../../services/dispatch.js';
import { writeExportedFile } from '../../services/outputs.js';
import { CliUsageError, parseCliArgs, printProgress, type CliCommand } from '../cli-support.js';
import { checkTarget } from '../cli-files.js';
import { openExistingData } from './bundle-support.js';
import { requireInspectionArg } from './info.js';

type OutputCommand = 'outputs.letter' | 'outputs.evidenceLog' | 'outputs.sampleSummary';

function outputCommand(name: string, command: OutputCommand, what: string, extra = ''): CliCommand {
  return {
    name,
    usage: `${name} --data DB --inspection ID --to FILE [--force]${extra ? ' [--appendix]' : ''}`,
    summary: `write ${what}`,
    help: [
      `Writes ${what} for one inspection.`,
      '  --data DB          the data folder or its .db file',
      '  --inspection ID    the inspection (see: fieldwork info)',
      '  --to FILE          where to write it (checked before any work; written to a temporary name, then renamed)',
      '  --force            replace FILE if it already exists (otherwise an existing FILE is never touched)',
      ...(extra ? [extra] : []),
      'Exit codes: 0 written · 1 failed (no data folder, FILE exists, folder not writable) · 2 usage · 4 store problem.',
    ].join('\n'),
    async run(args) {
      const { values } = parseCliArgs(
        args,
        {
          data: { type: 'string' },
          inspection: { type: 'string' },
          to: { type: 'string' },
          force: { type: 'boolean' },
          ...(extra ? { appendix: { type: 'boolean' } } : {}),
        },
        false,
      );
      if (!values.inspection || !values.to) throw new CliUsageError(`${name} needs --inspection ID and --to FILE`);
      const inspectionId = requireInspectionArg(values.inspection);
      const force = values.force === true;
      const target = checkTarget(values.to, force);
      const runtime = await openExistingData(values.data, { required: false });
      try {
        const file = await invoke(runtime.ctx, command, { inspectionId }, { onProgress: printProgress });
        writeExportedFile(file, target, { overwrite: force });
        process.stdout.write(
          `Wrote ${target} (${file.size} bytes, ${file.count} ${command === 'outputs.letter' ? 'agreed findings' : 'rows'})\n`,
        );
        return 0;
      } finally {
        runtime.close();
      }
    },
  };
}

export const letterCommand = outputCommand('letter', 'outputs.letter', 'the draft letter (.docx) built from agreed findings');
export const evidenceLogCommand = outputCommand('evidence-log', 'outputs.evidenceLog', 'the evidence log (.csv)');
export const caseSampleCommand = outputCommand('case-sample', 'outputs.sampleSummary', 'the case sample summary (.csv)');
