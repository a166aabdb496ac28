/** Bundle bytes in the browser: a file's bytes for upload, bytes to a Blob for download (no base64 either way). */

export async function fileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export function bytesToBlob(bytes: Uint8Array, type = 'application/octet-stream'): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
