import { describe, expect, it } from 'vitest';
import type { ExportEntry } from '../../src/core/time/render-time-export.js';
import { renderTimeExport } from '../../src/core/time/render-time-export.js';

const entry = (overrides: Partial<ExportEntry>): ExportEntry => ({
  id: 'e1',
  date: '2026-01-14',
  tenths: 2,
  rateCents: 30000,
  billable: true,
  narrative: 'WhatsApp with client re Avery: 2 messages sent',
  taskCode: 'L120',
  activityCode: 'A106',
  startedAt: new Date('2026-01-14T15:00:00Z'),
  activityCount: 2,
  userId: '0193a0c4-7d3e-7c4e-9a1b-1234567890ab',
  userName: 'Laura Lawyer',
  timekeeperId: 'TK003',
  classification: 'PARTNR',
  role: 'lawyer',
  matterId: 'm1',
  matterNumber: 'M-0001',
  matterTitle: 'Avery v. Northwind',
  clientId: '0193a0c4-0000-7000-8000-00000000abcd',
  clientNumber: 'C00042',
  clientName: 'Alice Avery',
  ...overrides,
});

const options = { sequence: 7, invoiceDate: '2026-02-01', from: '2026-01-01', to: '2026-01-31', lawFirmId: 'DEMO' };

describe('rendering an export', () => {
  const entries = [
    entry({ id: 'e3', matterId: 'm3', matterNumber: 'PB-1', matterTitle: 'Pro bono', billable: false, date: '2026-01-10' }),
    entry({ id: 'e2', date: '2026-01-20', tenths: 1 }),
    entry({ id: 'e1' }),
    entry({ id: 'e4', matterId: 'm2', matterNumber: 'M-0002', userName: 'Leo Lawyer', timekeeperId: null, userId: '0193a0c4-1111-7000-8000-0000000000ff' }),
  ];
  const { ledes, csv } = renderTimeExport({ ...options, entries });
  const lines = ledes.split('\r\n').slice(2, -1).map((line) => line.slice(0, -2).split('|'));

  it('puts no line of a non-billable matter in the LEDES file, but every entry in the CSV', () => {
    expect(lines.map((fields) => [fields[1], fields[3], fields[8], fields[13]])).toEqual([
      ['TE000007001', 'M-0001', '1', '20260114'],
      ['TE000007001', 'M-0001', '2', '20260120'],
      ['TE000007002', 'M-0002', '1', '20260114'],
    ]);
    expect(ledes).not.toContain('PB-1');
    const csvLines = csv.split('\r\n');
    expect(csvLines[0]).toBe('invoice_number,entry_id,date,client,matter_number,matter_title,timekeeper_id,timekeeper_name,classification,hours,rate,amount,billable,task_code,activity_code,narrative,activities');
    // One record per line here (no narrative has a line break); quoted fields may hold commas.
    const fields = (line: string) => {
      const out = [''];
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const char = line[i]!;
        if (quoted && char === '"' && line[i + 1] === '"') out[out.length - 1] += line[++i]!;
        else if (char === '"') quoted = !quoted;
        else if (char === ',' && !quoted) out.push('');
        else out[out.length - 1] += char;
      }
      return out;
    };
    expect(csvLines.slice(1, -1).map((line) => fields(line)).map((row) => [...row.slice(0, 2), ...row.slice(9, 13)])).toEqual([
      ['TE000007001', 'e1', '0.2', '300.00', '60.00', 'true'],
      ['TE000007001', 'e2', '0.1', '300.00', '30.00', 'true'],
      ['TE000007002', 'e4', '0.2', '300.00', '60.00', 'true'],
      ['', 'e3', '0.2', '300.00', '0.00', 'false'],
    ]);
  });

  it('gives each matter one invoice whose total is the sum of its lines, the firm\'s client number, and an id for a missing timekeeper code', () => {
    expect(lines.filter((fields) => fields[1] === 'TE000007001').map((fields) => fields[4])).toEqual(['90.00', '90.00']);
    expect(lines[2]![2]).toBe('C00042');
    expect(lines[2]![17]).toBe('0193A0C4111170008000');
    expect(lines[2]![21]).toBe('Lawyer, Leo');
  });

  it('is the same text for the same entries in any order', () => {
    expect(renderTimeExport({ ...options, entries: [...entries].reverse() })).toEqual({ ledes, csv });
  });
});
