export * from './local-registry-servers';
export { endpoints, UpdateRecorder } from './update-recorder';
