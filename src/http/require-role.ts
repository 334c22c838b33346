import type { Viewer } from '../core/access/viewer.js';
import { AppError } from '../core/errors.js';

/** 403 unless the signed-in person has one of the roles. */
export function requireRole(viewer: Viewer, roles: readonly Viewer['role'][]): void {
  if (!roles.includes(viewer.role)) {
    throw new AppError('forbidden', `this needs the ${roles.join(' or ')} role`, { role: viewer.role });
  }
}
