// Every test runs with dummy credentials and a default endpoint on a closed loopback port, so an
// SDK client that a test forgot to point at a fake fails fast here instead of reaching AWS.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_ENDPOINT_URL ??= 'http://127.0.0.1:9';
process.env.POWERTOOLS_SERVICE_NAME ??= 'plantsync-test';
