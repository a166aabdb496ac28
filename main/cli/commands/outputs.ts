/** `fieldwork letter|evidence-log|case-sample --data DB --inspection ID --to FILE`: the lead's outputs from the command line. */
import { invoke } from '../../services/dispatch.js';
import { writeExportedFile } from '../../services/outputs.js';
import { openRuntime, CLI_HOLDER, resolveDataDir } from '../../services/runtime.js';
import { CliUsageError, parseCliArgs, printProgress, stderrLogger, type CliCommand } from '../cli-support.js';

type OutputCommand = 'outputs.letter' | 'outputs.evidenceLog' | 'outputs.sampleSummary';

function outputCommand(name: string, command: OutputCommand, what: string): CliCommand {
  return {
    name,
    usage: `${name} --data DB --inspection ID --to FILE`,
    summary: `write ${what}`,
    help: `Writes ${what} for one inspection.\n  --data DB          the store file or data folder\n  --inspection ID    the inspection (see: fieldwork info)\n  --to FILE          where to write it (written to a temporary name, then renamed)`,
    async run(args) {
      const { values } = parseCliArgs(
        args,
        { data: { type: 'string' }, inspection: { type: 'string' }, to: { type: 'string' } },
        false,
      );
      if (!values.inspection || !values.to) throw new CliUsageError(`${name} needs --inspection ID and --to FILE`);
      const dataDir = resolveDataDir(values.data ? ['--data', values.data] : [], process.env);
      const runtime = await openRuntime({ dataDir, log: stderrLogger, holder: CLI_HOLDER });
      try {
        const file = await invoke(runtime.ctx, command, { inspectionId: values.inspection }, { onProgress: printProgress });
        writeExportedFile(file, values.to);
        process.stdout.write(
          `Wrote ${values.to} (${file.size} bytes, ${file.count} ${command === 'outputs.letter' ? 'agreed findings' : 'rows'})\n`,
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
