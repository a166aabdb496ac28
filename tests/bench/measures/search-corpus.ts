/**
 * A search-only store of N evidence notes (10 K, 100 K, 1 M) from the same phrase model, for
 * search latency at sizes the full team generator takes too long to reach. The notes go in
 * through the floor's raw bulk insert (rows plus search documents, FTS by trigger): search
 * reads the same tables and index whichever way the rows arrived. Kept in the cache folder.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from '../../../main/services/dispatch.js';
import { bulkInsertRows } from '../bench-repo.js';
import { SearchTermRecorder } from '../../../main/store/search-terms.js';
import { AGENCIES, JTAI_THEMES, POLARITIES, SOURCES, keysOf } from '../../../shared/domain/vocabulary.js';
import { inspectionProse } from '../prose.js';
import { seededId, seededRng } from '../seeded.js';
import { FIELDWORK_START_MS, MEASURE_INSPECTION, openDataDir } from '../team.js';

const BATCH = 20_000;
const NOTE_COLUMNS = ['id', 'inspection_id', 'text', 'source', 'agency', 'themes', 'polarity', 'author', 'created_at'];
const DOC_COLUMNS = ['kind', 'row_id', 'inspection_id', 'text'];

/** Returns the data folder and inspection of a store holding `notes` searchable notes. */
export async function searchCorpus(
  cacheRoot: string,
  notes: number,
  seed: number,
  say: (line: string) => void,
): Promise<{ dataDir: string; inspectionId: string; buildSeconds: number | null }> {
  const dataDir = join(cacheRoot, `search-${notes}-seed${seed}`);
  const marker = join(dataDir, 'corpus.json');
  if (existsSync(marker)) {
    const { inspectionId } = JSON.parse(readFileSync(marker, 'utf8')) as { inspectionId: string };
    return { dataDir, inspectionId, buildSeconds: null };
  }
  rmSync(dataDir, { recursive: true, force: true });
  const started = performance.now();
  const runtime = await openDataDir(dataDir);
  const rng = seededRng(seed);
  // Generation only, as for the team (team.ts): no fsync, a large page cache. The runtime turns
  // automatic checkpoints off (its write queue checkpoints every second), so each batch is
  // checkpointed here: at 1 M notes the WAL otherwise grew to 6.7 GB, checkpointed at close.
  runtime.ctx.db.pragma('synchronous = OFF');
  runtime.ctx.db.pragma('cache_size = -262144');
  try {
    const inspection = await invoke(runtime.ctx, 'inspections.create', {
      fields: { ...MEASURE_INSPECTION, inspectorates: [...MEASURE_INSPECTION.inspectorates] },
    });
    const author = runtime.ctx.device.author;
    for (let done = 0; done < notes; done += BATCH) {
      const count = Math.min(BATCH, notes - done);
      const noteRows: unknown[][] = [];
      const docRows: unknown[][] = [];
      for (let i = 0; i < count; i += 1) {
        const at = FIELDWORK_START_MS + (done + i) * 1000;
        const id = seededId(rng, at);
        const text = inspectionProse(rng);
        const themes = JSON.stringify(rng.some(JTAI_THEMES, 1, 2));
        const polarity = rng.pick(keysOf(POLARITIES));
        const created = new Date(at).toISOString();
        noteRows.push([
          id,
          inspection.id,
          text,
          rng.pick(keysOf(SOURCES)),
          rng.pick(keysOf(AGENCIES)),
          themes,
          polarity,
          author,
          created,
        ]);
        docRows.push(['evidence_note', id, inspection.id, text]);
      }
      bulkInsertRows(runtime.ctx.db, [
        { table: 'evidence_note', columns: NOTE_COLUMNS, rows: noteRows },
        { table: 'search_doc', columns: DOC_COLUMNS, rows: docRows },
      ]);
      // The rows bypass the materialiser, so their terms are recorded as it would record them.
      const terms = new SearchTermRecorder(runtime.ctx.db);
      for (const row of docRows) terms.add(row[3] as string);
      terms.flush();
      runtime.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
      if ((done / BATCH) % 10 === 9) say(`  search corpus: ${done + count} of ${notes} notes`);
    }
    writeFileSync(marker, JSON.stringify({ inspectionId: inspection.id, notes }));
    return { dataDir, inspectionId: inspection.id, buildSeconds: (performance.now() - started) / 1000 };
  } finally {
    runtime.close();
  }
}
