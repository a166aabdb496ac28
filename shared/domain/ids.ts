/**
 * Record identity. New records get a UUIDv7 made on the laptop; records with a natural key
 * get a UUIDv5 of it, so two inspectors who add the same case or link converge on one row.
 */
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

const FIELDWORK_NAMESPACE = '5b0e5d8e-2f4a-4d63-9a53-6f1e2a7c9b10';

export function newId(): string {
  return uuidv7();
}

export function sampledCaseId(inspectionId: string, caseRef: string): string {
  return uuidv5(`case:${inspectionId}:${caseRef.trim().toUpperCase()}`, FIELDWORK_NAMESPACE);
}

export function findingEvidenceId(findingId: string, noteId: string): string {
  return uuidv5(`finding-evidence:${findingId}:${noteId}`, FIELDWORK_NAMESPACE);
}
