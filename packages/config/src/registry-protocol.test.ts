import { describe, expect, it } from 'vitest';
import {
  registryInstancePath,
  registryServicePath,
  ZRegisterBody,
  ZRegistryServiceView,
} from './registry-protocol';
import { DP_NODE_STATUS_ROUTE, dpNodeStatusPath, ZDeploymentInfo } from './sync-protocol';

describe('the registry wire contract', () => {
  it('builds paths with each segment encoded', () => {
    expect(registryServicePath('orders')).toBe('/registry/v1/services/orders');
    expect(registryInstancePath('orders', 'host/1')).toBe(
      '/registry/v1/services/orders/instances/host%2F1',
    );
  });

  it('fills a registration’s defaults and refuses a forbidden target with the field named', () => {
    expect(ZRegisterBody.parse({ address: '10.0.0.12', port: 8080 })).toEqual({
      address: '10.0.0.12',
      port: 8080,
      metadata: {},
      ttlSeconds: 30,
    });
    const refused = ZRegisterBody.safeParse({ address: '169.254.169.254', port: 80 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['address']);
    expect(ZRegisterBody.safeParse({ address: 'a.example', port: 80, extra: 1 }).success).toBe(
      false,
    );
  });

  it('reads a service view as the registry answers it', () => {
    const view = {
      service: 'orders',
      index: 7,
      epoch: 'e1',
      emptiedBy: null,
      instances: [
        {
          id: 'i-1',
          address: '10.0.0.1',
          port: 80,
          metadata: { zone: 'a' },
          ttlSeconds: 15,
          expiresAt: 1,
        },
      ],
    };
    expect(ZRegistryServiceView.parse(view)).toEqual(view);
    expect(ZRegistryServiceView.safeParse({ ...view, emptiedBy: 'gone' }).success).toBe(false);
  });
});

describe('the data-plane sync wire contract', () => {
  it('names the status route and builds a node’s path', () => {
    expect(DP_NODE_STATUS_ROUTE).toBe('/dp/v1/nodes/:nodeId/status');
    expect(dpNodeStatusPath('gw:1')).toBe('/dp/v1/nodes/gw%3A1/status');
  });

  it('refuses a deployment answer whose prefix could not be a Redis prefix', () => {
    expect(ZDeploymentInfo.parse({ redisPrefix: 'portico_prod' })).toEqual({
      redisPrefix: 'portico_prod',
    });
    expect(ZDeploymentInfo.safeParse({ redisPrefix: 'has space' }).success).toBe(false);
  });
});
