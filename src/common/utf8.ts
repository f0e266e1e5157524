/** Strict UTF-8 decoding with the position of the first bad byte, for every text file PELATO reads. */
import type { Diagnostic } from './diagnostics.js';

/** Line and column (1-based, in characters) of a byte offset of UTF-8 text. */
function bytePosition(bytes: Buffer, offset: number): { line: number; col: number } {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
  // Columns count characters: decode the (valid) part of the line before the offset.
  const col = new TextDecoder('utf-8').decode(before.subarray(lineStart)).length + 1;
  return { line, col };
}

/**
 * Text that must be UTF-8: decoded strictly, so a Latin-1 or UTF-16 file is reported at its first bad
 * byte instead of being silently turned into U+FFFD. A leading byte-order mark is kept in `text` (the
 * caller decides); `bom` says whether there was one.
 */
export function decodeUtf8(bytes: Buffer, file: string, what: string): { text: string; bom: boolean } | Diagnostic {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { file, line: 1, col: 1, message: `${what} is UTF-16, not UTF-8`, hint: 'save it as UTF-8' };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text, bom: text.charCodeAt(0) === 0xfeff };
  } catch {
    const bad = firstInvalid(bytes);
    const p = bytePosition(bytes, bad);
    return {
      file,
      line: p.line,
      col: p.col,
      message: `${what} is not UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')})`,
      hint: 'save it as UTF-8 (it may be Latin-1 or Windows-1252)',
    };
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalid(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need =
      c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    if (i + need >= b.length) return i;
    for (let k = 1; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    const cp =
      need === 2
        ? ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6)
        : need === 3
          ? ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12)
          : 0x80;
    if (
      (need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (need === 3 && (cp < 0x10000 || cp > 0x10ffff))
    )
      return i;
    i += need + 1;
  }
  return b.length;
}
