import { describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { givenInspection } from '../../support/given.js';

describe('coverage', () => {
  it('counts cases by stage and status, notes by theme and agency, findings by kind and agency, and judges themes', async () => {
    const given = await givenInspection();
    const { rt, inspectionId } = given;
    const addCase = (ref: string, stage: string, status: string | null, removed = false) => {
      return given.addCase(ref, { stage, status, removed });
    };
    const a = addCase('A', 'child_protection', 'done');
    const b = addCase('B', 'child_protection', null);
    addCase('C', 'looked_after', 'in_progress');
    addCase('D', 'looked_after', 'done', true);
    const note = (caseId: string | null, source: 'case_record' | 'manager', agency: 'police' | 'health', themes: string[]) =>
      rt.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: { text: 'n', source, agency, themes, polarity: 'neutral', caseId },
      });
    await note(a, 'case_record', 'police', ['Risk assessment', 'Neglect']);
    await note(b, 'manager', 'police', ['Risk assessment']);
    await note(a, 'case_record', 'health', ['Neglect']);
    const deleted = await note(b, 'manager', 'health', ['Neglect']);
    await rt.call('evidence.delete', { id: deleted.id });
    await rt.call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 's', agencies: ['police', 'health'], theme: 'Neglect' },
    });
    const withdrawn = await rt.call('findings.create', {
      inspectionId,
      fields: { kind: 'improvement', statement: 'w', agencies: ['police'], theme: 'Housing' },
    });
    await rt.call('findings.setStatus', { id: withdrawn.id, status: 'withdrawn', reason: 'Duplicate of another finding' });

    const c = await rt.call('coverage.summary', { inspectionId });
    expect(c.casesByStage).toEqual([
      { stage: 'child_protection', status: 'done', count: 1 },
      { stage: 'child_protection', status: 'not_started', count: 1 },
      { stage: 'looked_after', status: 'in_progress', count: 1 },
    ]);
    expect(c.notesByThemeAgency).toEqual([
      { theme: 'Neglect', agency: 'health', count: 1 },
      { theme: 'Neglect', agency: 'police', count: 1 },
      { theme: 'Risk assessment', agency: 'police', count: 2 },
    ]);
    expect(c.findingsByKindAgency).toEqual([
      { kind: 'strength', agency: 'health', count: 1 },
      { kind: 'strength', agency: 'police', count: 1 },
    ]);
    const theme = (name: string) => c.themes.find((t) => t.theme === name);
    expect(theme('Risk assessment')).toMatchObject({ noteCount: 2, caseCount: 2, sourceCount: 2, level: 'covered' });
    expect(theme('Neglect')).toMatchObject({ noteCount: 2, caseCount: 1, level: 'thin' });
    expect(theme('Children living with domestic abuse')).toMatchObject({ noteCount: 0, level: 'none' });
    expect(theme('Housing')).toBeUndefined();
  });
});
