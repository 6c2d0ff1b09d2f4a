/**
 * /users routes (SBT routes 13–17) plus enable/disable, which SBT defines but never routes (#115).
 * Env: USER_STORE = 'cognito' (USER_POOL_ID) | 'dynamodb' (USER_TABLE_NAME) | 'descope' (DESCOPE_*); EVENT_BUS_NAME (+ sources).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { dynamo, env } from '../shared/aws-clients';
import { putEvents, sbtEvent } from '../shared/events';
import { httpHandler, notFound, parseBody, parsePath, parseQuery } from '../shared/http';
import { routeOf } from '../tenant-management/domain/runtime';
import { descope } from '../descope/domain/descope-api';
import { DescopeUserStore } from '../descope/domain/descope-user-store';
import { CognitoUserStore } from './domain/cognito-user-store';
import { DynamoUserStore } from './domain/dynamo-user-store';
import { createUserBody, updateUserBody, userListQuery, userPath, UserService } from './domain/user-service';
import type { UserStore } from './domain/user-store';

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

export const handler = httpHandler(async (event) => {
  const svc = userService();
  const route = routeOf(event);
  switch (route) {
    case 'POST /users':
      return { statusCode: 201, body: { data: await svc.create(parseBody(event, createUserBody)) } };
    case 'GET /users': {
      const q = parseQuery(event, userListQuery);
      return { statusCode: 200, body: await svc.list(q.limit, q.next_token) };
    }
    case 'GET /users/{userId}':
      return { statusCode: 200, body: { data: await svc.get(parsePath(event, userPath).userId) } };
    case 'PUT /users/{userId}': {
      const { userId } = parsePath(event, userPath);
      const data = await svc.update(userId, parseBody(event, updateUserBody));
      return { statusCode: 200, body: { message: 'User updated', data } };
    }
    case 'DELETE /users/{userId}': {
      const data = await svc.delete(parsePath(event, userPath).userId);
      return { statusCode: 200, body: { message: 'User deleted', data } };
    }
    case 'PUT /users/{userId}/enable': {
      const data = await svc.setEnabled(parsePath(event, userPath).userId, true);
      return { statusCode: 200, body: { message: 'User enabled', data } };
    }
    case 'PUT /users/{userId}/disable': {
      const data = await svc.setEnabled(parsePath(event, userPath).userId, false);
      return { statusCode: 200, body: { message: 'User disabled', data } };
    }
    default:
      throw notFound(`No route ${route}`);
  }
});
