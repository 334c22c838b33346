// The From / To / By fields of a report's form (time, file review): days as YYYY-MM-DD and how rows are grouped.
export interface DateRange {
  from: string;
  to: string;
  by: string;
}

export function DateRangeFields({ range, onRange, by }: { range: DateRange; onRange: (range: DateRange) => void; by: [value: string, label: string][] }) {
  return (
    <>
      <label>
        From <input type="date" name="from" required value={range.from} onInput={(e) => onRange({ ...range, from: e.currentTarget.value })} />
      </label>
      <label>
        To <input type="date" name="to" required value={range.to} onInput={(e) => onRange({ ...range, to: e.currentTarget.value })} />
      </label>
      <label>
        By{' '}
        <select name="by" value={range.by} onChange={(e) => onRange({ ...range, by: e.currentTarget.value })}>
          {by.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
