/**
 * /users routes (SBT routes 13–17) plus enable/disable, which SBT defines but never routes (#115).
 * Env: USER_STORE = 'cognito' (USER_POOL_ID) | 'dynamodb' (USER_TABLE_NAME) | 'descope' (DESCOPE_*); EVENT_BUS_NAME (+ sources).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { dynamo, env } from '../shared/aws-clients';
import { putEvents, sbtEvent } from '../shared/events';
import { dataRoute, type HttpEvent, listRoute, parseBody, parsePath, routeTable } from '../shared/http';
import { descope } from '../descope/domain/descope-api';
import { DescopeUserStore } from '../descope/domain/descope-user-store';
import { CognitoUserStore } from './domain/cognito-user-store';
import { DynamoUserStore } from './domain/dynamo-user-store';
import { UserService } from './domain/user-service';
import type { UserStore } from './domain/user-store';
import { createUserBody, updateUserBody, userListQuery, userPath } from './request-schemas';

let service: UserService | undefined;

function store(): UserStore {
  const kind = env('USER_STORE');
  if (kind === 'cognito') return new CognitoUserStore(new CognitoIdentityProviderClient({}), env('USER_POOL_ID'));
  if (kind === 'dynamodb') return new DynamoUserStore(dynamo(), env('USER_TABLE_NAME'));
  // DescopeAuth (entry point …/descope): users live in the Descope project.
  if (kind === 'descope') return new DescopeUserStore(descope, { invite: process.env.DESCOPE_INVITE !== 'false' });
  throw new Error(`USER_STORE must be 'cognito', 'dynamodb' or 'descope', not '${kind}'`);
}

export function userService(): UserService {
  service ??= new UserService(store(), (events) => putEvents(events.map((e) => sbtEvent(e.key, e.detail))));
  return service;
}
export function resetUserServiceForTesting(): void {
  service = undefined;
}

const userIdOf = (event: HttpEvent) => parsePath(event, userPath).userId;

export const handler = routeTable({
  'POST /users': async (event) => ({
    statusCode: 201,
    body: { data: await userService().create(parseBody(event, createUserBody)) },
  }),
  'GET /users': listRoute((limit, next) => userService().list(limit, next), userListQuery),
  'GET /users/{userId}': dataRoute((event) => userService().get(userIdOf(event))),
  'PUT /users/{userId}': async (event) => {
    const userId = userIdOf(event);
    const data = await userService().update(userId, parseBody(event, updateUserBody));
    return { statusCode: 200, body: { message: 'User updated', data } };
  },
  'DELETE /users/{userId}': async (event) => ({
    statusCode: 200,
    body: { message: 'User deleted', data: await userService().delete(userIdOf(event)) },
  }),
  'PUT /users/{userId}/enable': async (event) => ({
    statusCode: 200,
    body: { message: 'User enabled', data: await userService().setEnabled(userIdOf(event), true) },
  }),
  'PUT /users/{userId}/disable': async (event) => ({
    statusCode: 200,
    body: { message: 'User disabled', data: await userService().setEnabled(userIdOf(event), false) },
  }),
});
