import { describe, expect, it } from 'vitest';
import { abaValid, findSensitiveData, ibanValid, luhn } from '../../src/core/channel-rules/sensitive-data.js';

const kinds = (text: string, fileNames: string[] = []) => findSensitiveData({ text, fileNames }).map((f) => f.kind);

// Card numbers are the networks' published test numbers; IBANs the examples of ISO 13616 and the European banks'
// documentation; 021000021 is a real routing number (JPMorgan Chase, published on its checks).
describe('finding sensitive data before an insecure send', () => {
  it.each([
    ['Visa, spaced', 'My card is 4111 1111 1111 1111 exp 12/29', 'a Visa card number ending 1111'],
    ['Mastercard', 'use 5555555555554444 please', 'a Mastercard card number ending 4444'],
    ['Mastercard 2-series', '2223003122003222', 'a Mastercard card number ending 3222'],
    ['American Express, dashed', 'Amex 3782-822463-10005', 'a American Express card number ending 0005'],
    ['Discover', '6011 1111 1111 1117', 'a Discover card number ending 1117'],
  ])('finds a card number: %s', (_name, text, label) => {
    expect(findSensitiveData({ text })).toEqual([{ kind: 'card_number', label }]);
  });

  it.each([
    ['a Luhn-invalid number', 'ref 4111 1111 1111 1112'],
    ['a phone number', 'call me on +1 555 010 0001 or +34 600 100 003'],
    ['a long case number that passes Luhn but is no card', 'case 1234567812345670'],
    ['a date and amount', 'On 2026-11-02 I paid 1,250.00'],
  ])('does not take %s for a card', (_name, text) => {
    expect(kinds(text)).not.toContain('card_number');
  });

  it('finds Social Security numbers by their shape, or nine digits when named as one, never the numbers SSA does not issue', () => {
    expect(findSensitiveData({ text: 'SSN 123-45-6789' })).toEqual([{ kind: 'us_ssn', label: 'a Social Security number ending 6789' }]);
    expect(kinds('my social security is 123456789')).toEqual(['us_ssn']);
    expect(kinds('invoice 123456789')).toEqual([]);
    for (const never of ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000']) expect(kinds(never), never).toEqual([]);
    // A US phone number is 3-3-4, not 3-2-4.
    expect(kinds('555-010-0001')).toEqual([]);
  });

  it('finds passport numbers when named, in English and Spanish', () => {
    expect(findSensitiveData({ text: 'Passport no. 533380006' })).toEqual([{ kind: 'passport_number', label: 'a passport number ending 006' }]);
    expect(kinds('mi número de pasaporte: PAB123456')).toEqual(['passport_number']);
    expect(kinds('I lost my passport yesterday')).toEqual([]);
  });

  it('finds bank accounts: IBANs by their check digits, US routing and account numbers when named', () => {
    expect(findSensitiveData({ text: 'IBAN GB82 WEST 1234 5698 7654 32' })).toEqual([{ kind: 'bank_account', label: 'an IBAN ending 5432' }]);
    expect(kinds('DE89370400440532013000')).toEqual(['bank_account']);
    expect(kinds('GB82WEST12345698765433')).toEqual([]);
    expect(kinds('routing 021000021 account number 1234567890')).toEqual(['bank_account', 'bank_account']);
    expect(kinds('routing 021000022')).toEqual([]);
    expect(kinds('my account is the one ending in the contract')).toEqual([]);
  });

  it('finds identity documents among attached files by their names', () => {
    expect(findSensitiveData({ fileNames: ['Passport scan.pdf', 'photo.jpg', 'DNI_Maria.jpg', "driver's license.png", 'cédula.png'] }).map((f) => f.label)).toEqual([
      'an identity document (Passport scan.pdf)',
      'an identity document (DNI_Maria.jpg)',
      "an identity document (driver's license.png)",
      'an identity document (cédula.png)',
    ]);
    expect(kinds('', ['contract.pdf', 'dnipro-trip.jpg', 'candidate-list.xlsx'])).toEqual([]);
  });

  it('never repeats the secret in what it says', () => {
    const said = JSON.stringify(findSensitiveData({ text: '4111 1111 1111 1111 and 123-45-6789 and GB82 WEST 1234 5698 7654 32' }));
    expect(said).not.toMatch(/4111 1111|123-45|WEST 1234/);
  });

  it('checks with the published algorithms', () => {
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('79927398710')).toBe(false);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
    expect(ibanValid('FR1420041010050500013M02607')).toBe(false);
    expect(abaValid('011000015')).toBe(true);
    expect(abaValid('000000000')).toBe(false);
  });
});
