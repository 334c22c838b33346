import { describe, expect, it } from 'vitest';
import { classifyConsentKeyword, type ConsentKeyword } from '../../src/core/consent/classify-keyword.js';

const cases: [text: string, expected: ConsentKeyword | null][] = [
  ['YES', 'opt_in'],
  ['yes', 'opt_in'],
  ['Y', 'opt_in'],
  ['Sí', 'opt_in'],
  ['SI', 'opt_in'],
  ['sí.', 'opt_in'],
  ['¡Sí!', 'opt_in'],
  ['START', 'opt_in'],
  ['Unstop', 'opt_in'],
  ['yes please', null],
  ['Yes, I agree', null],
  ['si claro', null],
  ['opt in', null],
  ['STOP', 'opt_out'],
  ['STOP!', 'opt_out'],
  ['  stop. ', 'opt_out'],
  ['Stop\n', 'opt_out'],
  ['"Stop"', 'opt_out'],
  ['“STOP”', 'opt_out'],
  ['STOP 🛑', 'opt_out'],
  ['STOPALL', 'opt_out'],
  ['stop all', 'opt_out'],
  ['Unsubscribe', 'opt_out'],
  ['cancel', 'opt_out'],
  ['END', 'opt_out'],
  ['quit', 'opt_out'],
  ['Revoke', 'opt_out'],
  ['OPTOUT', 'opt_out'],
  ['Opt-out', 'opt_out'],
  ['opt out', 'opt_out'],
  ['OPT_OUT', 'opt_out'],
  ['¡BAJA!', 'opt_out'],
  ['Alto', 'opt_out'],
  ['parar', 'opt_out'],
  ['stop by the office tomorrow', null],
  ['Please stop', null],
  ['I need to stop', null],
  ['s t o p', null],
  ['HELP', 'help'],
  ['info?', 'help'],
  ['¿Ayuda?', 'help'],
  ['help me with my case', null],
  ['NO', null],
  ['', null],
  ['   ', null],
  ['👍', null],
  ['?!', null],
];

describe('classifyConsentKeyword', () => {
  it.each(cases)('%j -> %s', (text, expected) => {
    expect(classifyConsentKeyword(text)).toBe(expected);
  });
});
