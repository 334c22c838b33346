import { describe, expect, it } from 'vitest';
import { guessLanguage } from '../../src/core/consent/guess-language.js';

// Each text is guessed twice, with either fallback: 'fallback' means the answer is whichever fallback was given.
const cases: [text: string, expected: 'en' | 'es' | 'fallback'][] = [
  ['Hola', 'es'],
  ['¿Cuándo es mi cita?', 'es'],
  ['Hi, when is my hearing?', 'en'],
  ['Sí', 'es'],
  ['Yes', 'en'],
  ['Gracias', 'es'],
  ['Thanks!', 'en'],
  ['Buenas', 'es'],
  ['Hello', 'en'],
  ['Please call me', 'en'],
  ['Por favor llámeme', 'es'],
  ['mañana?', 'es'],
  ['Buenos días, necesito hablar con mi abogado', 'es'],
  ['I need to talk to my lawyer', 'en'],
  ['Tengo una pregunta', 'es'],
  ['I have a question', 'en'],
  ['When can I see my son?', 'en'],
  ['Hola, when is my hearing?', 'en'],
  ['', 'fallback'],
  ['   ', 'fallback'],
  ['ok', 'fallback'],
  ['No', 'fallback'],
  ['Maria', 'fallback'],
  ['12345', 'fallback'],
  ['👍', 'fallback'],
];

describe('guessLanguage', () => {
  it.each(cases)('%j -> %s', (text, expected) => {
    expect(guessLanguage(text, 'en')).toBe(expected === 'fallback' ? 'en' : expected);
    expect(guessLanguage(text, 'es')).toBe(expected === 'fallback' ? 'es' : expected);
  });
});
