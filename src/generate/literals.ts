/**
 * The only ways a user value may enter generated source text. Each returns a complete literal of the
 * target language, so a value can never close a string early and add code of its own.
 */

/** A Go interpreted string literal, pure ASCII: everything outside printable ASCII is escaped. */
export function goString(value: string): string {
  if (!value.isWellFormed()) throw new Error('refusing to put ill-formed Unicode into Go source');
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** A TOML basic string (same escaping rules as Go for the characters we emit). */
export function tomlString(value: string): string {
  return goString(value).replace(/\\x([0-9a-f]{2})/g, '\\u00$1');
}

/** A double-quoted SQL identifier; callers validate the alphabet first, this still doubles quotes. */
export function sqlIdentifier(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** A JavaScript string literal (JSON's syntax is a subset); ill-formed Unicode is refused. */
export function jsString(value: string): string {
  if (!value.isWellFormed()) throw new Error('refusing to put ill-formed Unicode into JavaScript source');
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
