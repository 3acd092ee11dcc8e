/**
 * The /v1 business API Lambda (API Gateway proxy). Routes by method and path to the business
 * capabilities in service.ts; shared/middleware's apiHandler maps typed errors to HTTP statuses.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { EquipmentId, Identifier, OrderNumber } from '../../events/primitives';
import { loadConfig } from '../../shared/config';
import { currentCorrelation } from '../../shared/correlation';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { type ApiRequest, apiHandler } from '../../shared/middleware';
import { correlationRepository, StepFunctionsCallbacks } from '../workflows/adapters';
import type { CallContext } from '../workflows/ports';
import { bindApiConnectors } from './bindings';
import type { WorkflowStarter } from './ports';
import {
  ApprovalRequest,
  createBusinessApi,
  OrderReleaseRequest,
  PlantCode,
  type Result,
  WorkOrderRequest,
} from './service';

const Config = z.object({
  CORRELATION_TABLE_NAME: z.string().min(1),
  WORKFLOW_ORDER_RELEASE_ARN: z.string().min(1),
});

const sfn = new SFNClient({});

export const stepFunctionsStarter = (
  stateMachineArn: string,
  client: Pick<SFNClient, 'send'> = sfn,
): WorkflowStarter => ({
  async startOrderRelease(executionName, input) {
    try {
      await client.send(
        new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
      );
      return 'started';
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') return 'already-started';
      throw error;
    }
  },
});

type Api = ReturnType<typeof createBusinessApi>;
let api: Api | undefined;
const businessApi = (): Api => {
  if (api) return api;
  const config = loadConfig(Config);
  api = createBusinessApi({
    repo: correlationRepository(config.CORRELATION_TABLE_NAME),
    workflows: stepFunctionsStarter(config.WORKFLOW_ORDER_RELEASE_ARN),
    callbacks: new StepFunctionsCallbacks(sfn),
    now: () => new Date(),
    ...bindApiConnectors(),
  });
  return api;
};

const plantFrom = (request: ApiRequest): string => {
  const parsed = PlantCode.safeParse(request.query.plant);
  if (!parsed.success)
    throw new ValidationError('query parameter plant (a 4-character plant code) is required');
  return parsed.data;
};

const ctxOf = (plant: string): CallContext => ({
  correlationId: currentCorrelation()?.correlationId ?? 'unknown',
  plant,
});

/**
 * Path parameters are checked against the canonical formats before any connector sees them, so a
 * traversal or injection string is a 400 here rather than a lookup in SAP, the MES or the maintenance
 * tool. Equipment and adjustment ids are free-form in the catalogue (EQUNR, asset ids), so beyond
 * its length they are held to the characters such ids use: letters, digits and `-_.:`.
 */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const PATH_PARAMETERS = {
  'order number': OrderNumber,
  'equipment id': EquipmentId.regex(SAFE_ID, 'letters, digits and - _ . : only'),
  'adjustment id': Identifier.regex(SAFE_ID, 'letters, digits and - _ . : only'),
} as const;

export const pathParameter = (name: keyof typeof PATH_PARAMETERS, raw: string | undefined): string => {
  let value: string;
  try {
    value = decodeURIComponent(raw ?? '');
  } catch {
    throw new ValidationError(`path parameter ${name} is not valid percent-encoding`);
  }
  const parsed = PATH_PARAMETERS[name].safeParse(value);
  if (!parsed.success) {
    const shown = JSON.stringify(value.slice(0, 40));
    throw new ValidationError(
      `path parameter ${name} ${shown} is invalid: ${parsed.error.issues[0]?.message ?? 'wrong format'}`,
    );
  }
  return parsed.data;
};

/** Routes a request to a capability; exported for tests with any implementation of the API. */
export const route = async (request: ApiRequest, target: Api): Promise<Result> => {
  const path = request.path.replace(/\/+$/, '');
  let m = /\/v1\/orders\/([^/]+)\/release$/.exec(path);
  if (m && request.method === 'POST') {
    const orderNumber = pathParameter('order number', m[1]);
    const body = request.json(OrderReleaseRequest);
    return target.releaseOrder(ctxOf(body.plant), orderNumber, body);
  }
  m = /\/v1\/orders\/([^/]+)\/status$/.exec(path);
  if (m && request.method === 'GET')
    return target.orderStatus(ctxOf(plantFrom(request)), pathParameter('order number', m[1]));
  m = /\/v1\/equipment\/([^/]+)$/.exec(path);
  if (m && request.method === 'GET')
    return target.equipment(ctxOf(plantFrom(request)), pathParameter('equipment id', m[1]));
  if (/\/v1\/work-orders$/.test(path) && request.method === 'POST') {
    const body = request.json(WorkOrderRequest);
    return target.createWorkOrder(ctxOf(body.plant), request.headers['idempotency-key'], body);
  }
  m = /\/v1\/inventory-adjustments\/([^/]+)\/approval$/.exec(path);
  if (m && request.method === 'POST')
    return target.approveAdjustment(
      ctxOf(plantFrom(request)),
      pathParameter('adjustment id', m[1]),
      request.json(ApprovalRequest),
    );
  throw new NotFoundError(`no business capability at ${request.method} ${path}`);
};

export const handler = apiHandler(async (request) => route(request, businessApi()));
