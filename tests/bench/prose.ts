/**
 * A seeded phrase model of inspection prose: sentences built from the words inspectors of
 * children's services actually write (strategy discussions, section 47 enquiries, the child's
 * lived experience), so the search index sees a realistic vocabulary and note lengths.
 */
import type { Rng } from './seeded.js';

const WHO = [
  'The social worker',
  'The team manager',
  'The health visitor',
  'The school nurse',
  "The school's designated safeguarding lead",
  'The independent reviewing officer',
  'The child protection chair',
  'The police officer who attended',
  'The early help practitioner',
  'The youth justice worker',
  'The probation officer',
  'The GP',
  'The midwife',
  'The family support worker',
  'The MASH manager',
  'The domestic abuse advocate',
  'The CAMHS practitioner',
  'The personal adviser',
] as const;

const DID = [
  'recorded',
  'discussed',
  'escalated',
  'shared information about',
  'visited the family to review',
  'completed an assessment of',
  'did not follow up',
  'clearly explained',
  'challenged the decision on',
  'sought management advice on',
  'took prompt action on',
  'was not invited to discuss',
] as const;

const WHAT = [
  'the risk posed by the father',
  "the mother's disclosure of domestic abuse",
  'the strategy discussion',
  'the section 47 enquiry',
  'the child protection plan',
  'the core group meeting',
  'the initial child protection conference',
  'repeated missing episodes',
  'concerns about neglect',
  'school attendance',
  'the return home interview',
  'the MARAC referral',
  'the safety plan',
  'contact arrangements',
  'the pathway plan',
  'the referral from the police',
  'the child in need plan',
  'the emotional health of the child',
  'exploitation risk indicators',
  'the chronology',
] as const;

const WHEN = [
  'within 24 hours',
  'the same day',
  'after a delay of three weeks',
  'at the first visit',
  'before the review',
  'during the home visit',
  'at the strategy meeting',
  'following the notification',
  'over the following months',
  'only after the school raised concerns again',
] as const;

const JUDGE = [
  "The child's voice is evident throughout the record.",
  "The child's lived experience is not well understood.",
  'Management oversight is regular and purposeful.',
  'Management oversight does not address drift.',
  'Information sharing between agencies was timely and effective.',
  'Partner agencies were not consistently involved in decision-making.',
  'Risk was appropriately assessed and reviewed.',
  'The assessment does not consider the impact of cumulative harm.',
  'Work with the perpetrator was limited.',
  'Plans are specific, and actions are reviewed and progressed.',
  'The plan lacks measurable outcomes for the child.',
  'Thresholds were applied appropriately at the front door.',
  'The child was seen alone and their wishes were recorded.',
  'Records are up to date and written to the child.',
  'There is no evidence of a multi-agency chronology.',
] as const;

const CONTEXT = [
  'The family has been known to services for two years.',
  'There were three previous referrals from the police.',
  'The child lives with their mother and two younger siblings.',
  'The young person has been missing from care four times this year.',
  'The case was stepped down to early help and later re-referred.',
  "The child attends a primary school close to the grandparents' home.",
  "The parents' substance misuse is a feature of the history.",
  'An interpreter was needed for every visit.',
] as const;

function actionSentence(rng: Rng): string {
  return `${rng.pick(WHO)} ${rng.pick(DID)} ${rng.pick(WHAT)} ${rng.pick(WHEN)}.`;
}

function sentence(rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.5) return actionSentence(rng);
  if (roll < 0.8) return rng.pick(JUDGE);
  return rng.pick(CONTEXT);
}

/** A note of `minChars`–`maxChars` characters made of whole sentences (the last one clipped if needed). */
export function inspectionProse(rng: Rng, minChars = 200, maxChars = 2000): string {
  // Skewed towards shorter notes, as real notes are: most are a paragraph, a few are long.
  const target = Math.round(minChars + (maxChars - minChars) * rng.next() ** 1.6);
  const parts: string[] = [];
  let length = 0;
  while (length < target) {
    const next = sentence(rng);
    parts.push(next);
    length += next.length + 1;
  }
  const text = parts.join(' ');
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1).trimEnd()}.`;
}

/** A finding statement: one judgement plus a short qualifier. */
export function findingStatement(rng: Rng): string {
  return `${rng.pick(JUDGE)} ${actionSentence(rng)}`;
}

/** What an inspector types into the search box, as they type it: plain words, the last often half-typed. */
export function searchQueries(rng: Rng, count: number): string[] {
  const words = [...WHO, ...WHAT, ...JUDGE]
    .join(' ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 4);
  const queries: string[] = [];
  while (queries.length < count) {
    const roll = rng.next();
    const word = rng.pick(words);
    const partial = word.slice(0, Math.max(3, Math.ceil(word.length * 0.6)));
    if (roll < 0.4) queries.push(partial);
    else if (roll < 0.8) queries.push(`${rng.pick(words)} ${partial}`);
    else queries.push(rng.pick(WHAT).replace(/^the /, '').replace(/'/g, ' '));
  }
  return queries;
}
