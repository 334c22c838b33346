import { v7 } from 'uuid';

/** A time-ordered UUID (v7), the same form Prisma's uuid(7) default gives, for rows written with plain SQL. */
export const newId = (): string => v7();
