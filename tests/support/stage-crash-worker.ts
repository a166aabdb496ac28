/**
 * Stages one changeset of known text in an import's stage file beside the store at argv[2],
 * says so, then dies by SIGKILL before closing (tests/integration/store/stage-file.test.ts):
 * what a crash mid-import leaves behind.
 */
import { openStore } from '../../main/store/connection.js';
import { ensureStage, stageChangeset } from '../../main/store/bundles-repo.js';

const [storePath, text] = process.argv.slice(2) as [string, string];
const db = openStore(storePath);
ensureStage(db, 'crash', true);
const body = Buffer.from(text.repeat(1000));
const record = {
  id: '0'.repeat(64),
  inspection: 'i',
  author: 'A'.repeat(43),
  seq: 1,
  prev: null,
  body,
  signature: Buffer.alloc(64),
  local: false,
};
stageChangeset(db, 'crash', record, false);
process.stdout.write('staged\n');
process.kill(process.pid, 'SIGKILL');
