/**
 * What the console and the portal run on their own servers in front of the control plane: the
 * same-origin `/trpc` proxy. A separate entry so those apps load it without the routers, Prisma
 * or the services behind `@portico/api`.
 */
export {
  controlPlaneUnreachable,
  forwardToControlPlane,
  NOT_FORWARDED,
  NOT_RETURNED,
} from './control-plane-proxy';
