export { endpoints, eventually, UpdateRecorder } from './update-recorder';
