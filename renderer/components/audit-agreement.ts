/**
 * Agreement between the area's own audit grade of a case and the inspectors' grade: per case,
 * the rate by stage and overall (over cases with both grades), and the disagreements. Pure.
 */
import { GRADES, STAGES, type Grade, type Stage } from '../../shared/domain/vocabulary.js';

export interface GradedCase {
  readonly id: string;
  readonly caseRef: string;
  readonly stage: string | null;
  readonly laAuditGrade: Grade | null;
  readonly inspectorGrade: Grade | null;
  readonly agreementReason: string | null;
  readonly removed: boolean;
}

export interface AgreementRate {
  readonly label: string;
  readonly compared: number;
  readonly agreed: number;
  /** Whole per cent, or null when no case has both grades. */
  readonly rate: number | null;
}

const GRADE_ORDER = Object.keys(GRADES) as Grade[];

export function gradeGap(area: Grade, inspectors: Grade): number {
  return GRADE_ORDER.indexOf(inspectors) - GRADE_ORDER.indexOf(area);
}

function rateOf(label: string, cases: readonly GradedCase[]): AgreementRate {
  const compared = cases.length;
  const agreed = cases.filter((c) => c.laAuditGrade === c.inspectorGrade).length;
  return { label, compared, agreed, rate: compared === 0 ? null : Math.round((agreed / compared) * 100) };
}

export const stageName = (stage: string | null) => (stage && stage in STAGES ? STAGES[stage as Stage] : 'Stage not recorded');

export function auditAgreement(all: readonly GradedCase[]) {
  const live = all.filter((c) => !c.removed);
  const compared = live.filter((c) => c.laAuditGrade !== null && c.inspectorGrade !== null);
  const stages = [...new Set(compared.map((c) => c.stage))];
  const order = Object.keys(STAGES);
  stages.sort((a, b) => (a === null ? 1 : b === null ? -1 : order.indexOf(a) - order.indexOf(b)));
  return {
    overall: rateOf('All stages', compared),
    byStage: stages.map((stage) =>
      rateOf(
        stageName(stage),
        compared.filter((c) => c.stage === stage),
      ),
    ),
    disagreements: compared.filter((c) => c.laAuditGrade !== c.inspectorGrade),
    waiting: live.length - compared.length,
  };
}
