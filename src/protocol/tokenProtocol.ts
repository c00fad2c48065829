// A token with its probability, as the engine, a server client and the Lens pass it on. Its own file, so that the
// Lens webview can validate tokens without bundling the engine's whole wire.
import { Guard, hasFields, isArrayOf, isBoolean, isNonNegativeInteger, isString, optional } from './guards';

export interface TokenProbability {
  id: number;
  text: string;
  probability: number;
  /**
   * The piece's bytes, only where they are not whole UTF-8 on their own (a byte-fallback token, part of a character in
   * a byte-level BPE): `text` cannot show them, so the Lens shows these as hex.
   */
  bytes?: number[];
  /** A control token (BOS, EOS, FIM markers): `text` is its name, not text the model writes. */
  special?: boolean;
}

/** Longest byte list a token may carry: real pieces are a few bytes; more is a broken or hostile peer. */
export const MAX_TOKEN_BYTES = 64;
const isByte = (v: unknown): v is number => isNonNegativeInteger(v) && v <= 255;
const isTokenBytes = (v: unknown): v is number[] => isArrayOf(isByte)(v) && v.length > 0 && v.length <= MAX_TOKEN_BYTES;

/** A token's fields, with `probability` checked by the caller's rule (the Lens also bounds it to [0, 1]). */
export function tokenGuard(isProbability: Guard<number>): Guard<TokenProbability> {
  return hasFields<TokenProbability>({
    id: isNonNegativeInteger, text: isString, probability: isProbability, bytes: optional(isTokenBytes), special: optional(isBoolean),
  });
}
