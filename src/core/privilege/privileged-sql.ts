/**
 * SQL that holds when the message (alias `message`) of the conversation (alias `conversation`) is privileged: a
 * standing mark names the message, or its whole conversation. For `EXISTS (...)` and `NOT EXISTS (...)`.
 */
export const privilegedSql = (message: string, conversation: string): string =>
  `SELECT 1 FROM "PrivilegeMark" pm WHERE pm."removedAt" IS NULL
      AND (pm."messageId" = ${message}.id OR (pm."messageId" IS NULL AND pm."conversationId" = ${conversation}.id))`;
