/**
 * One inspector's phase of generation (generate-work.ts), in its own process so that several
 * inspectors work at once. Run by generator.ts; prints the phase's result and its CPU time.
 */
import { childMain, processCpuMs } from './child-process.js';
import { fieldwork, laterEdits, type GenerateJob } from './generate-work.js';

childMain(async (job: GenerateJob) => {
  const result = job.phase === 'fieldwork' ? await fieldwork(job) : await laterEdits(job);
  return { result, cpuMs: processCpuMs() };
});
