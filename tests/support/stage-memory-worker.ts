/**
 * Run with `node --expose-gc` (tests/integration/bundles/stage-memory.test.ts): stages a bundle's
 * worth of large changeset bodies in an import's TEMP staging table, then reads them back as the
 * import does (`iterateStaged`) and prints, as one JSON line, the most Buffer memory the read
 * ever held at once beside the bodies' total. Bodies are made one at a time and dropped, so
 * only the read can hold many of them.
 */
import { openStore } from '../../main/store/connection.js';
import { clearStage, ensureStage, iterateStaged, stageChangeset } from '../../main/store/bundles-repo.js';

const [countText, sizeText] = process.argv.slice(2);
const count = Number(countText);
const size = Number(sizeText);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const held = (): number => {
  gc();
  const usage = process.memoryUsage();
  return usage.arrayBuffers;
};

const db = openStore(':memory:');
ensureStage(db, 'memory-test', false);
const token = 'memory-test';
const author = 'A'.repeat(43);
for (let seq = 1; seq <= count; seq += 1) {
  const body = Buffer.alloc(size, seq % 251);
  const id = seq.toString(16).padStart(64, '0');
  stageChangeset(
    db,
    token,
    { id, inspection: 'i', author, seq, prev: null, body, signature: Buffer.alloc(64), local: false },
    false,
  );
}
const before = held();
let peak = 0;
let read = 0;
let bytes = 0;
for (const record of iterateStaged(db, token, 'i')) {
  read += 1;
  bytes += record.body.length;
  if (read % 4 === 0) peak = Math.max(peak, held() - before);
}
clearStage(db, token);
db.close();
process.stdout.write(`${JSON.stringify({ read, totalBytes: bytes, peakBytes: peak })}\n`);
