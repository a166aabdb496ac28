/**
 * The draft letter's content, built from agreed findings: title, the facts of the inspection,
 * the lead's summary and the findings grouped the way each framework's letters are written
 * (by agency for a JTAI, by judgement area — the finding's theme — otherwise). Pure, so the
 * .docx renderer and tests read the same structure.
 */
import { format, isValid, parseISO } from 'date-fns';
import { enGB } from 'date-fns/locale';
import {
  AGENCIES,
  INSPECTORATES,
  type Agency,
  type FindingKind,
  type Inspectorate,
  type InspectionType,
} from '../domain/vocabulary.js';

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
}

export interface LetterFinding {
  readonly kind: FindingKind;
  readonly statement: string;
  readonly agencies: readonly Agency[];
  readonly theme: string | null;
}

export interface LetterGroup {
  readonly heading: string;
  readonly statements: readonly string[];
}

export interface LetterSection {
  readonly heading: string;
  readonly groups: readonly LetterGroup[];
}

export interface LetterModel {
  readonly title: string;
  readonly facts: readonly { label: string; value: string }[];
  readonly summary: string;
  readonly sections: readonly LetterSection[];
  readonly findingCount: number;
}

export const SUMMARY_PLACEHOLDER = '[The lead inspector writes the summary of findings here.]';

export function ukDate(iso: string | null): string {
  if (!iso) return '';
  const date = parseISO(iso);
  return isValid(date) ? format(date, 'd MMMM yyyy', { locale: enGB }) : iso;
}

function dateRange(start: string | null, end: string | null): string {
  if (!start) return '';
  if (!end || end === start) return ukDate(start);
  return `${ukDate(start)} to ${ukDate(end)}`;
}

function title(inspection: LetterInspection): string {
  const area = inspection.localAuthority;
  switch (inspection.type) {
    case 'jtai_thematic':
      return `Joint targeted area inspection of the multi-agency response to ${inspection.theme ? inspection.theme.charAt(0).toLowerCase() + inspection.theme.slice(1) : 'the theme of the inspection'} in ${area}`;
    case 'jtai_front_door':
      return `Joint targeted area inspection of the multi-agency response to identification of initial need and risk in ${area}`;
    case 'ilacs_standard':
    case 'ilacs_short':
      return `Inspection of ${area} local authority children’s services`;
    case 'focused_visit':
      return `Focused visit to ${area} local authority children’s services`;
    case 'monitoring_visit':
      return `Monitoring visit to ${area} local authority children’s services`;
  }
}

function groupHeading(finding: LetterFinding, byAgency: boolean): string {
  if (!byAgency) return finding.theme?.trim() || 'General';
  if (finding.agencies.length === 1) return AGENCIES[finding.agencies[0] as Agency];
  return finding.agencies.length === 0 ? 'All agencies' : 'The partnership (several agencies)';
}

function grouped(findings: readonly LetterFinding[], byAgency: boolean): LetterGroup[] {
  const groups = new Map<string, string[]>();
  for (const finding of findings) {
    const heading = groupHeading(finding, byAgency);
    groups.set(heading, [...(groups.get(heading) ?? []), finding.statement.trim()]);
  }
  const partnershipLast = (heading: string) => (heading.startsWith('The partnership') || heading === 'All agencies' ? 1 : 0);
  return [...groups.entries()]
    .sort(([a], [b]) => partnershipLast(a) - partnershipLast(b) || a.localeCompare(b, 'en-GB'))
    .map(([heading, statements]) => ({ heading, statements }));
}

export function buildLetterModel(inspection: LetterInspection, findings: readonly LetterFinding[]): LetterModel {
  const byAgency = inspection.type.startsWith('jtai');
  const of = (kind: FindingKind) => findings.filter((f) => f.kind === kind && f.statement.trim() !== '');
  const sections: LetterSection[] = [];
  const priority = of('priority_action');
  if (priority.length > 0) sections.push({ heading: 'Areas for priority action', groups: grouped(priority, byAgency) });
  sections.push({ heading: 'What needs to improve?', groups: grouped(of('improvement'), byAgency) });
  sections.push({ heading: 'Strengths', groups: grouped(of('strength'), byAgency) });
  const facts = [
    { label: 'Inspection dates', value: dateRange(inspection.fieldworkStart, inspection.fieldworkEnd) },
    { label: 'Inspectorates', value: inspection.inspectorates.map((i) => INSPECTORATES[i]).join(', ') },
  ];
  if (inspection.reviewStart)
    facts.push({ label: 'Period under review', value: dateRange(inspection.reviewStart, inspection.reviewEnd) });
  if (inspection.theme) facts.push({ label: 'Theme', value: inspection.theme });
  return {
    title: title(inspection),
    facts,
    summary: inspection.summary?.trim() ? inspection.summary.trim() : SUMMARY_PLACEHOLDER,
    sections,
    findingCount: findings.length,
  };
}
