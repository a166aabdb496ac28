/**
 * How an inspector types a note, through the same service calls the note composer makes
 * (renderer/state/note-draft-autosave.ts): the text is typed in bursts, and each pause in
 * typing is an autosave — `evidence.create` with the whole draft the first time (the id is the
 * draft's, made by the client), then `evidence.update` with only the fields that changed since
 * the last save (here the text so far). Revisions later re-open the note and type again.
 *
 * Nothing here decides what an autosave writes to the op log: the services do. An autosave is
 * an open draft of the note; closing the composer (`closeComposer`, the one place it is called)
 * seals it into one changeset, one op per changed field.
 */
import type { NoteFields } from '../../shared/api/evidence.js';
import { invoke } from '../../main/services/dispatch.js';
import type { Rng } from './seeded.js';
import type { Laptop } from './team.js';

/** A note is typed in this many bursts (3–8), each ending in an autosave. */
export const BURSTS = { min: 3, max: 8 } as const;
/** A revision types more in 1–3 bursts. */
export const REVISION_BURSTS = { min: 1, max: 3 } as const;

/**
 * The text as it stood at each autosave: `count` growing prefixes of `text` cut at word
 * boundaries, the last being the whole text. Fewer when the text has too few words.
 */
export function burstPrefixes(rng: Rng, text: string, count: number, from = 0): string[] {
  const cuts = new Set<number>();
  for (let i = 1; i < count; i += 1) {
    const at = from + Math.floor(rng.next() * (text.length - from));
    const space = text.indexOf(' ', Math.max(at, from + 1));
    if (space > from && space < text.length) cuts.add(space);
  }
  return [...[...cuts].sort((a, b) => a - b).map((cut) => text.slice(0, cut)), text];
}

/** The pause before an autosave: a few seconds to a minute and a half of typing. */
function typeFor(laptop: Laptop): void {
  laptop.clock.advance(2_000, 90_000);
}

/** Writes a new note as the composer would: one autosave per burst. */
export async function typeNewNote(
  laptop: Laptop,
  inspectionId: string,
  id: string,
  fields: NoteFields,
  bursts: number,
): Promise<number> {
  const prefixes = burstPrefixes(laptop.rng, fields.text, bursts);
  const { ctx } = laptop.runtime;
  for (const [i, text] of prefixes.entries()) {
    typeFor(laptop);
    if (i === 0) await invoke(ctx, 'evidence.create', { inspectionId, id, fields: { ...fields, text } });
    else await invoke(ctx, 'evidence.update', { id, fields: { text } });
  }
  await closeComposer(laptop, id);
  return prefixes.length;
}

/** Re-opens a note and types `added` after its text, autosaving after each burst. */
export async function reviseNote(laptop: Laptop, id: string, added: string, bursts: number): Promise<number> {
  const { ctx } = laptop.runtime;
  const current = await invoke(ctx, 'evidence.get', { id });
  const full = `${current.text} ${added}`;
  const prefixes = burstPrefixes(laptop.rng, full, bursts, current.text.length + 1);
  for (const text of prefixes) {
    typeFor(laptop);
    await invoke(ctx, 'evidence.update', { id, fields: { text } });
  }
  await closeComposer(laptop, id);
  return prefixes.length;
}

/** One change made in the composer and saved (a single autosave): polarity, or a line of text. */
export async function editNoteOnce(laptop: Laptop, id: string, fields: Partial<NoteFields>): Promise<void> {
  typeFor(laptop);
  await invoke(laptop.runtime.ctx, 'evidence.update', { id, fields });
  await closeComposer(laptop, id);
}

/**
 * The composer closes: it seals the note's open draft (every autosave since it opened) into one
 * signed changeset, as renderer/state/note-draft-autosave.ts does on close.
 */
export async function closeComposer(laptop: Laptop, id: string): Promise<void> {
  await invoke(laptop.runtime.ctx, 'evidence.sealDraft', { id });
}
