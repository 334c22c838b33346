import contentType from 'content-type';

// Media types come from strangers (a provider's Content-Type, a sender's declared mimetype). What the record stores
// is parsed by RFC 9110's grammar (the `content-type` package of the jshttp project) and reduced to `type/subtype`
// in lower case: a malformed value, or one carrying CR/LF, becomes application/octet-stream instead of reaching a
// response header (where it would be a stored 500, or a header injection) or a browser's content sniffing.

export const octetStream = 'application/octet-stream';

export function normalizeMimeType(value: string | null | undefined): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) return octetStream;
  try {
    const parsed = contentType.parse(value).type.toLowerCase();
    return parsed.length <= 127 ? parsed : octetStream;
  } catch {
    return octetStream;
  }
}

/**
 * Types a browser would run or render as a page (HTML, scripts, SVG, XML and their kin): never served inline, and
 * served as application/octet-stream so that even a lost Content-Disposition cannot make them a page of ours.
 */
export function isActiveMimeType(type: string): boolean {
  const normalized = normalizeMimeType(type);
  return (
    /^(text\/(html|javascript|ecmascript|xml|xsl|css|vtt|x-[\w.+-]*script)|application\/(javascript|ecmascript|x-javascript|xhtml\+xml|xml|xslt\+xml|rdf\+xml|mathml\+xml|x-shockwave-flash|wasm|pdf\+xml)|image\/svg\+xml)$/.test(normalized) ||
    normalized.endsWith('+xml') ||
    normalized.endsWith('/xml')
  );
}
