/**
 * The rule "a reason for Partly or No" belongs to the service: it refuses the answer without
 * one, with an issue on the reason field the page shows there; it judges the answer being
 * changed, so an unrelated edit (a prompt, the status) still saves on a case whose stored
 * answer lacks a reason (two inspectors' concurrent edits can merge into that).
 */
import { describe, expect, it } from 'vitest';
import { givenInspection } from '../../support/given.js';

async function caseWith(fields: Record<string, string | null>) {
  const { rt, addCase } = await givenInspection({ leadName: null });
  return { rt, id: addCase('NS-3001', fields) };
}

const reasonRefusal = (words: string) => ({
  code: 'invalid_input',
  message: expect.stringContaining(words),
  details: { issues: [{ path: ['agreementReason'], message: expect.stringContaining(words) }] },
});

describe('the audit’s answer on the area’s audit', () => {
  it('is refused as “partly” or “no” without a reason (blank or spaces), on the reason field, and nothing is stored', async () => {
    const { rt, id } = await caseWith({});
    await expect(
      rt.call('cases.updateAudit', { id, fields: { auditAgreement: 'partly', agreementReason: '   ' } }),
    ).rejects.toMatchObject(reasonRefusal('only partly agree'));
    await expect(rt.call('cases.updateAudit', { id, fields: { auditAgreement: 'no' } })).rejects.toMatchObject(
      reasonRefusal('do not agree'),
    );
    expect(await rt.call('cases.get', { id })).toMatchObject({ auditAgreement: null, agreementReason: null });
  });

  it('refuses clearing the reason of a stored “no”', async () => {
    const { rt, id } = await caseWith({ audit_agreement: 'no', agreement_reason: 'Risks not reviewed' });
    await expect(rt.call('cases.updateAudit', { id, fields: { agreementReason: '' } })).rejects.toMatchObject(
      reasonRefusal('do not agree'),
    );
  });

  it('still saves other edits on a case whose merged answer lacks its reason', async () => {
    const { rt, id } = await caseWith({ audit_agreement: 'partly', agreement_reason: null });
    const saved = await rt.call('cases.updateAudit', { id, fields: { prompts: { voice: 'Seen alone.' }, status: 'done' } });
    expect(saved).toMatchObject({ prompts: { voice: 'Seen alone.' }, status: 'done', auditAgreement: 'partly' });
    await expect(rt.call('cases.updateAudit', { id, fields: { auditAgreement: 'partly' } })).rejects.toMatchObject(
      reasonRefusal('only partly agree'),
    );
    expect(await rt.call('cases.updateAudit', { id, fields: { agreementReason: 'Plan not followed' } })).toMatchObject({
      auditAgreement: 'partly',
      agreementReason: 'Plan not followed',
    });
  });
});
