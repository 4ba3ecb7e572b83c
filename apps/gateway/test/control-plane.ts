export { type ControlPlane, startControlPlane } from '@portico/testkit';
