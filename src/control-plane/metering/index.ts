export * from './metering-interface';
export * from './metering-provider';
export * from './dynamodb-metering';
