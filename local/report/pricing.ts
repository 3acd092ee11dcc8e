/**
 * AWS list prices used to estimate what a run would cost on AWS. us-east-1, on-demand, no free tier.
 * Recorded on the date below from the public pricing pages listed in `sources`; prices change, so the
 * report prints this date beside every estimate. Update the numbers and the date together.
 */
export const PRICE_TABLE = {
  region: 'us-east-1',
  priceDate: '2026-11-25',
  currency: 'USD',
  sources: [
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/step-functions/pricing/',
    'https://aws.amazon.com/eventbridge/pricing/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/api-gateway/pricing/',
    'https://aws.amazon.com/secrets-manager/pricing/',
  ],
  prices: {
    /** Lambda requests, per request ($0.20 per million). */
    lambdaRequest: 0.2 / 1e6,
    /** Lambda duration on arm64, per GB-second (first tier). */
    lambdaGbSecondArm64: 0.0000133334,
    /** Step Functions Standard, per state transition ($0.025 per 1,000). */
    sfnStandardTransition: 0.025 / 1e3,
    /** Step Functions Express, per request ($1.00 per million). */
    sfnExpressRequest: 1 / 1e6,
    /** Step Functions Express duration, per GB-second (first tier). */
    sfnExpressGbSecond: 0.00001667,
    /** EventBridge custom events, per 64 KB chunk ($1.00 per million). */
    eventBridgeEvent: 1 / 1e6,
    /** SQS standard queue requests, per 64 KB chunk ($0.40 per million). */
    sqsRequest: 0.4 / 1e6,
    /** DynamoDB on-demand write request unit ($0.625 per million, after the Nov 2024 reduction). */
    dynamoWriteUnit: 0.625 / 1e6,
    /** DynamoDB on-demand read request unit ($0.125 per million). */
    dynamoReadUnit: 0.125 / 1e6,
    /** API Gateway REST API requests, first 333 million ($3.50 per million). */
    apiGatewayRestRequest: 3.5 / 1e6,
    /** Secrets Manager API calls ($0.05 per 10,000). */
    secretsManagerCall: 0.05 / 1e4,
  },
} as const;

export type PriceKey = keyof typeof PRICE_TABLE.prices;
