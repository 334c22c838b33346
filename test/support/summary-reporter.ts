import type { SerializedError } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, "N passed, N failed, N skipped", that any CI can read. A file or suite whose
 * setup failed (a beforeAll that threw, an import that broke) counts as one failure even though vitest reports its
 * tests as skipped, and so does an error outside any test: the line never says "0 failed" when vitest exits 1.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // Hooks and setup: the module's own errors and those of its suites, when no test carries the failure.
      const suiteErrors = [...module.children.allSuites()].filter((suite) => suite.state() === 'failed' && suite.errors().length > 0).length;
      const setupFailures = module.errors().length + suiteErrors;
      if (failedHere === 0 && (module.state() === 'failed' || setupFailures > 0)) failedHere = Math.max(1, setupFailures);
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
