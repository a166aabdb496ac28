/**
 * What may enter the store from a bundle, decided after every changeset is verified and
 * before the import transaction: the manifest's stated ranges match its changesets, every
 * new changeset's author is trusted (see roster-trust.ts), and every author's chain follows
 * on from what this store holds or from the same bundle.
 */
import { changesetIdAt, changesetLink, hasOtherChild, knowsInspection, memberName, rosterKeys } from '../store/bundles-repo.js';
import { rejectBundle, type BundleManifest } from './bundle-format.js';
import { fingerprint } from './device-identity.js';
import type { ImportOptions } from './import-bundle.js';
import type { WriteContext } from './local-write.js';
import { everMemberKeys } from '../store/authority-repo.js';
import { currentState } from './authority.js';
import { namesItselfLead, sameFingerprint, trustedAuthors, type RosterEdits } from './roster-trust.js';

export interface ChainLink {
  readonly seq: number;
  readonly id: string;
  readonly prev: string | null;
  readonly known: boolean;
}

/** The signed per-author ranges must describe exactly the records that followed them. */
export function rangesMatch(manifest: BundleManifest, chains: ReadonlyMap<string, ChainLink[]>): boolean {
  const actual = [...chains.entries()]
    .map(([author, links]) => ({
      author,
      first: links.reduce((min, l) => Math.min(min, l.seq), Infinity),
      last: links.reduce((max, l) => Math.max(max, l.seq), 0),
      count: links.length,
    }))
    .sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : 0));
  const stated = [...manifest.ranges].sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : 0));
  return (
    JSON.stringify(actual) === JSON.stringify(stated.map(({ author, first, last, count }) => ({ author, first, last, count })))
  );
}

export function checkTrust(
  ctx: WriteContext,
  manifest: BundleManifest,
  edits: readonly RosterEdits[],
  options: ImportOptions,
  dryRun: boolean,
): { isJoin: boolean; unknownAuthors: { author: string; fingerprint: string }[] } {
  const isJoin = !knowsInspection(ctx.db, manifest.inspection);
  const exporterPrint = fingerprint(manifest.exporter);
  let initial: Set<string>;
  let leads: Set<string> | undefined;
  if (isJoin) {
    const confirmed = options.trustLead !== undefined && sameFingerprint(options.trustLead, exporterPrint);
    if (!confirmed && !dryRun) {
      throw rejectBundle(
        'unknown-author',
        { fingerprint: exporterPrint, author: manifest.exporter, isJoin: true },
        `This bundle starts an inspection this laptop does not have yet. Check that the lead’s fingerprint is ${exporterPrint}, then confirm it to join.`,
      );
    }
    if (!namesItselfLead(manifest.exporter, edits)) {
      throw rejectBundle(
        'unknown-author',
        { fingerprint: exporterPrint, author: manifest.exporter, isJoin: true },
        'This bundle does not come from the inspection’s lead, so it cannot be used to join the inspection.',
      );
    }
    initial = new Set([manifest.exporter]);
  } else {
    const roster = rosterKeys(ctx.db, manifest.inspection);
    const everMembers = everMemberKeys(ctx.db, manifest.inspection);
    if (!roster.some((m) => m.signingKey === manifest.exporter)) {
      // A removed member's own bundle is refused whole, naming them: what they wrote while on
      // the team still reaches this laptop through other members' bundles (judged per op).
      const removed = everMembers.has(manifest.exporter);
      throw rejectBundle(
        'unknown-author',
        { fingerprint: exporterPrint, author: manifest.exporter, ...(removed ? { removed: true } : {}) },
        removed
          ? `This bundle was exported by ${currentState(ctx.db, manifest.inspection).nameOf(manifest.exporter)} (fingerprint ${exporterPrint}), who has been removed from the team, so it was not imported. What they wrote while on the team reaches you through other members’ bundles.`
          : undefined,
      );
    }
    // Anyone who was ever a member (by the lead's changes) may have their changesets carried:
    // what each op of theirs may do is judged per op (main/sync/authority.ts), so a removed
    // member's work merged by an honest member does not make the honest member's bundles refused.
    initial = new Set([...roster.map((m) => m.signingKey), ...everMembers]);
    leads = new Set([currentState(ctx.db, manifest.inspection).lead()]);
  }
  const trusted = trustedAuthors(initial, edits, leads ?? initial);
  const unknown = [...new Set(edits.map((e) => e.author).filter((a) => !trusted.has(a)))].sort();
  const unknownAuthors = unknown.map((author) => ({ author, fingerprint: fingerprint(author) }));
  if (unknownAuthors.length > 0 && !dryRun) {
    const first = unknownAuthors[0] as { author: string; fingerprint: string };
    throw rejectBundle('unknown-author', { fingerprint: first.fingerprint, author: first.author, unknownAuthors });
  }
  if (isJoin && !trusted.has(ctx.device.author)) {
    throw rejectBundle('not-a-member', { fingerprint: fingerprint(ctx.device.author) });
  }
  return { isJoin, unknownAuthors };
}

/** Where a new line of an author's chain starts next to one this store already has (a restored laptop). */
export interface ChainFork {
  readonly author: string;
  /** The seq of the last changeset both lines share (0: none, both lines start afresh). */
  readonly fromSeq: number;
}

/**
 * ======================================================================================
 * CHAIN CONTINUITY (docs/sync-and-merge.md, "Restores and forks").
 *
 * Each new changeset must follow on from one this store has or one in the same bundle: its
 * `prev` (the hash of the author's changeset before it) must be here, with a lower seq. Seq
 * numbers order a chain but need not be consecutive: a laptop restored from its own backup
 * starts a new line whose first changeset jumps above the restore's floor (meta-repo.ts) and
 * names as `prev` the last changeset the backup held. The lead then holds two lines that share
 * a start — a FORK — and keeps BOTH: every op in either line is merged (ops are merged by
 * (hlc, id), never by arrival), so the merged store is the same whichever line arrives first,
 * and later bundles from that laptop follow on as usual. The fork is told in words (a
 * 'restored-laptop' notice), never as "damaged". A changeset whose `prev` is not here is a
 * chain-gap (ask for the earlier bundle); two different changesets under one seq number can
 * only come from a fork that did not jump (an older Fieldwork): that is refused as a fork, in
 * words, and the laptop's full export after this version's restore merges.
 * ======================================================================================
 */
export function checkChains(ctx: WriteContext, inspectionId: string, chains: ReadonlyMap<string, ChainLink[]>): ChainFork[] {
  const forks: ChainFork[] = [];
  const addFork = (author: string, fromSeq: number) => {
    if (!forks.some((f) => f.author === author && f.fromSeq === fromSeq)) forks.push({ author, fromSeq });
  };
  for (const [author, links] of chains) {
    const bySeq = new Map<number, ChainLink>();
    const byId = new Map<string, ChainLink>();
    for (const link of links) {
      const twin = bySeq.get(link.seq);
      if (twin && twin.id !== link.id) throw forkRefusal(ctx, inspectionId, author, link.seq);
      bySeq.set(link.seq, link);
      byId.set(link.id, link);
    }
    for (const link of links) {
      if (link.known) continue;
      const stored = changesetIdAt(ctx.db, inspectionId, author, link.seq);
      if (stored !== null) throw forkRefusal(ctx, inspectionId, author, link.seq);
      if (link.prev === null) {
        // A second root: a laptop restored from a backup that held none of its changesets.
        const otherRoot = links.some((l) => l.prev === null && l.id !== link.id);
        if (otherRoot || hasOtherChild(ctx.db, inspectionId, author, null, link.id)) addFork(author, 0);
        continue;
      }
      const inBundle = byId.get(link.prev);
      const before = inBundle ? { seq: inBundle.seq, author } : changesetLink(ctx.db, link.prev);
      if (before === null) {
        throw rejectBundle('chain-gap', { author, fingerprint: fingerprint(author), missingSeq: link.seq - 1 });
      }
      if (before.author !== author || before.seq >= link.seq) throw rejectBundle('corrupt', { author, seq: link.seq });
      // Another line from the same point (held here, or in this bundle): a fork, kept whole.
      const siblings = links.filter((l) => l.prev === link.prev && l.id !== link.id);
      if (siblings.length > 0 || hasOtherChild(ctx.db, inspectionId, author, link.prev, link.id)) addFork(author, before.seq);
    }
  }
  return forks;
}

function forkRefusal(ctx: WriteContext, inspectionId: string, author: string, seq: number): Error {
  const name = memberName(ctx.db, inspectionId, author) ?? `The laptop with fingerprint ${fingerprint(author)}`;
  return rejectBundle(
    'fork',
    { author, fingerprint: fingerprint(author), seq },
    `${name}’s laptop has two different versions of its change number ${seq}: it was probably restored from a backup by an older version of Fieldwork and then used. The bundle is not damaged, but it was not merged. Update Fieldwork on that laptop and ask it for a full export (fieldwork export --full); that merges.`,
  );
}
