export * from './pricing';
export * from './subscribers-table';
export * from './notification-ingest';
export * from './marketplace-metering';
export * from './registration-web-page';
export * from './marketplace-saas-product';
export * from './marketplace-stack';
