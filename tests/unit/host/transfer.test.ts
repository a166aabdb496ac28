// A file's bytes cross to the core's worker and back moved, not copied (main/host/protocol.ts),
// except a small Buffer, which is a view into Node's shared pool and must never be detached.
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { transferablesOf } from '../../../main/host/protocol.js';

function postAndReceive(value: Record<string, unknown>): Record<string, unknown> {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(value, transferablesOf(value));
    return receiveMessageOnPort(port2)?.message as Record<string, unknown>;
  } finally {
    port1.close();
    port2.close();
  }
}

describe('bytes across the core host', () => {
  it('moves a file’s own buffer: the sender’s copy is detached, the receiver has the bytes', () => {
    const bytes = new Uint8Array(256 * 1024).fill(9);
    const received = postAndReceive({ fileName: 'a.fwbundle', bytes });
    expect(bytes.byteLength).toBe(0);
    expect((received.bytes as Uint8Array).byteLength).toBe(256 * 1024);
    expect((received.bytes as Uint8Array)[100]).toBe(9);
  });

  it('copies a small pooled Buffer and a view into a larger buffer, leaving them intact', () => {
    const pooled = Buffer.from('a small csv,1,2\n');
    const view = new Uint8Array(new ArrayBuffer(64), 8, 16).fill(3);
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const received = postAndReceive({ pooled, view, text: 'kept' });
    expect(pooled.toString()).toBe('a small csv,1,2\n');
    expect(view.byteLength).toBe(16);
    expect(Buffer.from(received.pooled as Uint8Array).toString()).toBe('a small csv,1,2\n');
    expect(received.text).toBe('kept');
  });
});
