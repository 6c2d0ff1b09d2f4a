import { checkModuleCalls } from '../../../src/core/validate/module-calls';

const inputs = new Map([
  ['name_prefix', { required: false }],
  ['event_bus_arn', { required: true }],
]);
const opts = { moduleInputs: (_n: string, source: string) => (source === '../../modules/app' ? inputs : undefined) };

test('module call: unknown argument and missing required input are findings; meta-arguments are not', () => {
  const doc = {
    module: {
      app: { source: '../../modules/app', name_prefx: 'x', providers: {}, count: 1, depends_on: [] },
      ok: [{ source: '../../modules/app', event_bus_arn: '${module.cp.bus}' }],
      registry: { source: 'acme/x/aws', whatever: 1 },
    },
  };
  expect(checkModuleCalls([{ file: 'main.tf', doc }], opts)).toEqual([
    { file: 'main.tf', path: 'module.app.name_prefx', message: "module 'app' (../../modules/app) has no input 'name_prefx'" },
    {
      file: 'main.tf',
      path: 'module.app',
      message: "module 'app' (../../modules/app) needs input 'event_bus_arn' (it has no default)",
    },
  ]);
});

test('module calls are not checked when no module reader is given', () => {
  expect(checkModuleCalls([{ file: 'm', doc: { module: { a: { source: './x', y: 1 } } } }], {})).toEqual([]);
});

import { checkReferences } from '../../../src/core/validate/references';
import { declarationsOf } from '../../../src/core/validate/model';

test('a variable default holding a reference is a finding; an escaped $${ is not', () => {
  const doc = {
    variable: {
      bad: { type: 'list(string)', default: ['${data.terraform_remote_state.cp.outputs.id}'] },
      ok: { type: 'string', default: 'echo $${HOME}' },
    },
    data: { terraform_remote_state: { cp: { backend: 'local' } } },
  };
  const files = [{ file: 'cdk.tf.json', doc }];
  expect(checkReferences(files, declarationsOf(files))).toEqual([
    {
      file: 'cdk.tf.json',
      path: 'variable.bad.default[0]',
      message: "variable 'bad' has a default that is not a literal (references are not allowed in defaults)",
    },
  ]);
});
