/** What the parent tells a merge child (a job file) and what the child answers (one JSON line). */

/** Always the bundles service now; kept in the result so old JSON files stay readable. */
export type MergePath = 'bundles';

export interface MergeJob {
  readonly leadTemplateDir: string;
  readonly workDir: string;
  readonly inspectionId: string;
  readonly path: MergePath;
  readonly bundleFiles: readonly string[];
}

export interface MergeRun {
  readonly path: MergePath;
  readonly mergeMs: number;
  /** CPU time (user + system) the merge used: less sensitive than wall time to a busy machine. */
  readonly mergeCpuMs: number;
  readonly perBundleMs: readonly number[];
  readonly reimportMs: number;
  readonly reimportCpuMs: number;
  readonly reimportPerBundleMs: readonly number[];
  readonly newOps: number;
  readonly conflicts: number;
  readonly maxRssMb: number;
}
