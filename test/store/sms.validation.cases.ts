import { twilioSignature } from '../../src/server/channels/sms/twilio.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { BodyRoute, IdRoute, ValidationCases } from '../helpers/validation.ts';

/** The number of the database being run (setup makes it). */
let endpointId = '';
const TOKEN = 'validation-token';

/** A header signed at send time, for the endpoint setup made (the case list is built before it). */
function signedFor(kind: 'inbound' | 'status', params: Record<string, string>): Record<string, string> {
  return {
    get 'x-twilio-signature'() {
      return twilioSignature(
        `http://localhost:80/api/v1/channels/sms/${endpointId}/${kind}`,
        Object.entries(params),
        TOKEN,
      );
    },
  };
}
const form = (params: Record<string, string>) => () => ({
  payload: new URLSearchParams(params).toString(),
  contentType: 'application/x-www-form-urlencoded',
});

/**
 * SMS (issue 14, point 5): the bad input each route must refuse. The provider's webhooks take
 * form-encoded bodies, signed: unsigned or forged is 403 and stores nothing; a signed text without
 * its MessageSid or sender is 400 naming it.
 */
export const smsValidation: ValidationCases = {
  setup: async (v) => {
    endpointId = (
      await v.t.services.smsEndpoints.create(SYSTEM_ACTOR, {
        number: '+65 6777 0000',
        displayName: 'Validation SMS',
        baseUrl: 'http://127.0.0.1:9',
        accountSid: 'ACvalidation',
        authToken: TOKEN,
      })
    ).id;
  },
  body: (v): BodyRoute[] => [
    {
      route: 'POST /api/v1/sms-endpoints',
      role: 'administrator',
      valid: () => ({
        number: '+65 6777 1000',
        displayName: 'New',
        baseUrl: 'https://api.twilio.com',
        accountSid: 'AC1',
        authToken: 't',
      }),
      cases: [
        {
          name: 'missing number, baseUrl, accountSid and authToken',
          body: { displayName: 'x' },
          fields: ['/body/number', '/body/baseUrl', '/body/accountSid', '/body/authToken'],
        },
        {
          name: 'a number no country has',
          body: {
            number: '12345',
            displayName: 'x',
            baseUrl: 'https://api.twilio.com',
            accountSid: 'AC1',
            authToken: 't',
          },
          fields: ['/body/number'],
          message: /^must be a valid phone number$/,
        },
        {
          name: 'a number with letters',
          body: {
            number: '+65 CALL NOW',
            displayName: 'x',
            baseUrl: 'https://api.twilio.com',
            accountSid: 'AC1',
            authToken: 't',
          },
          fields: ['/body/number'],
        },
        {
          name: 'a base URL that is not http(s)',
          body: {
            number: '+65 6777 1001',
            displayName: 'x',
            baseUrl: 'ftp://api.example.com',
            accountSid: 'AC1',
            authToken: 't',
          },
          fields: ['/body/baseUrl'],
        },
        {
          name: 'a number already set up (in another written form) → 409',
          body: {
            number: '6777 0000',
            displayName: 'x',
            baseUrl: 'https://api.twilio.com',
            accountSid: 'AC1',
            authToken: 't',
          },
          status: 409,
          code: 'sms_endpoint.number_taken',
          fields: ['/body/number'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/sms-endpoints/:id',
      role: 'administrator',
      id: () => endpointId,
      valid: () => ({ displayName: 'Renamed' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        { name: 'an empty auth token', body: { authToken: '' }, fields: ['/body/authToken'] },
        {
          name: 'a stale If-Match → 412',
          body: { displayName: 'x' },
          headers: { 'if-match': '"99"' },
          status: 412,
          code: 'request.precondition_failed',
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/sms',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ body: 'Hello' }),
      cases: [
        { name: 'an empty text', body: { body: '' }, fields: ['/body/body'] },
        { name: 'a text over 1,600 characters', body: { body: 'x'.repeat(1601) }, fields: ['/body/body'] },
      ],
    },
    {
      route: 'POST /api/v1/channels/sms/:id/inbound',
      role: null,
      id: () => endpointId,
      raw: true,
      valid: () => ({}),
      cases: [
        {
          name: 'unsigned → 403, nothing stored',
          raw: form({ MessageSid: 'SMv1', From: '+6591110000', Body: 'hi' }),
          status: 403,
          code: 'sms.signature_invalid',
          fields: ['/headers/x-twilio-signature'],
        },
        {
          name: 'signed with another token → 403',
          raw: form({ MessageSid: 'SMv2', From: '+6591110000', Body: 'hi' }),
          headers: {
            'x-twilio-signature': twilioSignature('http://localhost:80/', [['MessageSid', 'SMv2']], 'other'),
          },
          status: 403,
          code: 'sms.signature_invalid',
        },
        {
          name: 'signed, without a MessageSid',
          raw: form({ From: '+6591110000', Body: 'hi' }),
          headers: signedFor('inbound', { From: '+6591110000', Body: 'hi' }),
          fields: ['/body/MessageSid'],
        },
        {
          name: 'signed, without a sender',
          raw: form({ MessageSid: 'SMv3', Body: 'hi' }),
          headers: signedFor('inbound', { MessageSid: 'SMv3', Body: 'hi' }),
          fields: ['/body/From'],
        },
        {
          name: 'a JSON body → 415',
          raw: () => ({ payload: '{"MessageSid":"SMv4"}', contentType: 'application/json' }),
          status: 415,
          code: 'request.unsupported_media_type',
        },
      ],
    },
    {
      route: 'POST /api/v1/channels/sms/:id/status',
      role: null,
      id: () => endpointId,
      raw: true,
      valid: () => ({}),
      cases: [
        {
          name: 'unsigned → 403',
          raw: form({ MessageSid: 'SMv1', MessageStatus: 'delivered' }),
          status: 403,
          code: 'sms.signature_invalid',
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/sms-endpoints/:id', role: 'administrator', notFound: 'sms_endpoint.not_found' },
    {
      route: 'PATCH /api/v1/sms-endpoints/:id',
      role: 'administrator',
      body: () => ({ displayName: 'x' }),
      notFound: 'sms_endpoint.not_found',
    },
    { route: 'DELETE /api/v1/sms-endpoints/:id', role: 'administrator', notFound: 'sms_endpoint.not_found' },
    { route: 'GET /api/v1/cases/:id/sms-recipient', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'POST /api/v1/cases/:id/sms',
      role: 'officer',
      body: () => ({ body: 'x' }),
      notFound: 'case.not_found',
    },
    {
      route: 'POST /api/v1/channels/sms/:id/inbound',
      role: 'officer',
      body: () => 'MessageSid=SMx&From=%2B6591110000&Body=hi',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded' }),
      notFound: 'sms_endpoint.not_found',
    },
    {
      route: 'POST /api/v1/channels/sms/:id/status',
      role: 'officer',
      body: () => 'MessageSid=SMx&MessageStatus=sent',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded' }),
      notFound: 'sms_endpoint.not_found',
    },
  ],
};
