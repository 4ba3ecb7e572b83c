import type * as Cockatiel from 'cockatiel';
import type * as Etcd3 from 'etcd3';
import type ZooKeeper from 'node-zookeeper-client';

/** What the etcd adapter needs: the etcd3 client and cockatiel's back-off for its watch streams. */
export interface EtcdLibrary {
  etcd3: typeof Etcd3;
  cockatiel: typeof Cockatiel;
}
export type ZookeeperLibrary = typeof ZooKeeper;

/**
 * The third-party registry clients, each imported the first time an adapter of its kind is built
 * (when a config naming such a registry is applied), never at startup: a gateway with no etcd or
 * ZooKeeper registry never loads those libraries. Importing the npm packages themselves (not the
 * adapter modules) keeps this true in the bundled build, where the packages stay external.
 */
export const CLIENT_LIBRARIES = {
  etcd: async (): Promise<EtcdLibrary> => {
    const [etcd3, cockatiel] = await Promise.all([import('etcd3'), import('cockatiel')]);
    return { etcd3, cockatiel };
  },
  zookeeper: async (): Promise<ZookeeperLibrary> => (await import('node-zookeeper-client')).default,
} as const;

/** The npm packages behind CLIENT_LIBRARIES, as they appear in a process's loaded modules. */
export const CLIENT_LIBRARY_PACKAGES = {
  etcd: ['etcd3', 'cockatiel'],
  zookeeper: ['node-zookeeper-client'],
} as const satisfies Record<keyof typeof CLIENT_LIBRARIES, readonly string[]>;
