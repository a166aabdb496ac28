/**
 * Text the CLI prints is terminal-safe: names and text from a store or a bundle (an inspection's
 * local authority, a signer's name) can hold control characters, and an ESC or a C1 CSI in a
 * terminal moves the cursor, rewrites earlier lines or retitles the window. Every string written
 * to stdout and stderr goes through cleanText (C0 except tab, LF and CR; DEL; C1; non-characters;
 * lone surrogates removed), as every other output does. JSON output is unaffected: its own
 * escapes are plain ASCII.
 */
import { cleanText } from '../../shared/outputs/clean-text.js';

type Write = typeof process.stdout.write;

function safeWriter(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const write = (chunk: unknown, ...rest: unknown[]): boolean =>
    original(typeof chunk === 'string' ? cleanText(chunk) : chunk, ...rest);
  stream.write = write as Write;
}

/** Call once, before any command runs. */
export function makeOutputTerminalSafe(): void {
  safeWriter(process.stdout);
  safeWriter(process.stderr);
}
