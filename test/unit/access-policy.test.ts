import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../src/core/access/access-policy.js';
import { intakeMatterFilter, may, roleRules, visibleConversationFilter, visibleMatterFilter } from '../../src/core/access/access-policy.js';
import type { Role } from '../../src/core/access/viewer.js';

const viewer = (role: Role) => ({ userId: 'u1', firmId: 'f1', role });

// Who may do what, as the issue states it. The SQL itself is proven against PostgreSQL in access-matrix.test.ts.
describe('the role rules', () => {
  it.each([
    // role,        whole firm, triage, intake, users
    ['admin', true, true, true, true],
    ['supervisor', true, true, false, false],
    ['lawyer', false, false, false, false],
    ['staff', false, true, true, false],
  ] as const)('%s: sees the whole firm %s, triage %s, manages intake %s, administers users %s', (role, wholeFirm, triage, intake, users) => {
    expect(roleRules[role]).toEqual({ seesWholeFirm: wholeFirm, seesTriage: triage, managesIntake: intake, administersUsers: users });
    const capabilities: [Capability, boolean][] = [
      ['managesIntake', intake],
      ['administersUsers', users],
    ];
    for (const [capability, expected] of capabilities) expect(may(viewer(role), capability)).toBe(expected);
  });

  it.each(['admin', 'supervisor', 'lawyer', 'staff'] as const)('%s: every filter is bound to the firm and checks walls', (role) => {
    const matter = visibleMatterFilter(viewer(role), 'm', 4);
    expect(matter.params).toEqual(['f1', 'u1']);
    expect(matter.sql).toContain('m."firmId" = $4');
    expect(matter.sql).toMatch(/NOT EXISTS \(SELECT 1 FROM "EthicalWall" ew WHERE ew."matterId" = m.id AND ew."userId" = \$5::text\)/);
    expect(matter.sql.includes('"MatterMember"')).toBe(!roleRules[role].seesWholeFirm);
    const conversation = visibleConversationFilter(viewer(role), 'c', 2);
    expect(conversation.sql).toContain('c."firmId" = $2');
    expect(conversation.sql.includes('c."matterId" IS NULL')).toBe(roleRules[role].seesTriage);
    const intake = intakeMatterFilter(viewer(role), 'm', 1);
    expect(intake.sql === 'FALSE').toBe(!roleRules[role].managesIntake);
  });
});

describe('authorization in one place', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : name.endsWith('.ts') ? [full] : [];
    });

  it('no query outside src/core/access reads the ethical walls', () => {
    const readers = files(path.join(root, 'src'))
      .filter((file) => !file.includes(`${path.sep}generated${path.sep}`) && !file.includes(`${path.sep}core${path.sep}access${path.sep}`))
      .filter((file) => /(FROM|JOIN)\s+"EthicalWall"/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(readers).toEqual([]);
  });
});
