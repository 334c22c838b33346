// The signed-in person, as GET /api/auth/session told it.
import { setCsrfToken } from './api.js';

/** @typedef {{id: string, email: string, name: string, role: 'admin'|'supervisor'|'lawyer'|'staff'}} User */

/** @type {User | null} */
let user = null;

export const currentUser = () => user;

/** @param {User | null} signedIn @param {string} [token] */
export function setSession(signedIn, token = '') {
  user = signedIn;
  setCsrfToken(signedIn ? token : '');
}

/** Staff and admins file conversations under matters. @param {User} u */
export const canTriage = (u) => u.role === 'staff' || u.role === 'admin';

/** Supervisors and admins may block a contact. @param {User} u */
export const canBlock = (u) => u.role === 'supervisor' || u.role === 'admin';
