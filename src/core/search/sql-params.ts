/** Collects the parameters of a statement built in pieces and hands out their $n placeholders in order. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** The placeholder of a new parameter holding `value`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** The number the next placeholder will have (for filters that number their own, like access-policy's). */
  get next(): number {
    return this.values.length + 1;
  }

  /** Takes in parameters a filter numbered from `next`. */
  addAll(values: readonly unknown[]): void {
    this.values.push(...values);
  }
}
