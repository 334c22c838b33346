import { describe, expect, it } from 'vitest';
import { resolveDateRange } from '../../src/core/search/date-range.js';
import { containsPattern, hitEnd, hitStart, partialSnippet, phoneDigits, snippetHtml } from '../../src/core/search/search-text.js';

describe('search text', () => {
  it.each([
    ['+34 600-100', '34600100'],
    ['0100003', '0100003'],
    ['(555) 010', '555010'],
    ['12', null],
    ['settlement', null],
    ['600 abc', null],
  ])('phoneDigits(%j) is %j', (query, digits) => {
    expect(phoneDigits(query)).toBe(digits);
  });

  it.each([
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
    ['plain', '%plain%'],
  ])('containsPattern(%j) takes LIKE wildcards literally', (query, pattern) => {
    expect(containsPattern(query)).toBe(pattern);
  });

  it.each([
    [`the ${hitStart}offer${hitEnd} & <b>`, 'the <mark>offer</mark> &amp; &lt;b&gt;'],
    [`${hitStart}one${hitEnd} ${hitStart}two${hitEnd}`, '<mark>one</mark> <mark>two</mark>'],
    [`unclosed ${hitStart}hit`, 'unclosed <mark>hit</mark>'],
    [`stray ${hitEnd}end`, 'stray end'],
    [`"quoted" 'single'`, '&quot;quoted&quot; &#39;single&#39;'],
  ])('snippetHtml(%j) is escaped HTML with <mark>', (marked, html) => {
    expect(snippetHtml(marked)).toBe(html);
  });

  it('marks a partial word case-insensitively, with context either side', () => {
    const text = `${'x'.repeat(100)} Northwind Motors ${'y'.repeat(100)}`;
    const snippet = partialSnippet(text, 'northw', 10);
    expect(snippet).toBe(`…${'x'.repeat(9)} ${hitStart}Northw${hitEnd}ind Motors…`);
    expect(partialSnippet('short text', 'absent')).toBe('short text');
  });

  it('reads bare dates as days of the firm calendar, with `to` including its day', () => {
    const range = resolveDateRange({ from: '2026-03-01', to: '2026-03-31' }, 'America/New_York');
    expect(range.from?.toISOString()).toBe('2026-03-01T05:00:00.000Z');
    // After the DST change of 8 March: midnight of 1 April is 04:00 UTC.
    expect(range.to?.toISOString()).toBe('2026-04-01T04:00:00.000Z');
    expect(resolveDateRange({ from: '2026-03-01T12:00:00Z' }, 'Europe/Madrid').from?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(() => resolveDateRange({ from: '2026-03-02', to: '2026-03-01' }, 'UTC')).toThrow(/after from/);
    expect(() => resolveDateRange({ from: '2026-13-01' }, 'UTC')).toThrow(/not a date/);
  });
});
