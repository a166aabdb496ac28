import { bytesToBlob } from './bundle-bytes.js';

/** Saves bytes the app produced as a file the user chooses where to keep (browser download or Electron's save dialog). */
export function downloadBytes(fileName: string, mimeType: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(bytesToBlob(bytes, mimeType));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
