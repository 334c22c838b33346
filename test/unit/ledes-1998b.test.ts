import { describe, expect, it } from 'vitest';
import type { LedesFile } from '../../src/core/time/ledes-1998b.js';
import { ledesFieldNames, ledesText, lineTotalCents, timekeeperName, writeLedes1998b } from '../../src/core/time/ledes-1998b.js';
import { csvField, spreadsheetText, writeCsv } from '../../src/core/time/write-csv.js';

const headerLine =
  'INVOICE_DATE|INVOICE_NUMBER|CLIENT_ID|LAW_FIRM_MATTER_ID|INVOICE_TOTAL|BILLING_START_DATE|BILLING_END_DATE|INVOICE_DESCRIPTION|' +
  'LINE_ITEM_NUMBER|EXP/FEE/INV_ADJ_TYPE|LINE_ITEM_NUMBER_OF_UNITS|LINE_ITEM_ADJUSTMENT_AMOUNT|LINE_ITEM_TOTAL|LINE_ITEM_DATE|' +
  'LINE_ITEM_TASK_CODE|LINE_ITEM_EXPENSE_CODE|LINE_ITEM_ACTIVITY_CODE|TIMEKEEPER_ID|LINE_ITEM_DESCRIPTION|LAW_FIRM_ID|' +
  'LINE_ITEM_UNIT_COST|TIMEKEEPER_NAME|TIMEKEEPER_CLASSIFICATION|CLIENT_MATTER_ID[]';

/** A reader written from the format, not from the writer: records end in "[]", fields split on "|". */
function parseLedes(content: string): { format: string; header: string[]; rows: Record<string, string>[] } {
  expect(content.endsWith('[]\r\n')).toBe(true);
  const lines = content.slice(0, -2).split('\r\n');
  for (const line of lines) expect(line.endsWith('[]')).toBe(true);
  const records = lines.map((line) => line.slice(0, -2));
  const [format, header, ...body] = records;
  const names = header!.split('|');
  const rows = body.map((record) => {
    const values = record.split('|');
    expect(values).toHaveLength(24);
    return Object.fromEntries(names.map((name, index) => [name, values[index]!]));
  });
  return { format: format!, header: names, rows };
}

const file: LedesFile = {
  invoiceDate: '2026-02-02',
  billingStartDate: '2026-01-01',
  billingEndDate: '2026-01-31',
  lawFirmId: '12-3456789',
  invoices: [
    {
      invoiceNumber: 'TE000001001',
      clientId: 'ACME',
      lawFirmMatterId: 'M-0001',
      clientMatterId: null,
      description: 'Messaging | client communications [January]',
      lines: [
        {
          date: '2026-01-14',
          tenths: 2,
          rateCents: 30000,
          taskCode: 'L120',
          activityCode: 'A106',
          timekeeperId: 'TK003',
          timekeeperName: 'Laura Lawyer',
          timekeeperClassification: 'PARTNR',
          description: 'WhatsApp with client re García — reclamación: 7 messages sent | 9 read []\r\nsecond line',
        },
        {
          date: '2026-01-15',
          tenths: 1,
          rateCents: 33333,
          taskCode: 'L120',
          activityCode: 'A106',
          timekeeperId: 'TK003',
          timekeeperName: 'Laura Lawyer',
          timekeeperClassification: 'PARTNR',
          description: 'Signal with client re M-0001: 1 message sent',
        },
      ],
    },
    {
      invoiceNumber: 'TE000001002',
      clientId: 'BRENNAN',
      lawFirmMatterId: 'M-0002',
      clientMatterId: 'CM-77',
      description: 'Messaging',
      lines: [
        {
          date: '2026-01-20',
          tenths: 15,
          rateCents: 12050,
          taskCode: null,
          activityCode: 'A106',
          timekeeperId: 'TK004',
          timekeeperName: 'Leo',
          timekeeperClassification: 'PARLEG',
          description: 'SMS with client re tenancy: 3 messages read',
        },
      ],
    },
  ],
};

describe('LEDES 1998B', () => {
  const content = writeLedes1998b(file);
  const parsed = parseLedes(content);

  it('starts with the format line and the 24 field names, each record ended by []', () => {
    const lines = content.split('\r\n');
    expect(lines[0]).toBe('LEDES1998B[]');
    expect(lines[1]).toBe(headerLine);
    expect(parsed.header).toEqual([...ledesFieldNames]);
    expect(parsed.rows).toHaveLength(3);
    expect(lines.at(-1)).toBe('');
    expect(content).toMatch(/^[\x20-\x7e\r\n]*$/);
  });

  it('writes every field of a fee line as the format wants it', () => {
    expect(parsed.rows[0]).toEqual({
      INVOICE_DATE: '20260202',
      INVOICE_NUMBER: 'TE000001001',
      CLIENT_ID: 'ACME',
      LAW_FIRM_MATTER_ID: 'M-0001',
      INVOICE_TOTAL: '93.33',
      BILLING_START_DATE: '20260101',
      BILLING_END_DATE: '20260131',
      INVOICE_DESCRIPTION: 'Messaging / client communications (January)',
      LINE_ITEM_NUMBER: '1',
      'EXP/FEE/INV_ADJ_TYPE': 'F',
      LINE_ITEM_NUMBER_OF_UNITS: '0.2',
      LINE_ITEM_ADJUSTMENT_AMOUNT: '0.00',
      LINE_ITEM_TOTAL: '60.00',
      LINE_ITEM_DATE: '20260114',
      LINE_ITEM_TASK_CODE: 'L120',
      LINE_ITEM_EXPENSE_CODE: '',
      LINE_ITEM_ACTIVITY_CODE: 'A106',
      TIMEKEEPER_ID: 'TK003',
      LINE_ITEM_DESCRIPTION: 'WhatsApp with client re Garcia - reclamacion: 7 messages sent / 9 read () second line',
      LAW_FIRM_ID: '12-3456789',
      LINE_ITEM_UNIT_COST: '300.00',
      TIMEKEEPER_NAME: 'Lawyer, Laura',
      TIMEKEEPER_CLASSIFICATION: 'PARTNR',
      CLIENT_MATTER_ID: '',
    });
    expect(parsed.rows[1]).toMatchObject({ LINE_ITEM_NUMBER: '2', LINE_ITEM_NUMBER_OF_UNITS: '0.1', LINE_ITEM_UNIT_COST: '333.33', LINE_ITEM_TOTAL: '33.33' });
    expect(parsed.rows[2]).toMatchObject({
      INVOICE_NUMBER: 'TE000001002',
      LINE_ITEM_NUMBER: '1',
      LINE_ITEM_NUMBER_OF_UNITS: '1.5',
      LINE_ITEM_TOTAL: '180.75',
      INVOICE_TOTAL: '180.75',
      LINE_ITEM_TASK_CODE: '',
      TIMEKEEPER_NAME: 'Leo',
      CLIENT_MATTER_ID: 'CM-77',
    });
  });

  it('has totals that add up: each line is units x cost, each invoice the sum of its lines', () => {
    const cents = (value: string) => {
      expect(value).toMatch(/^-?\d+\.\d{2}$/);
      return Math.round(Number(value) * 100);
    };
    const byInvoice = new Map<string, Record<string, string>[]>();
    for (const row of parsed.rows) byInvoice.set(row.INVOICE_NUMBER!, [...(byInvoice.get(row.INVOICE_NUMBER!) ?? []), row]);
    expect(byInvoice.size).toBe(2);
    for (const rows of byInvoice.values()) {
      const sum = rows.reduce((total, row) => total + cents(row.LINE_ITEM_TOTAL!), 0);
      for (const row of rows) {
        expect(cents(row.INVOICE_TOTAL!)).toBe(sum);
        expect(Math.abs(Number(row.LINE_ITEM_NUMBER_OF_UNITS) * Number(row.LINE_ITEM_UNIT_COST) - Number(row.LINE_ITEM_TOTAL))).toBeLessThan(0.005);
        expect(row.LINE_ITEM_DATE).toMatch(/^\d{8}$/);
      }
    }
  });

  it('writes only the two header lines when there is nothing to bill', () => {
    expect(writeLedes1998b({ ...file, invoices: [] })).toBe(`LEDES1998B[]\r\n${headerLine}\r\n`);
  });

  it('refuses identifiers the format cannot hold rather than cutting them short', () => {
    const long = { ...file, invoices: [{ ...file.invoices[0]!, lawFirmMatterId: 'M-2026-LITIGATION-000123' }] };
    expect(() => writeLedes1998b(long)).toThrow(/LAW_FIRM_MATTER_ID allows 20 characters/);
    expect(() => writeLedes1998b({ ...file, lawFirmId: '' })).toThrow(/LAW_FIRM_ID is required/);
  });

  it.each([
    { input: 'a|b', output: 'a/b' },
    { input: 'end[]of record', output: 'end()of record' },
    { input: 'line\none\r\ntwo\tthree', output: 'line one two three' },
    { input: 'María “quoted” – ok…', output: 'Maria "quoted" - ok...' },
    { input: 'emoji 👍 here', output: 'emoji ? here' },
  ])('cleans $input', ({ input, output }) => {
    expect(ledesText(input, 100)).toBe(output);
  });

  it.each([
    { name: 'Laura Lawyer', expected: 'Lawyer, Laura' },
    { name: 'Ana María  de la Cruz', expected: 'Cruz, Ana María de la' },
    { name: 'Lawyer, Laura', expected: 'Lawyer, Laura' },
    { name: 'Cher', expected: 'Cher' },
  ])('timekeeper $name is "$expected"', ({ name, expected }) => {
    expect(timekeeperName(name)).toBe(expected);
  });

  it.each([
    { tenths: 1, rateCents: 30000, cents: 3000 },
    { tenths: 1, rateCents: 33333, cents: 3333 },
    { tenths: 1, rateCents: 33335, cents: 3334 },
    { tenths: 15, rateCents: 12050, cents: 18075 },
  ])('$tenths tenths at $rateCents cents is $cents cents', ({ tenths, rateCents, cents }) => {
    expect(lineTotalCents(tenths, rateCents)).toBe(cents);
  });
});

describe('CSV (RFC 4180)', () => {
  it.each([
    { value: 'plain', field: 'plain' },
    { value: 'a,b', field: '"a,b"' },
    { value: 'say "hi"', field: '"say ""hi"""' },
    { value: 'two\r\nlines', field: '"two\r\nlines"' },
    { value: ' padded', field: '" padded"' },
    { value: null, field: '' },
    { value: 0.2, field: '0.2' },
    { value: false, field: 'false' },
  ])('$value -> $field', ({ value, field }) => {
    expect(csvField(value)).toBe(field);
  });

  it('ends every record with CRLF and keeps formulas out of spreadsheets', () => {
    expect(writeCsv(['a', 'b'], [[1, spreadsheetText('=HYPERLINK("x")')], [2, spreadsheetText('fine')]])).toBe('a,b\r\n1,"\'=HYPERLINK(""x"")"\r\n2,fine\r\n');
    for (const start of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '\n=1', ';=1', ' =cmd', '  @x']) {
      expect(spreadsheetText(start), JSON.stringify(start)).toBe(`'${start}`);
    }
    for (const fine of ['fine', 'a=b', 'Call me; later', 'e-mail', '']) expect(spreadsheetText(fine)).toBe(fine);
  });
});
