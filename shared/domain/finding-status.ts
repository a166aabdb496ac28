/** The moves a finding's status may make: draft → proposed → agreed; withdrawn from any; back to draft. */
import type { FindingStatus } from './vocabulary.js';

export const STATUS_MOVES: Readonly<Record<FindingStatus, readonly FindingStatus[]>> = {
  draft: ['proposed', 'withdrawn'],
  proposed: ['agreed', 'draft', 'withdrawn'],
  agreed: ['proposed', 'withdrawn'],
  withdrawn: ['draft'],
};
