import { hash } from '@node-rs/argon2';
import type pg from 'pg';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.js';
import { issueResetToken } from '../auth/issue-reset-token.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { firmBySlug } from './firm-by-slug.js';

export const createUserSchema = z
  .object({
    firm: z.string().min(1),
    email: z.email().max(320).transform((email) => email.toLowerCase()),
    name: z.string().trim().min(1).max(200),
    role: z.enum(['admin', 'supervisor', 'lawyer', 'staff']),
    password: z.string().min(12, 'at least 12 characters').max(1024).optional(),
  })
  .strict();
export type CreateUserInput = z.infer<typeof createUserSchema>;

/**
 * A user of a firm, made by the operator (the first admin of a new firm, typically). With a password it is set
 * (argon2id); without one a one-time token is returned for POST /api/auth/password-reset. Audited as the CLI.
 */
export async function createUser(pool: pg.Pool, input: CreateUserInput): Promise<{ id: string; resetToken?: string; resetTokenExpiresAt?: Date }> {
  const passwordHash = input.password ? await hash(input.password) : null;
  return withTransaction(pool, async (client) => {
    const firm = await firmBySlug(client, input.firm);
    const id = newId();
    const inserted = await client.query(
      `INSERT INTO "User" (id, "firmId", email, name, role, "passwordHash") VALUES ($1, $2, $3, $4, $5::"Role", $6) ON CONFLICT (email) DO NOTHING`,
      [id, firm.id, input.email, input.name, input.role, passwordHash],
    );
    if (inserted.rowCount !== 1) throw new AppError('conflict', `a user with the email ${input.email} exists already`, { field: 'email' });
    const token = passwordHash ? undefined : await issueResetToken(client, id);
    await recordAudit(client, { firmId: firm.id, actorKind: 'cli', action: 'user.created', subjectType: 'user', subjectId: id, details: { email: input.email, role: input.role } });
    return { id, ...(token ? { resetToken: token.resetToken, resetTokenExpiresAt: token.expiresAt } : {}) };
  });
}
