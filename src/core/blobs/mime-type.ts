// Media types come from strangers (a provider's Content-Type, a sender's declared mimetype). What the record stores
// is checked against RFC 9110's grammar (type "/" subtype, both tokens; parameters dropped) and kept in lower case:
// a malformed value, or one carrying a control character (CR/LF), becomes application/octet-stream instead of
// reaching a response header (where it would be a stored 500, or a header injection) or a browser's sniffing.
// (The jshttp content-type package was tried first: its parse accepted "text/html\r\nX-Injected: 1".)

const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const mediaType = new RegExp(`^${token}/${token}$`);
const parameter = new RegExp(`^${token}=(?:${token}|"[^"\\\\]*")$`);

export const octetStream = 'application/octet-stream';

export function normalizeMimeType(value: string | null | undefined): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) return octetStream;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return octetStream;
  const [head = '', ...rest] = value.split(';');
  const type = head.trim().toLowerCase();
  if (type.length > 127 || !mediaType.test(type)) return octetStream;
  // Parameters are kept when every one is well formed ("audio/ogg; codecs=opus" plays where "audio/ogg" may not).
  const parameters = rest.map((p) => p.trim()).filter((p) => p !== '');
  return parameters.length > 0 && parameters.every((p) => parameter.test(p)) ? [type, ...parameters].join('; ') : type;
}

/**
 * Types a browser would run or render as a page (HTML, scripts, SVG, XML and their kin): never served inline, and
 * served as application/octet-stream so that even a lost Content-Disposition cannot make them a page of ours.
 */
export function isActiveMimeType(type: string): boolean {
  const normalized = normalizeMimeType(type).split(';')[0]!;
  return (
    /^(text\/(html|javascript|ecmascript|xml|xsl|css|vtt|x-[\w.+-]*script)|application\/(javascript|ecmascript|x-javascript|xhtml\+xml|xml|xslt\+xml|rdf\+xml|mathml\+xml|x-shockwave-flash|wasm|pdf\+xml)|image\/svg\+xml)$/.test(normalized) ||
    normalized.endsWith('+xml') ||
    normalized.endsWith('/xml')
  );
}
