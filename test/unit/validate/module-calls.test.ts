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
