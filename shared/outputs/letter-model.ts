/**
 * The draft letter's content, in the shape the inspectorates publish (see DOMAIN.md, "Outcome:
 * a letter"), built from agreed findings. Pure, so the .docx renderer, the on-screen preview
 * and tests all read the same structure, part by part, in order:
 *
 *  JTAI:    addressees (jointly: DCS, council chief executive, health and police leaders) ·
 *           date · title · introduction (inspectorates, theme, dates, what was looked at and how
 *           many children's experiences, from the sample) · headline findings (the lead's
 *           summary) · areas for priority action · what needs to improve · strengths (each
 *           finding under every agency it names; the partnership only when it names it) ·
 *           next steps (written statement of proposed action, deadline) · sign-off.
 *  ILACS:   to the DCS · date · title · introduction · headline findings · priority action ·
 *           findings by judgement area (theme) · what needs to improve · next steps · sign-off.
 *  Focused and monitoring visits: a letter to the DCS ("Dear …") · introduction · headline
 *           findings · priority action · what is going well / needs to improve · sign-off.
 *
 * Every string is passed through cleanText, so no output carries a control or non-character.
 * The 'evidence-appendix' variant (internal, never for the area) lists under each finding the
 * notes behind it.
 */
import { addBusinessDays, format, isValid, parseISO } from 'date-fns';
import { enGB } from 'date-fns/locale';
import { AGENCIES, type Agency, type FindingKind, type Inspectorate, type InspectionType } from '../domain/vocabulary.js';
import { cleanText } from './clean-text.js';

export const LETTER_ROLES = {
  dcs: 'Director of children’s services',
  chief_executive: 'Chief executive of the council',
  health: 'Health leader (integrated care board)',
  police: 'Police leader (chief constable)',
  probation: 'Regional probation director',
} as const;
export type LetterRole = keyof typeof LETTER_ROLES;

export interface LetterAddressee {
  readonly role: LetterRole;
  readonly name: string;
}

export interface LetterInspection {
  readonly type: InspectionType;
  readonly localAuthority: string;
  readonly theme: string | null;
  readonly fieldworkStart: string;
  readonly fieldworkEnd: string;
  readonly reviewStart: string | null;
  readonly reviewEnd: string | null;
  readonly inspectorates: readonly Inspectorate[];
  readonly summary: string | null;
  readonly addressees?: readonly LetterAddressee[];
  /** The date the written statement of proposed action is due (ISO), when the lead has set it. */
  readonly actionDeadline?: string | null;
  readonly leadName?: string | null;
  readonly teamNames?: readonly string[];
}

export interface LetterEvidence {
  readonly caseRef: string | null;
  readonly source: string;
  readonly text: string;
}

export interface LetterFinding {
  readonly kind: FindingKind;
  readonly statement: string;
  readonly agencies: readonly Agency[];
  readonly theme: string | null;
  readonly evidence?: readonly LetterEvidence[];
}

/** What was looked at, from the sample. */
export interface LetterSampleFacts {
  /** Children's experiences examined: cases in the sample, not removed. */
  readonly children: number;
  /** Of those, the area's own audits evaluated (an area audit grade is recorded). */
  readonly audited: number;
}

export interface LetterStatement {
  readonly text: string;
  /** Only in the evidence-appendix variant. */
  readonly evidence?: readonly string[];
}

export interface LetterGroup {
  /** '' when the section has one group and a sub-heading would only repeat the section's. */
  readonly heading: string;
  readonly statements: readonly LetterStatement[];
}

export interface LetterSection {
  readonly heading: string;
  readonly groups: readonly LetterGroup[];
}

export type LetterVariant = 'letter' | 'evidence-appendix';

export interface LetterModel {
  readonly variant: LetterVariant;
  readonly shape: 'jtai' | 'ilacs' | 'visit';
  readonly marking: string;
  readonly addressees: readonly string[];
  readonly date: string;
  readonly salutation: string | null;
  readonly title: string;
  readonly facts: readonly { label: string; value: string }[];
  readonly introduction: readonly string[];
  readonly summary: string;
  readonly sections: readonly LetterSection[];
  readonly nextSteps: readonly string[];
  readonly signOff: readonly string[];
  readonly findingCount: number;
  /** A short stamp of the letter's text (set by the service), so accuracy comments name the version they were made on. */
  readonly version?: string;
}

export const SUMMARY_PLACEHOLDER = '[The lead inspector writes the headline findings here.]';
export const HEADLINE_HEADING = 'Headline findings';
export const NEXT_STEPS_HEADING = 'Next steps';
export const NO_FINDINGS = 'No agreed findings in this section yet.';

const INSPECTORATE_NAMES: Record<Inspectorate, string> = {
  ofsted: 'Ofsted',
  cqc: 'the Care Quality Commission (CQC)',
  hmicfrs: 'His Majesty’s Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)',
  hmip: 'His Majesty’s Inspectorate of Probation (HMIP)',
};

export function ukDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = parseISO(iso);
  return isValid(date) ? format(date, 'd MMMM yyyy', { locale: enGB }) : iso;
}

/** "on 2 November 2026" for one day, "from 2 November 2026 to 13 November 2026" for several. */
function whenWords(start: string | null, end: string | null): string {
  if (!start) return '';
  return !end || end === start ? `on ${ukDate(start)}` : `from ${ukDate(start)} to ${ukDate(end)}`;
}

function dateRange(start: string | null, end: string | null): string {
  if (!start) return '';
  if (!end || end === start) return ukDate(start);
  return `${ukDate(start)} to ${ukDate(end)}`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function shapeOf(type: InspectionType): LetterModel['shape'] {
  if (type.startsWith('jtai')) return 'jtai';
  if (type.startsWith('ilacs')) return 'ilacs';
  return 'visit';
}

function themeWords(inspection: LetterInspection): string {
  if (inspection.type === 'jtai_front_door') return 'identification of initial need and risk';
  return inspection.theme ? lowerFirst(inspection.theme) : 'the theme of the inspection';
}

function title(inspection: LetterInspection): string {
  const area = inspection.localAuthority;
  switch (inspection.type) {
    case 'jtai_thematic':
    case 'jtai_front_door':
      return `Joint targeted area inspection of the multi-agency response to ${themeWords(inspection)} in ${area}`;
    case 'ilacs_standard':
    case 'ilacs_short':
      return `Inspection of ${area} local authority children’s services`;
    case 'focused_visit':
      return `Focused visit to ${area} local authority children’s services`;
    case 'monitoring_visit':
      return `Monitoring visit to ${area} local authority children’s services`;
  }
}

/** The roles a letter of this shape is addressed to (JTAI: jointly, to the area's leaders). */
export function rolesFor(inspection: Pick<LetterInspection, 'type' | 'inspectorates'>): LetterRole[] {
  if (shapeOf(inspection.type) !== 'jtai') return ['dcs'];
  const roles: LetterRole[] = ['dcs', 'chief_executive', 'health', 'police'];
  if (inspection.inspectorates.includes('hmip')) roles.push('probation');
  return roles;
}

function addresseeLines(inspection: LetterInspection): { lines: string[]; names: string[] } {
  const given = new Map((inspection.addressees ?? []).map((a) => [a.role, a.name.trim()]));
  const lines: string[] = [];
  const names: string[] = [];
  for (const role of rolesFor(inspection)) {
    const name = given.get(role);
    const label =
      role === 'dcs' || role === 'chief_executive' ? `${LETTER_ROLES[role]}, ${inspection.localAuthority}` : LETTER_ROLES[role];
    lines.push(name ? `${name}, ${label}` : `[Name], ${label}`);
    names.push(name || `[${LETTER_ROLES[role]}]`);
  }
  return { lines, names };
}

/** A JTAI looks at every agency's audits; ILACS and visits at the local authority's own. */
function childrenWords(sample: LetterSampleFacts, whose: 'agencies' | 'local authority'): string {
  const children = sample.children === 1 ? '1 child' : `${sample.children} children`;
  const owner = whose === 'agencies' ? 'the agencies’' : 'the local authority’s';
  const audits =
    sample.audited > 0
      ? ` They also evaluated ${owner} own audits of ${sample.audited === 1 ? '1 child’s' : `${sample.audited} children’s`} experiences.`
      : '';
  return `Inspectors evaluated the experiences of ${children}, reading case records and talking with practitioners, managers and leaders.${audits}`;
}

function introduction(inspection: LetterInspection, sample: LetterSampleFacts): string[] {
  const inspectorates = listInWords(inspection.inspectorates.map((i) => INSPECTORATE_NAMES[i]));
  const period = inspection.reviewStart
    ? ` Inspectors looked at practice from ${dateRange(inspection.reviewStart, inspection.reviewEnd)}.`
    : '';
  switch (shapeOf(inspection.type)) {
    case 'jtai':
      return [
        `Between ${ukDate(inspection.fieldworkStart)} and ${ukDate(inspection.fieldworkEnd)}, ${inspectorates} carried out a joint inspection of the multi-agency response to ${themeWords(inspection)} in ${inspection.localAuthority}.`,
        `This inspection included a ‘deep dive’ focus on ${themeWords(inspection)}.${period} ${childrenWords(sample, 'agencies')}`,
      ];
    case 'ilacs':
      return [
        `Ofsted inspected ${inspection.localAuthority} local authority children’s services ${whenWords(inspection.fieldworkStart, inspection.fieldworkEnd)}.${period}`,
        childrenWords(sample, 'local authority'),
      ];
    case 'visit': {
      const team =
        inspection.teamNames && inspection.teamNames.length > 0
          ? inspection.teamNames.length === 1
            ? ` His Majesty’s Inspector for this visit was ${inspection.teamNames[0]}.`
            : ` His Majesty’s Inspectors for this visit were ${listInWords(inspection.teamNames)}.`
          : '';
      const areas = inspection.theme ? ` Areas covered by the visit: ${lowerFirst(inspection.theme)}.` : '';
      const kind = inspection.type === 'monitoring_visit' ? 'monitoring visit' : 'focused visit';
      return [
        `This letter summarises the findings of the ${kind} to ${inspection.localAuthority} children’s services ${whenWords(inspection.fieldworkStart, inspection.fieldworkEnd)}.${team}${areas}`,
        `${childrenWords(sample, 'local authority')}${period}`,
      ];
    }
  }
}

/** Every heading a finding appears under: each agency it names; the partnership only when named. */
function agencyHeadings(finding: LetterFinding): string[] {
  if (finding.agencies.length === 0) return ['Not attributed to one agency'];
  return finding.agencies.map((a) => (a === 'partnership' ? 'The partnership' : (AGENCIES[a] ?? a)));
}

const AGENCY_ORDER = [
  'The partnership',
  ...Object.entries(AGENCIES)
    .filter(([k]) => k !== 'partnership')
    .map(([, v]) => v as string),
];

function statementOf(finding: LetterFinding, variant: LetterVariant): LetterStatement {
  const text = cleanText(finding.statement.trim());
  if (variant !== 'evidence-appendix') return { text };
  const evidence = (finding.evidence ?? []).map((e) =>
    cleanText(`${e.caseRef ? `${e.caseRef} · ` : ''}${e.source}: ${e.text.replace(/\s+/g, ' ').trim()}`),
  );
  return { text, evidence: evidence.length > 0 ? evidence : ['No notes are linked to this finding.'] };
}

function grouped(findings: readonly LetterFinding[], byAgency: boolean, variant: LetterVariant): LetterGroup[] {
  const groups = new Map<string, LetterStatement[]>();
  for (const finding of findings) {
    const headings = byAgency ? agencyHeadings(finding) : [cleanText(finding.theme?.trim() || 'General')];
    for (const heading of headings) groups.set(heading, [...(groups.get(heading) ?? []), statementOf(finding, variant)]);
  }
  const rank = (heading: string) => {
    const at = AGENCY_ORDER.indexOf(heading);
    return at < 0 ? AGENCY_ORDER.length : at;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => (byAgency ? rank(a) - rank(b) : 0) || a.localeCompare(b, 'en-GB'))
    .map(([heading, statements]) => ({ heading, statements }));
}

/** One group under the section's own heading (no sub-heading repeating it). */
function flat(findings: readonly LetterFinding[], variant: LetterVariant): LetterGroup[] {
  return findings.length === 0 ? [] : [{ heading: '', statements: findings.map((f) => statementOf(f, variant)) }];
}

function deadlineWords(inspection: LetterInspection, letterDate: Date): string {
  if (inspection.actionDeadline) return ukDate(inspection.actionDeadline);
  return `${format(addBusinessDays(letterDate, 70), 'd MMMM yyyy', { locale: enGB })} [about 70 working days after publication: confirm]`;
}

function nextSteps(inspection: LetterInspection, letterDate: Date, hasPriority: boolean): string[] {
  const deadline = deadlineWords(inspection, letterDate);
  switch (shapeOf(inspection.type)) {
    case 'jtai':
      return [
        'The director of children’s services should prepare a written statement of proposed action responding to the findings outlined in this letter. This should be a multi-agency response involving the individuals and agencies that this letter is addressed to.',
        `The response should set out the actions for the partnership and, when appropriate, individual agencies. The statement should be sent to ProtectionOfChildren@ofsted.gov.uk by ${deadline}.`,
        'This statement will inform the lines of enquiry at any future joint or single-agency activity by the inspectorates.',
      ];
    case 'ilacs':
      return [
        `The local authority should prepare a written action plan to address the areas for improvement and send it to Ofsted by ${deadline}.`,
      ];
    case 'visit':
      return hasPriority
        ? [
            `The local authority should prepare a written statement of action to address the areas for priority action and send it to Ofsted by ${deadline}.`,
          ]
        : ['Ofsted will take the findings from this visit into account at the next inspection or visit.'];
  }
}

function signOff(inspection: LetterInspection): string[] {
  const lead = inspection.leadName?.trim() || '[Lead inspector]';
  if (shapeOf(inspection.type) !== 'jtai') return ['Yours sincerely', lead, 'His Majesty’s Inspector, lead inspector, Ofsted'];
  const names = inspection.inspectorates.map((i) => INSPECTORATE_NAMES[i].replace(/^the /, ''));
  return ['Yours sincerely', lead, 'Lead inspector, Ofsted', `On behalf of ${listInWords(names)}`];
}

export function buildLetterModel(
  inspection: LetterInspection,
  findings: readonly LetterFinding[],
  options: { readonly date: Date; readonly sample: LetterSampleFacts; readonly variant?: LetterVariant },
): LetterModel {
  const variant = options.variant ?? 'letter';
  const shape = shapeOf(inspection.type);
  const of = (kind: FindingKind) => findings.filter((f) => f.kind === kind && f.statement.trim() !== '');
  const priority = of('priority_action');
  const improvement = of('improvement');
  const strength = of('strength');
  const sections: LetterSection[] = [];
  if (priority.length > 0)
    sections.push({
      heading: 'Areas for priority action',
      groups: shape === 'jtai' ? grouped(priority, true, variant) : flat(priority, variant),
    });
  if (shape === 'jtai') {
    sections.push({ heading: 'What needs to improve?', groups: grouped(improvement, true, variant) });
    sections.push({ heading: 'Strengths', groups: grouped(strength, true, variant) });
  } else if (shape === 'ilacs') {
    sections.push({ heading: 'Findings by judgement area', groups: grouped(strength, false, variant) });
    sections.push({ heading: 'What needs to improve?', groups: grouped(improvement, false, variant) });
  } else {
    sections.push({ heading: 'What is going well', groups: flat(strength, variant) });
    sections.push({ heading: 'What needs to improve', groups: flat(improvement, variant) });
  }
  const facts = [
    { label: 'Inspection dates', value: dateRange(inspection.fieldworkStart, inspection.fieldworkEnd) },
    { label: 'Inspectorates', value: inspection.inspectorates.map((i) => INSPECTORATE_NAMES[i].replace(/^the /, '')).join(', ') },
  ];
  if (inspection.reviewStart)
    facts.push({ label: 'Period under review', value: dateRange(inspection.reviewStart, inspection.reviewEnd) });
  if (inspection.theme) facts.push({ label: 'Theme', value: inspection.theme });
  const { lines, names } = addresseeLines(inspection);
  const clean = (items: readonly string[]) => items.map(cleanText);
  return {
    variant,
    shape,
    marking:
      variant === 'evidence-appendix'
        ? 'OFFICIAL-SENSITIVE — INTERNAL EVIDENCE APPENDIX — NOT FOR THE AREA'
        : 'OFFICIAL-SENSITIVE — DRAFT',
    addressees: clean(lines),
    date: format(options.date, 'd MMMM yyyy', { locale: enGB }),
    salutation: shape === 'visit' ? cleanText(`Dear ${names[0] ?? ''}`) : null,
    title: cleanText(title(inspection)),
    facts: facts.map((f) => ({ label: f.label, value: cleanText(f.value) })),
    introduction: clean(introduction(inspection, options.sample)),
    summary: inspection.summary?.trim() ? cleanText(inspection.summary.trim()) : SUMMARY_PLACEHOLDER,
    sections,
    nextSteps: clean(nextSteps(inspection, options.date, priority.length > 0)),
    signOff: clean(signOff(inspection)),
    findingCount: findings.length,
  };
}

/** The letter's text in reading order, for the version stamp and for tests. */
export function letterText(letter: LetterModel): string[] {
  return [
    ...letter.addressees,
    letter.date,
    ...(letter.salutation ? [letter.salutation] : []),
    letter.title,
    ...letter.introduction,
    HEADLINE_HEADING,
    letter.summary,
    ...letter.sections.flatMap((s) => [
      s.heading,
      ...s.groups.flatMap((g) => [
        ...(g.heading ? [g.heading] : []),
        ...g.statements.flatMap((st) => [st.text, ...(st.evidence ?? [])]),
      ]),
    ]),
    NEXT_STEPS_HEADING,
    ...letter.nextSteps,
    ...letter.signOff,
  ];
}
