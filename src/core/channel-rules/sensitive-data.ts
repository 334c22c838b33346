// What a lawyer should not send over an insecure channel without the client's informed agreement (issue 19): payment
// card numbers (checked with Luhn and the card networks' number ranges, so that phone numbers and case numbers do
// not trip it), US Social Security numbers (the ranges the SSA never issues left out), passport numbers and bank
// accounts (IBANs checked with their mod-97 check digits; US account and routing numbers when named as such), and
// attached identity documents, recognised by their file names. Each finding is shown masked: the warning must not
// itself repeat the secret.

export const sensitiveKinds = ['card_number', 'us_ssn', 'passport_number', 'bank_account', 'identity_document'] as const;
export type SensitiveKind = (typeof sensitiveKinds)[number];

export interface SensitiveFinding {
  kind: SensitiveKind;
  /** What was found, in words, masked (e.g. "a payment card number ending 4242"). */
  label: string;
}

export interface SensitiveInput {
  text?: string | null;
  fileNames?: readonly (string | null | undefined)[];
}

export function findSensitiveData(input: SensitiveInput): SensitiveFinding[] {
  const text = input.text ?? '';
  const findings: SensitiveFinding[] = [];
  const seen = new Set<string>();
  const add = (kind: SensitiveKind, label: string) => {
    const key = `${kind}:${label}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ kind, label });
  };

  for (const match of text.matchAll(/(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g)) {
    const digits = match[0].replace(/\D/g, '');
    const network = cardNetwork(digits);
    if (network && luhn(digits)) add('card_number', `a ${network} card number ending ${digits.slice(-4)}`);
  }
  for (const match of text.matchAll(/(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])/g)) {
    const [, area, separator, group, serial] = match as unknown as [string, string, string, string, string];
    if (!validSsn(area, group, serial)) continue;
    // Nine digits in a row are only an SSN when the text says so; 123-45-6789 is one by its shape.
    if (separator === '' && !/\b(ssn|social security|seguro social)\b/i.test(near(text, match.index ?? 0))) continue;
    add('us_ssn', `a Social Security number ending ${serial}`);
  }
  for (const match of text.matchAll(/\b(?:passport|pasaporte)(?:\s*(?:no\.?|number|n[uú]mero|#|nº))?\s*[:#]?\s*([A-Z0-9]{6,9})\b/giu)) {
    const id = match[1]!;
    if (/\d/.test(id)) add('passport_number', `a passport number ending ${id.slice(-3).toUpperCase()}`);
  }
  for (const match of text.matchAll(/\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30})\b/g)) {
    const iban = match[1]!.replace(/ /g, '');
    if (ibanValid(iban)) add('bank_account', `an IBAN ending ${iban.slice(-4)}`);
  }
  for (const match of text.matchAll(/\b(?:routing|aba|rtn)(?:\s*(?:no\.?|number|#))?\s*[:#]?\s*(\d{9})\b/gi)) {
    if (abaValid(match[1]!)) add('bank_account', `a bank routing number ending ${match[1]!.slice(-4)}`);
  }
  for (const match of text.matchAll(/\b(?:account|acct|cuenta)(?:\s*(?:no\.?|number|n[uú]mero|#))?\s*[:#]?\s*(\d[\d -]{6,20}\d)\b/giu)) {
    const digits = match[1]!.replace(/\D/g, '');
    if (digits.length >= 8 && digits.length <= 17) add('bank_account', `a bank account number ending ${digits.slice(-4)}`);
  }
  for (const name of input.fileNames ?? []) {
    if (name && identityDocumentName.test(name.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))) add('identity_document', `an identity document (${name})`);
  }
  return findings;
}

/** Names people give scans of identity papers, in English and Spanish. */
const identityDocumentName =
  /(passport|pasaporte|driver'?s?[-_ .]?licen[cs]e|licencia[-_ .]?de[-_ .]?conducir|(?<![a-z])(dni|nie|ssn)(?![a-z])|id[-_ .]?card|identity[-_ .]?(card|document)|identidad|cedula|social[-_ .]?security|green[-_ .]?card|residence[-_ .]?permit|tarjeta[-_ .]?de[-_ .]?residencia)/i;

/** The 40 characters before a match: where a label like "SSN:" would be. */
const near = (text: string, index: number) => text.slice(Math.max(0, index - 40), index);

/** The card network of a number by its issuer prefix and length, or null when no network issues such a number. */
export function cardNetwork(digits: string): string | null {
  const length = digits.length;
  const prefix = (n: number) => Number(digits.slice(0, n));
  if (digits.startsWith('4') && [13, 16, 19].includes(length)) return 'Visa';
  if (length === 16 && ((prefix(2) >= 51 && prefix(2) <= 55) || (prefix(4) >= 2221 && prefix(4) <= 2720))) return 'Mastercard';
  if (length === 15 && (digits.startsWith('34') || digits.startsWith('37'))) return 'American Express';
  if (length >= 16 && length <= 19 && (digits.startsWith('6011') || digits.startsWith('65') || (prefix(3) >= 644 && prefix(3) <= 649))) return 'Discover';
  if (length >= 16 && length <= 19 && prefix(4) >= 3528 && prefix(4) <= 3589) return 'JCB';
  if (length === 14 && ((prefix(3) >= 300 && prefix(3) <= 305) || digits.startsWith('36') || digits.startsWith('38'))) return 'Diners Club';
  return null;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The SSA never issues area 000, 666 or 900-999, group 00 or serial 0000. */
function validSsn(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/** ISO 13616: the country and check digits moved to the end, letters as numbers, the whole mod 97 is 1. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`;
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** An ABA routing number's check digit: 3, 7 and 1 weights, the sum a multiple of 10. */
export function abaValid(digits: string): boolean {
  const d = [...digits].map(Number);
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0 && sum > 0;
}
