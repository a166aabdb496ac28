/**
 * Text fit for every output (the .docx letter, the CSVs, the preview): C0 and C1 control
 * characters (except tab, line feed and carriage return), Unicode non-characters (U+FDD0–FDEF
 * and every U+xFFFE/U+xFFFF, which XML forbids: LibreOffice refuses a .docx holding U+FFFE)
 * and lone surrogates are removed. Everything else is kept as typed.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]/gu;

export function cleanText(text: string): string {
  let out = '';
  for (const char of text.replace(FORBIDDEN, '')) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) continue; // a lone surrogate
    if ((code & 0xfffe) === 0xfffe) continue; // U+1FFFE, U+1FFFF … U+10FFFF
    out += char;
  }
  return out;
}
