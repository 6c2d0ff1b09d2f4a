import type { Construct } from '../core/cdktf';
import { EventManager } from '../core/event-manager';
import { SbtStack, type SbtStackProps } from '../core/sbt-stack';
import { ControlPlaneApi } from './api/control-plane-api';
import { TenantConfigService } from './tenant-config/tenant-config-service';
import { TenantTable } from './tenant-management/tenant-table';

export interface ControlPlaneStackProps extends SbtStackProps {
  /** Keep tables from being destroyed (variable `deletion_protection`). @default true */
  readonly deletionProtection?: boolean;
}

/** The `control-plane` stack / module. */
export class ControlPlaneStack extends SbtStack {
  readonly eventManager: EventManager;
  readonly api: ControlPlaneApi;
  readonly tenantTable: TenantTable;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps = {}) {
    super(scope, id, props);
    const deletionProtection = this.boolInput('deletion_protection', {
      description: 'Protect the tenant and registration tables from deletion. Turn off only for throwaway installs.',
      default: props.deletionProtection ?? true,
    });
    this.eventManager = new EventManager(this, 'events', { busName: this.name('sbt-events') });
    this.tenantTable = new TenantTable(this, 'tenants', { name: this.name('tenants'), deletionProtection });
    this.api = new ControlPlaneApi(this, 'api', { name: this.name('control-plane') });
    new TenantConfigService(this, 'tenant-config', {
      api: this.api,
      tenantTable: this.tenantTable,
      namePrefix: this.namePrefix,
    });
    this.output('api_url', this.api.url, 'Base URL of the control-plane HTTP API.');
    this.output('event_bus_arn', this.eventManager.busArn, 'ARN of the SBT event bus (give it to application planes).');
    this.output('event_bus_name', this.eventManager.busName, 'Name of the SBT event bus.');
    this.output('tenant_table_name', this.tenantTable.tableName, 'DynamoDB table of tenants.');
  }
}
