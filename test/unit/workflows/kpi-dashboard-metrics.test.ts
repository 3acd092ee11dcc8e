import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildPlantsync } from '../../../infra/app-builder';
import { loadEnvironment } from '../../../infra/config';
import { BusinessMetrics } from '../../../infra/stacks/observability-stack';
import { KpiMetrics } from '../../../shared/kpi-metrics';
import { appWithoutBundling } from '../../infra/helpers';

const synthesizedDashboard = () => {
  const app = appWithoutBundling();
  const stacks = buildPlantsync(app, {
    config: loadEnvironment('dev'),
    nag: false,
    onPending: () => undefined,
  });
  const template = Template.fromStack(stacks.observability);
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  return { stack: stacks.observability, body: JSON.stringify(dashboard?.Properties?.DashboardBody) };
};

describe('KPI metrics on the dashboard', () => {
  const { stack, body } = synthesizedDashboard();

  it('documents every KPI metric name functions emit in the infra BusinessMetrics table', () => {
    expect(Object.keys(BusinessMetrics)).toEqual(expect.arrayContaining(Object.keys(KpiMetrics)));
  });

  it.each(Object.keys(KpiMetrics).filter((name) => name !== 'GoodsMovementPosted'))(
    'has a business widget reading %s',
    (name) => {
      expect(body).toContain(`MetricName=\\\\\\"${name}\\\\\\"`);
    },
  );

  it('synthesizes the dashboard without warnings about its metric math', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toEqual([]);
  });
});
