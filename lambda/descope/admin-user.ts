/**
 * DescopeAuth.createAdminUser: invoked once by Terraform (aws_lambda_invocation) with `{userName, email,
 * userRole}`; creates the system admin in the Descope project (invited by Descope) unless a user with
 * that login id exists. Answers `{userName, created}`; a failure fails the apply with Descope's reason.
 * Env: DESCOPE_BASE_URL, DESCOPE_PROJECT_ID, DESCOPE_MANAGEMENT_KEY_SECRET_ARN, DESCOPE_INVITE.
 */
import * as z from 'zod/mini';
import { UserExistsError } from '../user-management/domain/user-store';
import { descope } from './domain/descope-api';
import { DescopeUserStore } from './domain/descope-user-store';

const input = z.object({
  userName: z.string().check(z.minLength(1), z.maxLength(128)),
  email: z.string().check(z.minLength(3)),
  userRole: z.string().check(z.minLength(1)),
});

export const handler = async (event: unknown): Promise<{ userName: string; created: boolean }> => {
  const a = z.parse(input, event);
  const store = new DescopeUserStore(descope, { invite: process.env.DESCOPE_INVITE !== 'false' });
  try {
    await store.create(a);
    return { userName: a.userName, created: true };
  } catch (e) {
    if (e instanceof UserExistsError) return { userName: a.userName, created: false };
    throw e;
  }
};
