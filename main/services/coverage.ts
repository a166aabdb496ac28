/** The coverage dashboard's numbers, with themes judged by the same rule as findings' triangulation. */
import type { Coverage } from '../../shared/api/coverage.js';
import type { Agency, CaseStatus, FindingKind, Stage } from '../../shared/domain/vocabulary.js';
import { triangulate } from '../../shared/triangulation.js';
import {
  countCasesByStageStatus,
  countFindingsByKindAgency,
  countNotesByThemeAgency,
  listFindingThemes,
  listThemeEvidence,
} from '../store/coverage-repo.js';
import type { HandlerGroup } from './context.js';
import { expectedThemes } from './evidence.js';

export const coverageHandlers = {
  'coverage.summary': (ctx, input): Coverage => {
    const themes = [...new Set([...expectedThemes(ctx, input.inspectionId), ...listFindingThemes(ctx.db, input.inspectionId)])];
    const evidence = listThemeEvidence(ctx.db, input.inspectionId);
    return {
      casesByStage: countCasesByStageStatus(ctx.db, input.inspectionId).map((r) => ({
        stage: r.stage as Stage | null,
        status: r.status as CaseStatus,
        count: r.count,
      })),
      notesByThemeAgency: countNotesByThemeAgency(ctx.db, input.inspectionId).map((r) => ({
        theme: r.theme,
        agency: r.agency as Agency | null,
        count: r.count,
      })),
      findingsByKindAgency: countFindingsByKindAgency(ctx.db, input.inspectionId).map((r) => ({
        kind: r.kind as FindingKind,
        agency: r.agency as Agency,
        count: r.count,
      })),
      themes: themes.map((theme) => {
        const t = triangulate(
          evidence
            .filter((e) => e.theme === theme)
            .map((e) => ({ caseId: e.case_id, source: e.source, agency: e.agency, author: e.author ?? '' })),
        );
        return {
          theme,
          noteCount: t.noteCount,
          caseCount: t.caseCount,
          sourceCount: t.sources.length,
          level: t.noteCount === 0 ? ('none' as const) : t.thin ? ('thin' as const) : ('covered' as const),
        };
      }),
    };
  },
} satisfies HandlerGroup<'coverage.summary'>;
