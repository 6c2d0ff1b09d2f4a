/**
 * The user-store seam: what the /users routes need from wherever users live. `CognitoUserStore` is the
 * deployed default (CognitoAuth); `DynamoUserStore` backs external IdPs (OidcAuth: users are recorded in
 * the control plane, the IdP owns sign-in) and runs against DynamoDB Local in tests.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../shared/domain-errors';

export interface UserInfo {
  userName: string;
  email?: string;
  userRole?: string;
  /** Cognito-style status, e.g. FORCE_CHANGE_PASSWORD, CONFIRMED (RECORDED for the DynamoDB store). */
  status?: string;
  enabled: boolean;
  created?: string;
  modified?: string;
}

export interface NewUser {
  userName: string;
  email: string;
  userRole: string;
}

export interface UserPatch {
  email?: string;
  userRole?: string;
}

export class UserExistsError extends ConflictError {
  constructor(readonly userName: string) {
    super(`User ${userName} already exists`, { field: 'userName' });
  }
}
export class UserNotFoundError extends NotFoundError {
  constructor(readonly userName: string) {
    super(`User not found for id ${userName}`);
  }
}
/** The store refused a value (e.g. Cognito's InvalidParameterException): the client's input. */
export class InvalidUserInputError extends ValidationError {
  constructor(readonly reason: string) {
    super(`Invalid request: ${reason}`);
  }
}

export interface UserStore {
  create(user: NewUser): Promise<UserInfo>;
  list(limit: number, nextToken?: string): Promise<{ users: UserInfo[]; nextToken?: string }>;
  get(userName: string): Promise<UserInfo>;
  update(userName: string, patch: UserPatch): Promise<UserInfo>;
  delete(userName: string): Promise<UserInfo>;
  setEnabled(userName: string, enabled: boolean): Promise<UserInfo>;
}
