import type { Role, Viewer } from './viewer.js';

// Authorization lives in this file, and only here: which roles may do what, and which matters and conversations a
// person may see. Endpoints ask these functions; none of them decides on its own.

interface RoleRule {
  /** Sees every matter of the firm (ethical walls still apply). */
  seesWholeFirm: boolean;
  /** Sees conversations not yet filed under a matter. */
  seesTriage: boolean;
  /** Creates clients and matters and files conversations under them. */
  managesIntake: boolean;
  /** Invites, disables and resets users. */
  administersUsers: boolean;
}

export const roleRules: Readonly<Record<Role, RoleRule>> = {
  admin: { seesWholeFirm: true, seesTriage: true, managesIntake: true, administersUsers: true },
  supervisor: { seesWholeFirm: true, seesTriage: true, managesIntake: false, administersUsers: false },
  lawyer: { seesWholeFirm: false, seesTriage: false, managesIntake: false, administersUsers: false },
  staff: { seesWholeFirm: false, seesTriage: true, managesIntake: true, administersUsers: false },
};

export type Capability = 'managesIntake' | 'administersUsers';

export const may = (viewer: Viewer, capability: Capability): boolean => roleRules[viewer.role][capability];

/** A piece of SQL for a WHERE clause and the parameters it refers to, numbered from the caller's offset. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
}

/**
 * The matters a viewer may see, as a condition on a "Matter" row aliased `alias`: of the viewer's firm; not behind
 * an ethical wall that names them (a wall beats every role); and either the role sees the whole firm or the viewer
 * is a member of the matter. `firstParam` is the number of the first $n placeholder this filter may use.
 */
export function visibleMatterFilter(viewer: Viewer, alias: string, firstParam: number): SqlFilter {
  const firm = `$${firstParam}`;
  const user = `$${firstParam + 1}::text`;
  const rule = roleRules[viewer.role];
  const membership = rule.seesWholeFirm
    ? 'TRUE'
    : `EXISTS (SELECT 1 FROM "MatterMember" mm WHERE mm."matterId" = ${alias}.id AND mm."userId" = ${user})`;
  return {
    sql: `(${alias}."firmId" = ${firm}
      AND NOT EXISTS (SELECT 1 FROM "EthicalWall" ew WHERE ew."matterId" = ${alias}.id AND ew."userId" = ${user})
      AND ${membership})`,
    params: [viewer.firmId, viewer.userId],
  };
}

/**
 * The conversations a viewer may see, as a condition on a "Conversation" row aliased `alias`: those of a matter the
 * viewer may see (the matter's firm checked again, so a mis-filed row cannot cross firms), and, for roles that
 * triage, those under no matter yet.
 */
export function visibleConversationFilter(viewer: Viewer, alias: string, firstParam: number): SqlFilter {
  const matter = visibleMatterFilter(viewer, 'vm', firstParam);
  const triage = roleRules[viewer.role].seesTriage ? `${alias}."matterId" IS NULL` : 'FALSE';
  return {
    sql: `(${alias}."firmId" = $${firstParam}
      AND (${triage}
        OR EXISTS (SELECT 1 FROM "Matter" vm WHERE vm.id = ${alias}."matterId" AND ${matter.sql})))`,
    params: matter.params,
  };
}

/** The clients a viewer may see: those with a matter the viewer may see, and, for intake roles, those with none yet. */
export function visibleClientFilter(viewer: Viewer, alias: string, firstParam: number): SqlFilter {
  const matter = visibleMatterFilter(viewer, 'vm', firstParam);
  const withoutMatters = may(viewer, 'managesIntake') || roleRules[viewer.role].seesWholeFirm
    ? `NOT EXISTS (SELECT 1 FROM "Matter" any_m WHERE any_m."clientId" = ${alias}.id)`
    : 'FALSE';
  return {
    sql: `(${alias}."firmId" = $${firstParam}
      AND (${withoutMatters}
        OR EXISTS (SELECT 1 FROM "Matter" vm WHERE vm."clientId" = ${alias}.id AND ${matter.sql})))`,
    params: matter.params,
  };
}

/**
 * The matters an intake role may file a conversation under or attach work to: any matter of the firm the viewer is
 * not walled from. Wider than visibleMatterFilter on purpose: staff file triage into matters they are not members of.
 */
export function intakeMatterFilter(viewer: Viewer, alias: string, firstParam: number): SqlFilter {
  if (!may(viewer, 'managesIntake')) return { sql: 'FALSE', params: [] };
  return {
    sql: `(${alias}."firmId" = $${firstParam}
      AND NOT EXISTS (SELECT 1 FROM "EthicalWall" ew WHERE ew."matterId" = ${alias}.id AND ew."userId" = $${firstParam + 1}::text))`,
    params: [viewer.firmId, viewer.userId],
  };
}

/**
 * The users (alias `userAlias`) whom no ethical wall keeps from the matter whose id is parameter `matterParam`: who a
 * conversation of that matter may be assigned to, among its members.
 */
export function notWalledFromMatter(userAlias: string, matterParam: number): string {
  return `NOT EXISTS (SELECT 1 FROM "EthicalWall" ew WHERE ew."matterId" = $${matterParam} AND ew."userId" = ${userAlias}.id)`;
}
