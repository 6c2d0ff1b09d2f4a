export * from './billing-interface';
export * from './billing-provider';
export * from './webhook-verification';
export * from './dynamodb-billing';
export * from './http-billing-vendor-adapter';
