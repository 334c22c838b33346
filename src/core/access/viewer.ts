export type Role = 'admin' | 'supervisor' | 'lawyer' | 'staff';

/** The signed-in person as authorization sees them. */
export interface Viewer {
  userId: string;
  firmId: string;
  role: Role;
}
