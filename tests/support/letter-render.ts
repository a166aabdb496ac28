/** Renders a .docx the way a reader would see it: LibreOffice to PDF, then text and PNG pages. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tempDir } from './runtime.js';

export interface RenderedDocument {
  readonly text: string;
  readonly pages: string[];
}

export function renderDocx(bytes: Buffer, name: string, pngDir: string): RenderedDocument {
  const work = tempDir('fieldwork-letter-');
  const docx = join(work, `${name}.docx`);
  writeFileSync(docx, bytes);
  const profile = join(work, 'lo-profile');
  execFileSync(
    'libreoffice',
    [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', work, docx],
    { stdio: 'ignore', timeout: 120_000 },
  );
  const pdf = join(work, `${name}.pdf`);
  if (!existsSync(pdf)) throw new Error('LibreOffice did not produce a PDF');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  mkdirSync(pngDir, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(pngDir, name)]);
  const pages = readdirSync(pngDir)
    .filter((f) => f.startsWith(basename(name)) && f.endsWith('.png'))
    .map((f) => join(pngDir, f));
  return { text, pages };
}
