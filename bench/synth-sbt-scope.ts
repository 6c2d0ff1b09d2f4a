/**
 * The scope SBT-AWS's reference figure covers (ControlPlane + CoreApplicationPlane with a provisioning and
 * a deprovisioning job, no billing/metering/marketplace), synthesized as a whole process — so the ratio to
 * SBT compares like with like. Built by `npm run bench` into dist/bench/synth-sbt-scope.js.
 */
import { ApplicationPlaneStack } from '../src/application-plane/application-plane-stack';
import { App } from '../src/core/cdktf';
import { ControlPlaneStack } from '../src/control-plane/control-plane-stack';

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
const controlPlane = new ControlPlaneStack(app, 'control-plane', {
  billing: false,
  metering: false,
  systemAdminEmail: 'admin@example.com',
});
new ApplicationPlaneStack(app, 'application-plane', { eventBusArn: controlPlane.eventManager.busArn });
app.synth();
