/** The closed vocabularies of the domain (see DOMAIN.md). Labels are UK English for display. */

export const INSPECTION_TYPES = {
  jtai_thematic: 'JTAI (thematic deep dive)',
  jtai_front_door: 'JTAI (front door)',
  ilacs_standard: 'ILACS standard inspection',
  ilacs_short: 'ILACS short inspection',
  focused_visit: 'Focused visit',
  monitoring_visit: 'Monitoring visit',
} as const;
export type InspectionType = keyof typeof INSPECTION_TYPES;

export const JTAI_THEMES = [
  'Children living with domestic abuse',
  'Child sexual exploitation and missing',
  'Neglect',
  'Child sexual abuse in the family environment',
  'Criminal exploitation of children',
  'Serious youth violence',
  'Children living with mental ill health',
] as const;

export const INSPECTORATES = {
  ofsted: 'Ofsted',
  cqc: 'Care Quality Commission',
  hmicfrs: 'HMICFRS',
  hmip: 'HM Inspectorate of Probation',
} as const;
export type Inspectorate = keyof typeof INSPECTORATES;

export const ROLES = {
  lead: 'Lead inspector',
  inspector: 'Team inspector',
  shadow: 'Shadowing',
  qa: 'Quality assurance',
} as const;
export type Role = keyof typeof ROLES;

export const SPECIALISMS = {
  social_care: 'Social care',
  health: 'Health',
  police: 'Police',
  education: 'Education',
  probation: 'Probation and youth justice',
} as const;
export type Specialism = keyof typeof SPECIALISMS;

export const INSPECTION_STATUSES = {
  setup: 'Set-up',
  fieldwork: 'Fieldwork',
  moderation: 'Moderation',
  drafting: 'Drafting',
  published: 'Published',
} as const;
export type InspectionStatus = keyof typeof INSPECTION_STATUSES;

export const STAGES = {
  front_door: 'Front door',
  early_help: 'Early help',
  child_in_need: 'Child in need',
  child_protection: 'Child protection',
  looked_after: 'Looked after',
  care_leaver: 'Care leaver',
} as const;
export type Stage = keyof typeof STAGES;

export const AGE_BANDS = ['0-4', '5-9', '10-15', '16-17', '18-25'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const AGENCIES = {
  social_care: "Children's social care",
  police: 'Police',
  health: 'Health',
  education: 'Education',
  youth_justice: 'Youth justice',
  probation: 'Probation',
  early_help: 'Early help',
  partnership: 'Safeguarding partnership',
} as const;
export type Agency = keyof typeof AGENCIES;

export const SOURCES = {
  case_record: 'Case record',
  practitioner: 'Practitioner discussion',
  manager: 'Manager discussion',
  observation: 'Observation of practice or a meeting',
  child_family: 'Child or family',
  document: 'Document',
  performance_data: 'Performance data',
  partner_agency: 'Partner agency',
} as const;
export type Source = keyof typeof SOURCES;

export const POLARITIES = { strength: 'Strength', weakness: 'Weakness', neutral: 'Neutral' } as const;
export type Polarity = keyof typeof POLARITIES;

export const FINDING_KINDS = {
  strength: 'Area of strength',
  improvement: 'Area for improvement',
  priority_action: 'Area for priority action',
} as const;
export type FindingKind = keyof typeof FINDING_KINDS;

export const FINDING_STATUSES = { draft: 'Draft', proposed: 'Proposed', agreed: 'Agreed', withdrawn: 'Withdrawn' } as const;
export type FindingStatus = keyof typeof FINDING_STATUSES;

export const CASE_STATUSES = { not_started: 'Not started', in_progress: 'In progress', done: 'Done' } as const;
export type CaseStatus = keyof typeof CASE_STATUSES;

export const GRADES = {
  outstanding: 'Outstanding',
  good: 'Good',
  requires_improvement: 'Requires improvement',
  inadequate: 'Inadequate',
} as const;
export type Grade = keyof typeof GRADES;

export const AGREEMENT = { yes: 'Yes', partly: 'Partly', no: 'No' } as const;
export type Agreement = keyof typeof AGREEMENT;

export const AUDIT_PROMPTS = {
  voice: "The child's voice and lived experience",
  risk: 'Risk assessment',
  info_sharing: 'Multi-agency information sharing',
  oversight: 'Management oversight',
  perpetrators: 'Work with perpetrators',
  impact: 'Impact for the child',
} as const;
export type AuditPrompt = keyof typeof AUDIT_PROMPTS;

export function keysOf<T extends Record<string, string>>(labels: T): [keyof T & string, ...(keyof T & string)[]] {
  return Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];
}
