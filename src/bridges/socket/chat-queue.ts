/**
 * Runs tasks of one chat one after another while different chats run in parallel: a platform's events of one
 * conversation must be captured in the order they happened (an edit after its message, a receipt after its send),
 * but one slow chat must not hold up the others.
 */
export class ChatQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues a task behind the chat's earlier ones; resolves or rejects with the task's own outcome. */
  run<T>(chat: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(chat) ?? Promise.resolve();
    const result = previous.then(task);
    // The chain continues whatever this task's outcome: one failure must not block the chat for good.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(chat, tail);
    void tail.then(() => {
      if (this.tails.get(chat) === tail) this.tails.delete(chat);
    });
    return result;
  }

  /** Resolves once every task queued so far has settled (for stop() and tests). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /** How many chats have work queued. */
  get busyChats(): number {
    return this.tails.size;
  }
}
