export * from './local-registry-servers';
export { endpoints, eventually, UpdateRecorder } from './update-recorder';
