import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldString, foldText, foldWholeMessage } from '../../src/core/consent/fold-text.js';

// Plain ASCII takes a short way through foldText; a non-ASCII letter appended forces the character-by-character way,
// which must fold the same prefix to the same text and spans.
describe('foldText', () => {
  const characters = fc.constantFrom(...'aZ09 .,!?\'"`-_\t\n~@'.split(''), '  ', 'É', 'ñ', '’', '“', '🛑', '\u00a0');

  it('folds plain ASCII exactly as the character-by-character way does', () => {
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const general = foldText(`${text}é`);
        const folded = foldText(text);
        expect(folded.text).toBe(general.text.slice(0, -1));
        expect(folded.start).toEqual(general.start.slice(0, -1));
        expect(folded.end).toEqual(general.end.slice(0, -1));
        expect(foldString(text)).toBe(folded.text);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['Please STOP texting me', 'please stop texting me'],
    ['Don`t  text\tme', "don't text me"],
    ['Sí, GRACIAS', 'si, gracias'],
    ['“Stop”', '"stop"'],
  ])('folds %j to %j', (text, expected) => {
    expect(foldText(text).text).toBe(expected);
    expect(foldString(text)).toBe(expected);
  });

  it('trims what surrounds a whole message, on both ways', () => {
    expect(foldWholeMessage('  STOP!!! ')).toBe('stop');
    expect(foldWholeMessage('🛑 Stop 🛑')).toBe('stop');
  });
});
