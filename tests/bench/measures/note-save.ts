/**
 * Note save latency through the service layer, as autosave drives it: `evidence.create` for the
 * first save of a note, then `evidence.update` as the text grows, each its own command and
 * transaction (synchronous=FULL, so every save is on disk before it returns), on a copy of
 * an inspector's full store. Each save keeps an open draft; closing the composer
 * (`evidence.sealDraft`, the signed changeset) is timed on its own: no one is typing then.
 */
import { rmSync } from 'node:fs';
import { invoke } from '../../../main/services/dispatch.js';
import { newId } from '../../../shared/domain/ids.js';
import { percentile } from '../numbers.js';
import { inspectionProse } from '../prose.js';
import { seededRng } from '../seeded.js';
import { copyDataDir, openDataDir } from '../team.js';

export interface NoteSaveRun {
  readonly saves: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly createP99Ms: number;
  readonly updateP99Ms: number;
  /** The same saves in CPU time (user + system), which a saturated machine distorts far less. */
  readonly cpuP50Ms: number;
  readonly cpuP99Ms: number;
  /** Closing the composer: the draft sealed into one signed changeset (wall and CPU p99). */
  readonly sealP99Ms: number;
  readonly sealCpuP99Ms: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export async function measureNoteSaves(
  sourceDir: string,
  workDir: string,
  inspectionId: string,
  notes: number,
  seed: number,
): Promise<NoteSaveRun> {
  copyDataDir(sourceDir, workDir);
  const runtime = await openDataDir(workDir);
  const rng = seededRng(seed);
  const creates: number[] = [];
  const updates: number[] = [];
  const cpu: number[] = [];
  const seals: number[] = [];
  const sealCpu: number[] = [];
  try {
    const { cases } = await invoke(runtime.ctx, 'evidence.options', { inspectionId });
    for (let n = 0; n < notes; n += 1) {
      const full = inspectionProse(rng);
      const id = newId();
      const fields = {
        text: full.slice(0, 80),
        source: 'case_record' as const,
        agency: 'social_care' as const,
        themes: ['Children living with domestic abuse'],
        polarity: 'weakness' as const,
        caseId: cases.length > 0 ? rng.pick(cases).id : null,
      };
      let started = nowMs();
      let cpuStarted = cpuMs();
      await invoke(runtime.ctx, 'evidence.create', { inspectionId, id, fields });
      creates.push(nowMs() - started);
      cpu.push(cpuMs() - cpuStarted);
      // Autosave as the inspector keeps typing: the text grows, one save per pause.
      for (const cut of [0.5, 1]) {
        started = nowMs();
        cpuStarted = cpuMs();
        await invoke(runtime.ctx, 'evidence.update', { id, fields: { text: full.slice(0, Math.ceil(full.length * cut)) } });
        updates.push(nowMs() - started);
        cpu.push(cpuMs() - cpuStarted);
      }
      started = nowMs();
      cpuStarted = cpuMs();
      await invoke(runtime.ctx, 'evidence.sealDraft', { id });
      seals.push(nowMs() - started);
      sealCpu.push(cpuMs() - cpuStarted);
    }
  } finally {
    runtime.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  const all = [...creates, ...updates];
  return {
    saves: all.length,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    createP99Ms: percentile(creates, 99),
    updateP99Ms: percentile(updates, 99),
    cpuP50Ms: percentile(cpu, 50),
    cpuP99Ms: percentile(cpu, 99),
    sealP99Ms: percentile(seals, 99),
    sealCpuP99Ms: percentile(sealCpu, 99),
  };
}
