export { type RegisterOptions, type Registration, register } from './register';
