/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time per
 * function and per source file, largest first. Native SQLite work shows up as the JS function
 * that called into better-sqlite3 (`run`, `get`, `all`, `prepare`), since V8 cannot see inside it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly ProfileLine[];
  readonly files: readonly ProfileLine[];
}

/**
 * esbuild marks each module in a bundle with a `// path/to/file.ts` comment line; those marks
 * map a line of the bundle back to its source file without needing the source map.
 */
function sourceRegions(bundleFile: string): { line: number; source: string }[] {
  const regions: { line: number; source: string }[] = [];
  readFileSync(bundleFile, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const mark = /^\/\/ ((?:node_modules\/)?[\w@./-]+\.(?:ts|js|cjs|mjs))$/.exec(text);
      if (mark) regions.push({ line, source: mark[1] as string });
    });
  return regions;
}

function sourceOf(regions: readonly { line: number; source: string }[], line: number): string | null {
  let found: string | null = null;
  for (const region of regions) {
    if (region.line > line) break;
    found = region.source;
  }
  return found;
}

export function summariseProfile(file: string, bundleFile: string, top = 15): ProfileSummary {
  const regions = sourceRegions(bundleFile);
  const bundleName = basename(bundleFile);
  const where = (frame: CallFrame): string => {
    if (!frame.url) return '';
    if (basename(frame.url) !== bundleName) return basename(frame.url);
    return sourceOf(regions, frame.lineNumber) ?? bundleName;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    const source = where(frame);
    const name = `${frame.functionName || '(anonymous)'} ${source}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
    const fileName = source || frame.functionName || '(native)';
    files.set(fileName, (files.get(fileName) ?? 0) + us);
  }
  const lines = (map: Map<string, number>): ProfileLine[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: totalUs > 0 ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, functions: lines(functions), files: lines(files) };
}
