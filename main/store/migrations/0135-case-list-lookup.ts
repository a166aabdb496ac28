/**
 * 0135: look a case up in the imported list by reference, ignoring case and surrounding space
 * (every read of a sampled case fills the facts a hand-added case lacks from the list).
 */
export const migration0135 = `
CREATE INDEX case_list_row_by_ref ON case_list_row(import_id, upper(trim(case_ref)));
`;
