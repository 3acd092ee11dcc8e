import { signRequest } from '../../../edge/src/sigv4';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'TOKEN1',
};

describe('SigV4 signing for an IAM-authenticated ingress', () => {
  it('produces the signature the AWS SDK signer produces for the same request', () => {
    // Expected value computed with @smithy/signature-v4 (the AWS SDK's signer) for this exact input.
    const headers = signRequest({
      method: 'POST',
      url: new URL('https://abc123.execute-api.eu-central-1.amazonaws.com/prod/ingress/mes/1010/events'),
      body: '{"eventId":"E1"}',
      region: 'eu-central-1',
      credentials,
      now: new Date('2026-11-25T03:20:00Z'),
      headers: { 'content-type': 'application/json' },
    });

    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-central-1/execute-api/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, ' +
        'Signature=21dc77f252932c0a73e210e02208e34a97d94a841ac07b401972ef528b7ff3c7',
    );
    expect(headers).toMatchObject({ 'x-amz-date': '20261125T032000Z', 'x-amz-security-token': 'TOKEN1' });
  });

  it('signs a different body differently', () => {
    const sign = (body: string) =>
      signRequest({
        method: 'POST',
        url: new URL('https://abc123.execute-api.eu-central-1.amazonaws.com/prod/ingress/mes/1010/events'),
        body,
        region: 'eu-central-1',
        credentials,
        now: new Date('2026-11-25T03:20:00Z'),
      }).authorization;

    expect(sign('{"eventId":"E1"}')).not.toBe(sign('{"eventId":"E2"}'));
  });
});
