/**
 * Reference app: synthesizes cdktf.out/stacks/{control-plane,application-plane,marketplace}/cdk.tf.json.
 * Run with `npm run synth` (precompiled, no ts-node) or `cdktf synth` (cdktf.json points at the same build).
 */
import { App } from './src/core/cdktf';
import { buildReferenceApp } from './src/reference-app';

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
buildReferenceApp(app, 'root');
app.synth();
