/**
 * What may enter the store from a bundle, decided after every changeset is verified and
 * before the import transaction: the manifest's stated ranges match its changesets, every
 * new changeset's author is trusted (see roster-trust.ts), and every chain is consistent with
 * what this store holds (checkChains).
 */
import type { BundleNoticeT } from '../../shared/api/bundles.js';
import { authorEpochs, changesetIdAt, knownChangeset, knowsInspection, memberName, rosterKeys } from '../store/bundles-repo.js';
import { rejectBundle, type BundleManifest } from './bundle-format.js';
import { fingerprint } from './device-identity.js';
import type { ImportOptions } from './import-bundle.js';
import type { WriteContext } from './local-write.js';
import { everMemberKeys } from '../store/authority-repo.js';
import { currentState } from './authority.js';
import { namesItselfLead, sameFingerprint, trustedAuthors, type RosterEdits } from './roster-trust.js';

export interface ChainLink {
  readonly author: string;
  readonly epoch: string;
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
    if (!roster.some((m) => m.signingKey === manifest.exporter)) {
      throw rejectBundle('unknown-author', { fingerprint: exporterPrint, author: manifest.exporter });
    }
    // Anyone who was ever a member (by the lead's changes) may have their changesets carried:
    // what each op of theirs may do is judged per op (main/sync/authority.ts), so a removed
    // member's work merged by an honest member does not make the honest member's bundles refused.
    initial = new Set([...roster.map((m) => m.signingKey), ...everMemberKeys(ctx.db, manifest.inspection)]);
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

/**
 * CHAIN ADMISSION (DESIGN; docs/sync-chains.md). Per chain (author, epoch; shared/sync/chain.ts):
 * - Two different changesets with one number in one chain of one bundle: forged, 'corrupt'.
 * - A new changeset whose number this store holds for a different one of the same chain: one
 *   epoch forked outside Fieldwork (a data folder copied or put back by hand). Refused as
 *   'forked-chain' in words, never as damaged. A restore or salvage through Fieldwork starts a
 *   new epoch instead, so it never comes to this.
 * - `prev` must name the same author's changeset numbered one less: in the same chain, or — for
 *   the first changeset of a later epoch — in another chain (the fork point the restored store
 *   still held). Naming anything else is forged, 'corrupt'.
 * - A `prev` this store does not hold (yet) is NOT a refusal: the merge is a function of the set
 *   of ops, so merging later work before earlier work changes nothing in the end, and a hole
 *   left by a salvage that lost a changeset for good must not block that author for ever. The
 *   hole is reported ('missing-earlier'), and `holds` never claims past it (chainSeqs).
 * Returns the notices to show: new epochs ('restored-laptop') and holes ('missing-earlier').
 */
export function checkChains(ctx: WriteContext, inspectionId: string, chains: ReadonlyMap<string, ChainLink[]>): BundleNoticeT[] {
  const byId = new Map<string, ChainLink>();
  for (const links of chains.values()) for (const link of links) byId.set(link.id, link);
  const notices: BundleNoticeT[] = [];
  for (const links of chains.values()) {
    const bySeq = new Map<number, ChainLink>();
    for (const link of links) {
      const twin = bySeq.get(link.seq);
      if (twin && twin.id !== link.id) throw rejectBundle('corrupt', { author: link.author });
      bySeq.set(link.seq, link);
    }
    let firstHole: number | null = null;
    let newEpoch = false;
    const first = links[0] as ChainLink;
    const { author, epoch } = first;
    const storedEpochs = authorEpochs(ctx.db, inspectionId, author);
    for (const link of links) {
      if (link.known) continue;
      const stored = changesetIdAt(ctx.db, inspectionId, author, epoch, link.seq);
      if (stored !== null && stored !== link.id) throw forkedChain(ctx, inspectionId, author, link.seq);
      if (epoch !== '' && !storedEpochs.includes(epoch)) newEpoch = true;
      if (link.prev === null) continue;
      const before = bySeq.get(link.seq - 1)?.id ?? changesetIdAt(ctx.db, inspectionId, author, epoch, link.seq - 1);
      const named = byId.get(link.prev) ?? knownChangeset(ctx.db, link.prev);
      if (named === null) {
        if (before !== null && before !== undefined) throw forkedChain(ctx, inspectionId, author, link.seq - 1);
        firstHole = Math.min(firstHole ?? Infinity, link.seq - 1);
        continue;
      }
      if (named.author !== author || named.seq !== link.seq - 1) throw rejectBundle('corrupt', { author, seq: link.seq });
      if (named.epoch === epoch) continue;
      // A fork point: only the first changeset of a later epoch may follow another chain.
      if (epoch === '' || (before !== null && before !== undefined)) throw rejectBundle('corrupt', { author, seq: link.seq });
    }
    const name = memberName(ctx.db, inspectionId, author);
    const who = name ?? `The laptop with fingerprint ${fingerprint(author)}`;
    if (newEpoch) {
      notices.push({
        kind: 'restored-laptop',
        message: `${name ? `${name}’s laptop` : who} was restored from a backup or rebuilt after damage, and its work carried on from there. Both histories are kept.`,
        author,
        name,
      });
    }
    if (firstHole !== null) {
      notices.push({
        kind: 'missing-earlier',
        message: `Some of ${name ? `${name}’s` : 'this author’s'} earlier changes (from number ${firstHole}) have not reached this laptop. Everything in this bundle was merged; the missing changes will be merged when a bundle brings them.`,
        author,
        name,
        missingSeq: firstHole,
      });
    }
  }
  return notices;
}

function forkedChain(ctx: WriteContext, inspectionId: string, author: string, seq: number) {
  const name = memberName(ctx.db, inspectionId, author) ?? `the laptop with fingerprint ${fingerprint(author)}`;
  return rejectBundle(
    'forked-chain',
    { author, fingerprint: fingerprint(author), seq },
    `This bundle holds a different version of ${name}’s changes number ${seq} than this laptop has: that laptop’s data was copied or put back outside Fieldwork, so two copies wrote one history. Nothing from this bundle was imported; restoring through Fieldwork (fieldwork restore or the recovery screen) avoids this.`,
  );
}
