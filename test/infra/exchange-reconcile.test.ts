import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { RECONCILE_RULE } from '../../infra/constructs/exchange-reconcile.ts';
import { SESSION_RULES } from '../../infra/constructs/session-schedule.ts';
import { resourcesOf, synthPipeline } from '../support/synth.ts';

const { template } = synthPipeline();

describe('ExchangeReconcile', () => {
  it('runs the reconcile function on weekdays after the afternoon stop', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 8 ? * MON-FRI *)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReconcileFunction'), 'Arn'] } }),
      ],
    });
    const stop = SESSION_RULES.find((r) => r.id === 'AfternoonStop');
    assert.ok(stop);
    const minutes = (r: { hour: string; minute: string }) => Number(r.hour) * 60 + Number(r.minute);
    assert.ok(minutes(RECONCILE_RULE) > minutes(stop), 'after ingestion stops');
  });

  it('gives the function the tables and the symbols it checks', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('exchange'),
      Environment: {
        Variables: Match.objectLike({
          TRADES_TABLE: Match.anyValue(),
          CONTROL_TABLE: Match.anyValue(),
          SYMBOLS: 'ALL',
        }),
      },
    });
  });

  it('alarms on any mismatch of the day', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReconcileMismatches',
      Namespace: 'VnStockStream',
      Dimensions: [{ Name: 'service', Value: 'reconcile' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Period: 86_400,
      TreatMissingData: 'notBreaching',
    });
  });

  it('names the function in the stack outputs', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    assert.ok('ReconcileFunctionName' in outputs);
    assert.ok(
      Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).some((id) =>
        id.startsWith('ReconcileFunction'),
      ),
    );
  });
});
