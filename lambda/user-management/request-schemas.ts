/** What the /users routes accept: bodies, path and query, checked at the edge (a 400 naming the field). */
import * as z from 'zod/mini';
import { nextTokenQuery } from '../shared/http';

const userName = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, 'no whitespace allowed'));
const email = z.string().check(z.maxLength(256), z.regex(/^[^\s@]+@[^\s@]+$/, 'not an email address'));
const role = z.string().check(z.minLength(1), z.maxLength(256));

export const createUserBody = z.object({ userName, email, userRole: role });
export const updateUserBody = z.object({ email: z.optional(email), userRole: z.optional(role) });
export const userPath = z.object({ userId: userName });
/** Cognito's ListUsers caps a page at 60. */
export const userListQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(60)), 10),
  next_token: nextTokenQuery, // empty = first page (SBT's CLI always sends `next_token=`)
});
