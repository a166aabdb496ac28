/**
 * Bundle files dropped anywhere on the window, and the worker that takes the import queue
 * through preview, the user's confirmations and import, one file at a time and in order
 * (a later bundle of an inspector's chain needs the earlier one). Always mounted, so imports
 * carry on while the user moves between screens. With no inspection open (joining a team),
 * the queue is shown in a dialog here; otherwise the Bundles screen shows it.
 */
import { useEffect, useRef, useState } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import { ApiError, callOnce, useLongCommand } from '../api/hooks.js';
import { currentEntry, useBundleImports, type ImportEntry } from '../state/bundle-imports.js';
import { useUi } from '../state/ui-store.js';
import { BundleImportList } from './BundleImportList.js';
import { fileBytes } from './bundle-bytes.js';

const bytesCache = new Map<number, Promise<Uint8Array>>();
const bytesOf = (entry: ImportEntry) => {
  const cached = bytesCache.get(entry.id) ?? fileBytes(entry.file);
  bytesCache.set(entry.id, cached);
  return cached;
};
/** The token of each entry's preview: importing with it merges what the preview verified, without reading the file again. */
const previewTokens = new Map<number, string>();
const forget = (entry: ImportEntry) => {
  bytesCache.delete(entry.id);
  previewTokens.delete(entry.id);
};

function reasonOf(error: unknown): string | null {
  const reason = error instanceof ApiError ? error.details?.reason : undefined;
  return typeof reason === 'string' ? reason : null;
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : 'The file could not be read. It has not been imported.';

/** Runs the queue: previews waiting files, imports ready ones, pauses for the user's decisions. */
function useImportWorker() {
  const entries = useBundleImports((s) => s.entries);
  const update = useBundleImports((s) => s.entryUpdated);
  const importer = useLongCommand('bundles.import');
  const busy = useRef<number | null>(null);
  const current = currentEntry(entries);

  useEffect(() => {
    if (busy.current !== null && importer.progress) update(busy.current, { progress: importer.progress });
  }, [importer.progress, update]);

  useEffect(() => {
    if (!current || busy.current !== null || (current.stage !== 'waiting' && current.stage !== 'ready')) return;
    const entry = current;
    busy.current = entry.id;
    const base = {
      fileName: entry.file.name,
      ...(entry.passphrase ? { passphrase: entry.passphrase } : {}),
      ...(entry.inspectionId ? { inspectionId: entry.inspectionId } : {}),
    };
    type Extra = { confirmDeletions?: true; trustLead?: string };
    /** Imports with the preview's token; if that preview is no longer kept, with the file's bytes. */
    const importEntry = async (extra: Extra) => {
      const previewToken = previewTokens.get(entry.id);
      if (previewToken !== undefined) {
        try {
          return await importer.mutateAsync({ ...base, previewToken, ...extra });
        } catch (error) {
          if (reasonOf(error) !== 'preview-expired') throw error;
          previewTokens.delete(entry.id);
        }
      }
      return importer.mutateAsync({ ...base, bytes: await bytesOf(entry), ...extra });
    };
    const run = async () => {
      if (entry.stage === 'waiting') {
        update(entry.id, { stage: 'previewing', message: undefined });
        const { previewToken, ...preview } = await callOnce('bundles.preview', { ...base, bytes: await bytesOf(entry) });
        if (previewToken === null) previewTokens.delete(entry.id);
        else previewTokens.set(entry.id, previewToken);
        if (preview.isJoin) {
          update(entry.id, { stage: 'needs_confirmation', preview });
          return;
        }
        update(entry.id, { preview });
        if (preview.needsConfirmation) {
          // Only the deletions wait for the user: everything else in the bundle (escalations
          // above all) is merged now, and the answer names what is held back.
          update(entry.id, { stage: 'importing', progress: undefined });
          try {
            const result = await importEntry({});
            forget(entry);
            update(entry.id, { stage: result.status, result, progress: undefined });
          } catch (error) {
            if (reasonOf(error) !== 'needs-confirmation') throw error;
            update(entry.id, { stage: 'needs_confirmation', preview, message: messageOf(error), progress: undefined });
          }
          return;
        }
      }
      update(entry.id, { stage: 'importing', progress: undefined });
      const result = await importEntry({
        ...(entry.confirmDeletions ? { confirmDeletions: true as const } : {}),
        ...(entry.trustLead ? { trustLead: entry.trustLead } : {}),
      });
      forget(entry);
      update(entry.id, { stage: result.status, result, progress: undefined });
    };
    run()
      .catch((error: unknown) => {
        const reason = reasonOf(error);
        if (reason === 'wrong-key') {
          update(entry.id, {
            stage: 'needs_passphrase',
            message: entry.passphrase ? 'That passphrase does not open this bundle. Check it and try again.' : messageOf(error),
          });
        } else if (reason === 'needs-confirmation' && entry.preview) {
          update(entry.id, { stage: 'needs_confirmation' });
        } else {
          forget(entry);
          update(entry.id, { stage: 'refused', message: messageOf(error), progress: undefined });
        }
      })
      .finally(() => {
        busy.current = null;
        // Nudge the queue: the next entry may be waiting.
        update(entry.id, {});
      });
  }, [current, importer, update]);
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function BundleDrop() {
  const inspectionId = useUi((s) => s.inspectionId);
  const screenChosen = useUi((s) => s.screenChosen);
  const filesAdded = useBundleImports((s) => s.filesAdded);
  const [dragging, setDragging] = useState(false);
  const dialogOpen = useBundleImports((s) => s.joinDialogOpen);
  const joinDialogClosed = useBundleImports((s) => s.joinDialogClosed);
  const setDialogOpen = (open: boolean) => {
    if (!open) joinDialogClosed();
  };
  useImportWorker();

  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      // Without this the browser would open the file in place of the app.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      depth = 0;
      setDragging(false);
      // A drop zone of another screen (e.g. a case list) took this drop: leave it alone.
      if (event.defaultPrevented) return;
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      event.preventDefault();
      filesAdded(files, inspectionId);
      if (inspectionId) screenChosen('bundles');
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [filesAdded, inspectionId, screenChosen]);

  return (
    <>
      {dragging && (
        <div className="bundle-drop-overlay" aria-hidden="true">
          <p>Drop bundle files to import them</p>
        </div>
      )}
      {!inspectionId && (
        <Modal isOpen={dialogOpen} onOpenChange={setDialogOpen} isDismissable className="modal">
          <Dialog className="dialog" aria-labelledby="bundle-drop-title">
            <Heading slot="title" id="bundle-drop-title">
              Import bundles
            </Heading>
            <BundleImportList onOpenInspection={() => setDialogOpen(false)} />
            <div className="form-actions">
              <button type="button" onClick={() => setDialogOpen(false)}>
                Close
              </button>
            </div>
          </Dialog>
        </Modal>
      )}
    </>
  );
}
