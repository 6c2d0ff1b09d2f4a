export * from './script-job';
export * from './provisioning-script-job';
export * from './deprovisioning-script-job';
export * from './core-application-plane';
export * from './application-plane-stack';
export { scriptJobBuildspec, type Buildspec, type BuildspecProps } from './buildspec';
export { scriptJobDefinition, SCRIPT_JOB_STATES, type ScriptJobDefinitionProps } from './state-machine-definition';
export { PROVISIONING_SCRIPT, DEPROVISIONING_SCRIPT } from './tenant-scripts';
