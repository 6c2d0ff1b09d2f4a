import type { Construct } from '../../core/cdktf';
import { LambdaTarget } from '../../core/event-targets';
import { LambdaFunction } from '../../core/lambda-function';
import {
  bindTenantLifecycle,
  TenantCollectionService,
  type TenantCollectionServiceProps,
} from '../tenant-management/tenant-collection-service';

export interface TenantRegistrationServiceProps extends TenantCollectionServiceProps {
  /** SQS queue ARN for job results EventBridge could not deliver after its retries. @default none */
  readonly resultsDeadLetterQueueArn?: string;
}

/**
 * /tenant-registrations (SBT routes 6–10, each with a scope — SBT leaves them unscoped) + `POST …/retry`,
 * and the consumer of application-plane results.
 *
 * Results (provision/deprovision Success/Failure) reach a Lambda through EventBridge rules
 * (`eventManager.addTargetToEvent` + LambdaTarget), not SBT's API destination that PATCHes the API:
 * no OAuth connection, Secrets Manager secret or machine-client secret in the data path; it works when
 * the API is private (an API destination needs a public endpoint); EventBridge retries a failed
 * invocation for 24 h (+ optional DLQ) instead of a throttled/401 HTTP call getting dropped; and
 * failures are persisted (SBT's failure payload has neither `tenantData` nor `tenantRegistrationData`,
 * so its PATCH stores nothing). `PATCH /tenant-registrations/{id}` stays for SBT clients that call it.
 */
export class TenantRegistrationService extends TenantCollectionService {
  static readonly REGISTRATIONS_PATH = '/tenant-registrations';
  static readonly REGISTRATION_ID_PATH = '/tenant-registrations/{tenantRegistrationId}';
  readonly resultsFunction: LambdaFunction;

  constructor(scope: Construct, id: string, props: TenantRegistrationServiceProps) {
    super(scope, id, props, {
      service: 'tenant-registration',
      description: 'Control plane /tenant-registrations routes',
      path: TenantRegistrationService.REGISTRATIONS_PATH,
      itemPath: TenantRegistrationService.REGISTRATION_ID_PATH,
      update: 'PATCH',
      itemActions: [['POST', '/retry']],
    });

    this.resultsFunction = new LambdaFunction(this, 'results', {
      archive: 'tenant-registration-results',
      functionName: `${props.namePrefix}-tenant-job-results`,
      description: 'Applies application-plane provisioning results to the tenant lifecycle',
      timeout: 30,
      environment: { POWERTOOLS_SERVICE_NAME: 'tenant-job-results' },
    });
    bindTenantLifecycle(this.resultsFunction, props);
    const em = props.eventManager;
    for (const def of [
      em.events.provisionSuccess,
      em.events.provisionFailure,
      em.events.deprovisionSuccess,
      em.events.deprovisionFailure,
    ]) {
      em.addTargetToEvent(this, {
        eventDefinition: def,
        target: new LambdaTarget(this.resultsFunction, { deadLetterQueueArn: props.resultsDeadLetterQueueArn }),
      });
    }
  }
}
