import { actionProblem, collectIamActions } from '../../../tools/validate';
import { messages, validateDoc } from './helpers';

const policyDocument = (actions: string[], extra: Record<string, unknown> = {}) => ({
  data: {
    aws_iam_policy_document: {
      doc: {
        statement: [
          { effect: 'Allow', actions, resources: ['*'] },
          { effect: 'Deny', not_actions: ['s3:GetObject'], resources: ['*'], ...extra },
        ],
      },
    },
  },
});

describe('check 2: IAM actions exist', () => {
  test('real actions and matching wildcards pass', async () => {
    const doc = policyDocument([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'events:PutEvents',
      'logs:*',
      'dynamodb:Get*',
      'aws-marketplace:ResolveCustomer',
      'sts:AssumeRole',
      '*',
    ]);
    expect(await validateDoc(doc)).toEqual([]);
  });

  test('invalid actions, unknown services and empty wildcards are findings at their path', async () => {
    // Each action of the statement and its finding (none for a valid one), reported at the action's index.
    const actions: [action: string, finding?: string][] = [
      ['dynamodb:TransactWriteItems', "unknown IAM action 'dynamodb:TransactWriteItems'"],
      ['eventbridge:PutEvents', "unknown IAM service prefix 'eventbridge' in 'eventbridge:PutEvents'"],
      ['s3:*Objekt*', "IAM action wildcard 's3:*Objekt*' matches no action of 's3'"],
      ['sqs:SendMessage'],
      ['PutItem', "IAM action 'PutItem' is not of the form service:Action"],
    ];
    const doc = policyDocument(actions.map(([action]) => action));
    expect(messages(await validateDoc(doc))).toEqual(
      actions.flatMap(([, finding], i) =>
        finding ? [`data.aws_iam_policy_document.doc.statement[0].actions[${i}]: ${finding}`] : [],
      ),
    );
  });

  test('not_actions are checked too', async () => {
    const doc = {
      data: { aws_iam_policy_document: { d: { statement: [{ not_actions: ['s3:GetObjekt'], resources: ['*'] }] } } },
    };
    expect(messages(await validateDoc(doc))).toEqual([
      "data.aws_iam_policy_document.d.statement[0].not_actions[0]: unknown IAM action 's3:GetObjekt'",
    ]);
  });

  test('literal JSON policies of policy-bearing resources', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:SendMessages'], Resource: '*' },
        { Effect: 'Allow', NotAction: 'kms:Decrypt', Resource: '*' },
      ],
    });
    const doc = {
      resource: {
        aws_sqs_queue_policy: { p: { queue_url: 'u', policy } },
        aws_kms_key: { k: { policy: '{not json' } },
      },
    };
    expect(messages(await validateDoc(doc))).toEqual([
      expect.stringMatching(/^resource\.aws_kms_key\.k\.policy: policy is not valid JSON/),
      "resource.aws_sqs_queue_policy.p.policy.Statement[0].Action[1]: unknown IAM action 'sqs:SendMessages'",
    ]);
  });

  test('cdktf ${jsonencode({...})} policies are evaluated; references inside are skipped', async () => {
    const policy =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Principal" = {"AWS" = ["arn:aws:iam::1:root"]}, "Action" = "eventbridge:PutEvents", "Resource" = aws_cloudwatch_event_bus.b.arn}, {"Action" = var.actions, "Resource" = "*"}]})}';
    const doc = {
      variable: { actions: { type: 'list(string)', description: 'a' } },
      resource: {
        aws_cloudwatch_event_bus: { b: { name: 'b' } },
        aws_cloudwatch_event_bus_policy: { p: { event_bus_name: 'b', policy } },
      },
    };
    expect(messages(await validateDoc(doc))).toEqual([
      "resource.aws_cloudwatch_event_bus_policy.p.policy.Statement[0].Action: unknown IAM service prefix 'eventbridge' in 'eventbridge:PutEvents'",
    ]);
  });

  test('references to policy documents (${data...json}) are left to the data source check', () => {
    const doc = {
      resource: { aws_iam_role_policy: { p: { policy: '${data.aws_iam_policy_document.d.json}', role: 'r' } } },
    };
    expect(collectIamActions([{ file: 'f', doc }])).toEqual({ actions: [], findings: [] });
  });

  test('lambda permission actions and hcl2json-shaped (array-wrapped) blocks', async () => {
    const doc = {
      data: { aws_iam_policy_document: { d: [{ statement: [{ actions: ['lambda:InvokeFunctions'] }] }] } },
      resource: {
        aws_lambda_permission: {
          p: [{ action: 'lambda:InvokeFunction', function_name: 'f', principal: 'events.amazonaws.com' }],
        },
      },
    };
    expect(messages(await validateDoc(doc))).toEqual([
      "data.aws_iam_policy_document.d[0].statement[0].actions[0]: unknown IAM action 'lambda:InvokeFunctions'",
    ]);
  });

  test('actionProblem is case-insensitive like IAM', async () => {
    expect(await actionProblem('DynamoDB:getitem')).toBeUndefined();
    expect(await actionProblem('dynamodb:Get?tem')).toBeUndefined();
  });
});
