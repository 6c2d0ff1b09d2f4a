/**
 * A loopback AWS Marketplace that speaks the real awsJson1_1 wire protocol, so handlers keep their unchanged
 * SDK clients (`new MarketplaceMeteringClient({})`, `new MarketplaceEntitlementServiceClient({})`) redirected by
 * AWS_ENDPOINT_URL_MARKETPLACE_METERING / AWS_ENDPOINT_URL_MARKETPLACE_ENTITLEMENT_SERVICE.
 *
 * Emulated (reference/marketplace.md §3.1–3.5):
 *  - AWSMPMeteringService.ResolveCustomer: tokens → CustomerIdentifier / CustomerAWSAccountId / LicenseArn /
 *    ProductCode; InvalidTokenException, ExpiredTokenException.
 *  - AWSMPEntitlementService.GetEntitlements: filters (union within a key, intersection across keys),
 *    MaxResults 1–25, NextToken pagination.
 *  - AWSMPMeteringService.BatchMeterUsage: ≤ 25 records and < 1 MB, one product per request; ThrottlingException
 *    when a request would make more than `ratePerSecond` requests in any 1-second window; dedup per
 *    licence/product + customer + dimension + hour where the first write wins: the identical record again is
 *    Success with the same MeteringRecordId (idempotent), a different quantity is DuplicateRecord (not billed);
 *    CustomerNotSubscribed for unknown/unsubscribed customers; TimestampOutOfBoundsException (whole batch) beyond
 *    24 h / month-end grace or in the future; injected UnprocessedRecords.
 *  - Concurrent Agreements: `endAgreement()` models AWS's final reporting window (usage is accepted for about one
 *    hour after "Purchase Agreement Ended", then CustomerNotSubscribed); `licenseStarts` refuses usage timestamped
 *    before the licence started (InvalidLicenseException, "usage is within the license activation period");
 *    UsageAllocations are validated (sum = Quantity, 1-5 tags) and kept on the billed record.
 *  - `echo: 'documented'` answers LicenseArn records the way AWS's documented responses do: the echoed UsageRecord
 *    spells the licence ARN in another form (`…:license:l-…` / `aws:license-manager:<region>:…:l-…`) and leaves out
 *    CustomerAWSAccountId, so a client must match results on what it sent, not on echoed spellings.
 * `billed` is the list of records the fake would bill (first writes), which tests compare to the expected usage.
 */
import { createHash } from 'node:crypto';
import { type AwsJsonServer, startAwsJsonServer } from './aws-json-server';

export interface FakeCustomer {
  CustomerIdentifier?: string;
  CustomerAWSAccountId?: string;
  LicenseArn?: string;
  ProductCode: string;
}

export interface FakeEntitlement {
  ProductCode: string;
  Dimension: string;
  CustomerIdentifier?: string;
  CustomerAWSAccountId?: string;
  LicenseArn?: string;
  Value?: { IntegerValue?: number; BooleanValue?: boolean; DoubleValue?: number; StringValue?: string };
  /** epoch seconds */
  ExpirationDate?: number;
}

export interface BilledRecord {
  key: string;
  productCode?: string;
  licenseArn?: string;
  customerAWSAccountId?: string;
  customerIdentifier?: string;
  dimension: string;
  hour: string;
  /** The record's Timestamp as sent. */
  timestamp: string;
  quantity: number;
  meteringRecordId: string;
  allocations?: { quantity: number; tags?: Record<string, string> }[];
  /** Fake clock when AWS accepted it. */
  acceptedAt: number;
}

interface WireRecord {
  Timestamp: number;
  Dimension: string;
  Quantity?: number;
  CustomerIdentifier?: string;
  CustomerAWSAccountId?: string;
  LicenseArn?: string;
  UsageAllocations?: { AllocatedUsageQuantity?: number; Tags?: { Key: string; Value: string }[] }[];
}

const HOUR = 3600_000;
/** The licence id of any ARN spelling (what AWS keys a licence on). */
const licId = (arn: string) => {
  const last = arn.trim().split(/[:/]/).pop() ?? '';
  return last.replace(/^lic-/, 'l-');
};

export class MarketplaceFake {
  meteringEndpoint = '';
  entitlementEndpoint = '';
  readonly tokens = new Map<string, FakeCustomer | 'expired'>();
  readonly entitlements: FakeEntitlement[] = [];
  /** Customers (LicenseArn, CustomerAWSAccountId or CustomerIdentifier) that get CustomerNotSubscribed. */
  readonly notSubscribed = new Set<string>();
  /** Products the seller owns (legacy ProductCode at request level). */
  readonly products = new Set<string>();
  /** Dimensions the listing does not have: the whole request fails with InvalidUsageDimensionException. */
  readonly invalidDimensions = new Set<string>();
  readonly billed: BilledRecord[] = [];
  /** Licence id (l-…) → when its agreement ended (epoch ms): usage accepted for one more hour. */
  readonly agreementEnds = new Map<string, number>();
  /** Licence id (l-…) → licence start (epoch ms): earlier timestamps are InvalidLicenseException. */
  readonly licenseStarts = new Map<string, number>();
  readonly calls: { target: string; at: number; throttled?: boolean; records?: number }[] = [];
  private readonly ledger = new Map<string, BilledRecord>();
  private accepted: number[] = [];
  private unprocessedBudget = 0;
  private throttleBudget = 0;
  private server?: AwsJsonServer;

  constructor(
    readonly options: {
      /** BatchMeterUsage requests per second (account quota). @default 10 */
      ratePerSecond?: number;
      /** Clock for timestamp bounds (tests simulate hours passing). @default Date.now */
      now?: () => number;
      /** Set AWS_ENDPOINT_URL_* for the SDK. @default true */
      setEnv?: boolean;
      /** How results echo LicenseArn records. @default 'exact' */
      echo?: 'exact' | 'documented';
    } = {},
  ) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  async start(): Promise<this> {
    this.server = await startAwsJsonServer(({ target, body, bytes }) => this.dispatch(target, body, bytes));
    const url = this.server.url;
    this.meteringEndpoint = url;
    this.entitlementEndpoint = url;
    if (this.options.setEnv !== false) {
      process.env.AWS_ENDPOINT_URL_MARKETPLACE_METERING = url;
      process.env.AWS_ENDPOINT_URL_MARKETPLACE_ENTITLEMENT_SERVICE = url;
    }
    return this;
  }

  async stop(): Promise<void> {
    // Kept-alive SDK connections (handler instances of the local runtime) are closed too (AwsJsonServer.stop).
    await this.server?.stop();
  }

  addToken(token: string, customer: FakeCustomer): void {
    this.tokens.set(token, customer);
    this.products.add(customer.ProductCode);
  }
  /** The buyer's agreement ended at `atMs`: AWS takes usage for about one hour more (reference §3.7/§3.8). */
  endAgreement(licenseArn: string, atMs: number): void {
    this.agreementEnds.set(licId(licenseArn), atMs);
  }
  expireToken(token: string): void {
    this.tokens.set(token, 'expired');
  }
  /** The next `n` records sent are returned as UnprocessedRecords. */
  unprocessNext(n: number): void {
    this.unprocessedBudget = n;
  }
  /** The next `n` BatchMeterUsage requests get ThrottlingException regardless of rate. */
  throttleNext(n: number): void {
    this.throttleBudget = n;
  }
  reset(): void {
    this.billed.length = 0;
    this.ledger.clear();
    this.calls.length = 0;
    this.accepted = [];
  }

  private dispatch(target: string, body: Record<string, unknown>, bytes: number): [number, unknown] {
    switch (target) {
      case 'AWSMPMeteringService.ResolveCustomer':
        return this.resolveCustomer(body);
      case 'AWSMPMeteringService.BatchMeterUsage':
        return this.batchMeterUsage(body, bytes);
      case 'AWSMPEntitlementService.GetEntitlements':
        return this.getEntitlements(body);
      default:
        return [400, { __type: 'UnknownOperationException', message: `not emulated: ${target}` }];
    }
  }

  private resolveCustomer(body: Record<string, unknown>): [number, unknown] {
    this.calls.push({ target: 'ResolveCustomer', at: Date.now() });
    const token = body.RegistrationToken;
    if (typeof token !== 'string' || !token)
      return [400, { __type: 'InvalidTokenException', message: 'Registration token is invalid' }];
    const c = this.tokens.get(token);
    if (c === 'expired') return [400, { __type: 'ExpiredTokenException', message: 'Registration token has expired' }];
    if (!c) return [400, { __type: 'InvalidTokenException', message: 'Registration token is invalid' }];
    return [200, { ...c }];
  }

  private getEntitlements(body: Record<string, unknown>): [number, unknown] {
    this.calls.push({ target: 'GetEntitlements', at: Date.now() });
    const product = body.ProductCode;
    if (typeof product !== 'string' || !product)
      return [400, { __type: 'InvalidParameterException', message: 'ProductCode is required' }];
    const max = body.MaxResults === undefined ? 25 : Number(body.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 25)
      return [400, { __type: 'InvalidParameterException', message: 'MaxResults must be 1-25' }];
    const filter = (body.Filter ?? {}) as Record<string, string[]>;
    if (filter.CUSTOMER_IDENTIFIER && filter.CUSTOMER_AWS_ACCOUNT_ID)
      return [
        400,
        {
          __type: 'InvalidParameterException',
          message: 'CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID are mutually exclusive',
        },
      ];
    const field: Record<string, keyof FakeEntitlement> = {
      CUSTOMER_IDENTIFIER: 'CustomerIdentifier',
      CUSTOMER_AWS_ACCOUNT_ID: 'CustomerAWSAccountId',
      LICENSE_ARN: 'LicenseArn',
      DIMENSION: 'Dimension',
    };
    const all = this.entitlements.filter(
      (e) =>
        e.ProductCode === product &&
        Object.entries(filter).every(([k, values]) => values.includes(String(e[field[k]] ?? ''))),
    );
    const start = body.NextToken ? Number(Buffer.from(String(body.NextToken), 'base64').toString()) : 0;
    const page = all.slice(start, start + max);
    const next = start + max < all.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
    return [200, { Entitlements: page, ...(next ? { NextToken: next } : {}) }];
  }

  private batchMeterUsage(body: Record<string, unknown>, bytes: number): [number, unknown] {
    const now = Date.now();
    const limit = this.options.ratePerSecond ?? 10;
    this.accepted = this.accepted.filter((t) => t > now - 1000);
    if (this.throttleBudget > 0 || this.accepted.length >= limit) {
      if (this.throttleBudget > 0) this.throttleBudget--;
      this.calls.push({ target: 'BatchMeterUsage', at: now, throttled: true });
      return [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }];
    }
    this.accepted.push(now);
    const records = (body.UsageRecords ?? []) as WireRecord[];
    this.calls.push({ target: 'BatchMeterUsage', at: now, records: records.length });
    if (!Array.isArray(records) || records.length < 1 || records.length > 25)
      return [
        400,
        { __type: 'ValidationException', message: '1 validation error detected: UsageRecords must have length 1-25' },
      ];
    if (bytes >= 1_000_000) return [400, { __type: 'ValidationException', message: 'request must be less than 1 MB' }];
    const productCode = body.ProductCode as string | undefined;
    if (productCode !== undefined && !this.products.has(productCode))
      return [400, { __type: 'InvalidProductCodeException', message: `product ${productCode} is not yours` }];
    const clock = this.now();
    for (const r of records) {
      if (!r.Dimension) return [400, { __type: 'ValidationException', message: 'Dimension is required' }];
      if (this.invalidDimensions.has(r.Dimension))
        return [
          400,
          { __type: 'InvalidUsageDimensionException', message: `dimension ${r.Dimension} is not part of the product` },
        ];
      const hasAccount = r.CustomerAWSAccountId !== undefined;
      if (r.CustomerIdentifier && hasAccount)
        return [
          400,
          {
            __type: 'ValidationException',
            message: 'CustomerIdentifier and CustomerAWSAccountId are mutually exclusive',
          },
        ];
      if (!r.LicenseArn && !productCode)
        return [
          400,
          { __type: 'ValidationException', message: 'ProductCode is required for records without LicenseArn' },
        ];
      if (r.LicenseArn && productCode)
        return [400, { __type: 'ValidationException', message: 'do not send ProductCode with LicenseArn records' }];
      if (
        r.LicenseArn &&
        this.licenseStarts.has(licId(r.LicenseArn)) &&
        r.Timestamp * 1000 < this.licenseStarts.get(licId(r.LicenseArn))!
      )
        return [400, { __type: 'InvalidLicenseException', message: 'usage is outside the license activation period' }];
      if (r.Quantity !== undefined && (!Number.isInteger(r.Quantity) || r.Quantity < 0 || r.Quantity > 2147483647))
        return [400, { __type: 'ValidationException', message: `Quantity ${r.Quantity} must be 0..2147483647` }];
      if (r.UsageAllocations) {
        const sum = r.UsageAllocations.reduce((n, a) => n + (a.AllocatedUsageQuantity ?? 0), 0);
        if (r.UsageAllocations.length < 1 || r.UsageAllocations.length > 2500 || sum !== (r.Quantity ?? 0))
          return [
            400,
            { __type: 'InvalidUsageAllocationsException', message: 'allocations must be 1-2500 and sum to Quantity' },
          ];
        if (r.UsageAllocations.some((a) => a.Tags !== undefined && (a.Tags.length < 1 || a.Tags.length > 5)))
          return [400, { __type: 'InvalidTagException', message: 'an allocation has 1-5 tags' }];
      }
      const ts = r.Timestamp * 1000;
      const d = new Date(ts);
      const monthGrace = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 6);
      if (ts > clock + 60_000 || clock >= Math.min(ts + 24 * HOUR, monthGrace))
        return [
          400,
          { __type: 'TimestampOutOfBoundsException', message: `Timestamp ${d.toISOString()} is out of bounds` },
        ];
    }
    const Results: unknown[] = [];
    const UnprocessedRecords: unknown[] = [];
    for (const r of records) {
      if (this.unprocessedBudget > 0) {
        this.unprocessedBudget--;
        UnprocessedRecords.push(r);
        continue;
      }
      const who = r.LicenseArn ?? r.CustomerAWSAccountId ?? r.CustomerIdentifier ?? '';
      const echo = this.echoOf(r);
      const ended = r.LicenseArn ? this.agreementEnds.get(licId(r.LicenseArn)) : undefined;
      if (ended !== undefined && clock >= ended + HOUR) {
        Results.push({ UsageRecord: echo, Status: 'CustomerNotSubscribed' });
        continue;
      }
      if (
        (r.LicenseArn && this.notSubscribed.has(licId(r.LicenseArn))) ||
        !who ||
        this.notSubscribed.has(who) ||
        (r.CustomerAWSAccountId && this.notSubscribed.has(r.CustomerAWSAccountId)) ||
        (r.CustomerIdentifier && this.notSubscribed.has(r.CustomerIdentifier))
      ) {
        Results.push({ UsageRecord: echo, Status: 'CustomerNotSubscribed' });
        continue;
      }
      const hour = new Date(Math.floor((r.Timestamp * 1000) / HOUR) * HOUR).toISOString();
      // AWS keys a licence on its id, whatever ARN spelling the request used.
      const scope = r.LicenseArn ? `license:${licId(r.LicenseArn)}` : `product:${productCode}`;
      const key = `${scope}|${r.CustomerAWSAccountId ?? r.CustomerIdentifier}|${r.Dimension}|${hour}`;
      const quantity = r.Quantity ?? 0;
      const prior = this.ledger.get(key);
      if (prior) {
        Results.push({
          UsageRecord: echo,
          MeteringRecordId: prior.meteringRecordId,
          Status: prior.quantity === quantity ? 'Success' : 'DuplicateRecord',
        });
        continue;
      }
      const meteringRecordId = createHash('sha256').update(key).digest('hex').slice(0, 32);
      const rec: BilledRecord = {
        key,
        productCode: r.LicenseArn ? undefined : productCode,
        licenseArn: r.LicenseArn,
        customerAWSAccountId: r.CustomerAWSAccountId,
        customerIdentifier: r.CustomerIdentifier,
        dimension: r.Dimension,
        hour,
        timestamp: new Date(r.Timestamp * 1000).toISOString(),
        quantity,
        meteringRecordId,
        allocations: r.UsageAllocations?.map((a) => ({
          quantity: a.AllocatedUsageQuantity ?? 0,
          ...(a.Tags ? { tags: Object.fromEntries(a.Tags.map((t) => [t.Key, t.Value])) } : {}),
        })),
        acceptedAt: clock,
      };
      this.ledger.set(key, rec);
      this.billed.push(rec);
      Results.push({ UsageRecord: echo, MeteringRecordId: meteringRecordId, Status: 'Success' });
    }
    return [200, { Results, UnprocessedRecords }];
  }

  /** The UsageRecord a result echoes. */
  private echoOf(r: WireRecord): WireRecord {
    if (this.options.echo !== 'documented' || !r.LicenseArn) return r;
    const id = licId(r.LicenseArn);
    const acct = r.CustomerAWSAccountId ?? '123456789012';
    // The other documented spelling of the same licence, and no CustomerAWSAccountId.
    const other = r.LicenseArn.includes(':license:')
      ? `aws:license-manager:us-east-1:${acct}:${id}`
      : `arn:aws:license-manager::${acct}:license:${id}`;
    const { CustomerAWSAccountId: _a, ...rest } = r;
    return { ...rest, LicenseArn: other };
  }
}
