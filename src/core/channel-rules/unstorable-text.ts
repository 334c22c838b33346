// PostgreSQL cannot store two things a JSON or form payload can carry: the NUL character (in text or jsonb) and an
// unpaired UTF-16 surrogate (jsonb rejects the escape). A payload holding either would fail at INSERT, a 5xx that
// the provider retries forever; finding them first lets a webhook refuse the payload as malformed (400) instead.
// No provider sends these in a real message, so nothing legitimate is turned away.

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isUnstorable = (text: string) => text.includes('\u0000') || loneSurrogate.test(text);

/** The path of the first string (value or object key) that PostgreSQL cannot store, or null when all can be stored. */
export function findUnstorableText(value: unknown, path = '$', depth = 0): string | null {
  // Parsed JSON nests at most as deep as its text allows; the limit guards against a stack overflow on hostile input.
  if (depth > 200) return path;
  if (typeof value === 'string') return isUnstorable(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (isUnstorable(key)) return `${path}.<key>`;
      const found = findUnstorableText(item, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return null;
}
