import { announce } from './announce.js';
import { describeError } from './api.js';

/**
 * A person's action with the API: clears the last error, runs, says what happened to screen readers, then reloads
 * what the page shows; an error is put in words where the page shows errors.
 */
export function actionRunner(setError: (text: string) => void, after: () => unknown) {
  return async (action: () => Promise<unknown>, said: string): Promise<void> => {
    setError('');
    try {
      await action();
      announce(said);
      await after();
    } catch (caught) {
      setError(describeError(caught));
    }
  };
}
