import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { ProtocolError } from "./errors";

/*
 * lib0's decoders throw plain Errors, or read past the end without a word; these wrap them so
 * that every malformed byte sequence becomes a ProtocolError (close 4400) and nothing else.
 */

export function readVarUint(decoder: decoding.Decoder): number {
  if (!decoding.hasContent(decoder)) throw new ProtocolError("truncated message");
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError("malformed number");
  }
}

export function readVarUint8Array(decoder: decoding.Decoder): Uint8Array {
  const length = readVarUint(decoder);
  if (length > decoder.arr.length - decoder.pos) throw new ProtocolError("truncated message");
  return decoding.readUint8Array(decoder, length);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function readVarString(decoder: decoding.Decoder): string {
  const bytes = readVarUint8Array(decoder);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtocolError("malformed string");
  }
}

/** A message is exactly its fields: bytes after them mean it is not what it claims to be. */
export function expectEnd(decoder: decoding.Decoder): void {
  if (decoding.hasContent(decoder)) throw new ProtocolError("unexpected bytes at the end of a message");
}

export function encodeMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}
