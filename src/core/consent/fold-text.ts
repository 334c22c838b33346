/**
 * A message folded for matching: lower case, accents removed (NFD marks dropped, so "Sí" and "SI" compare equal),
 * typographic apostrophes and quotes made plain, and every run of whitespace made one space.
 *
 * Matching happens on `text`, but people confirming a revocation want to see what the client actually wrote, so
 * `start[i]` / `end[i]` give the span of the original string that produced folded character `i`.
 */
export interface FoldedText {
  text: string;
  start: number[];
  end: number[];
}

const APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u00B4`]/u;
const QUOTES = /[\u201C\u201D\u201E\u00AB\u00BB]/u;
const MARKS = /\p{M}/gu;

// Printable ASCII but the backtick (an apostrophe to fold), with no run of spaces: folding only lower-cases it, one
// character for one. Most messages are this, and take the short way.
const PLAIN = /^[\x20-\x5f\x61-\x7e]*$/;
const isPlain = (original: string): boolean => PLAIN.test(original) && !original.includes('  ');

export function foldText(original: string): FoldedText {
  if (isPlain(original)) {
    const start = new Array<number>(original.length);
    const end = new Array<number>(original.length);
    for (let i = 0; i < original.length; i++) {
      start[i] = i;
      end[i] = i + 1;
    }
    return { text: original.toLowerCase(), start, end };
  }
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let offset = 0;
  for (const char of original) {
    const from = offset;
    offset += char.length;
    let folded: string;
    if (/\s/u.test(char)) {
      // One space for any run, so patterns can say " " and still match tabs, newlines and double spaces.
      if (text.endsWith(' ')) {
        end[end.length - 1] = offset;
        continue;
      }
      folded = ' ';
    } else if (APOSTROPHES.test(char)) {
      folded = "'";
    } else if (QUOTES.test(char)) {
      folded = '"';
    } else {
      folded = char.normalize('NFD').replace(MARKS, '').toLowerCase();
    }
    for (const unit of folded) {
      text += unit;
      start.push(from);
      end.push(offset);
    }
  }
  return { text, start, end };
}

/** foldText's text alone, without the spans. */
export function foldString(original: string): string {
  return isPlain(original) ? original.toLowerCase() : foldText(original).text;
}

/** The original text behind folded characters [from, to). */
export function originalSpan(original: string, folded: FoldedText, from: number, to: number): string {
  const first = folded.start[from];
  const last = folded.end[to - 1];
  if (first === undefined || last === undefined) return '';
  return original.slice(first, last);
}

// Punctuation, symbols (emoji included), separators and format characters (zero-width joiners) around a message.
const SURROUNDING = /^[\s\p{P}\p{S}\p{Z}\p{Cf}]+|[\s\p{P}\p{S}\p{Z}\p{Cf}]+$/gu;

/** Folds and trims the whole message of surrounding punctuation and emoji: the unit a keyword must fill. */
export function foldWholeMessage(original: string): string {
  return foldString(original).replace(SURROUNDING, '');
}
