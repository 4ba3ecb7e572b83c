'use client';

import { HTTP_METHODS } from '@portico/config';
import { CheckList, TextInput, useFormContext } from '../../../components/fields';
import { useRowKeys } from '../../../components/use-row-keys';
import type { Draft } from './api-draft';

const METHOD_OPTIONS = HTTP_METHODS.map((m) => ({ value: m, label: m }));

/** Routes: methods (none = any) and a path pattern under the base path. */
export function RoutesEditor({ routes }: { routes: Draft['routes'] }) {
  const form = useFormContext();
  const rowKeys = useRowKeys(routes.length);
  return (
    <fieldset>
      <legend>Routes</legend>
      <p className="muted" style={{ marginTop: 0 }}>
        Paths are relative to the base path: literal segments, <code>:param</code> and a final{' '}
        <code>*</code>. No methods ticked means any method.
      </p>
      {routes.length === 0 ? (
        <p className="alert warn" data-testid="no-routes-note">
          No routes: the gateway serves every method and every path under the base path. Add routes
          to expose only some of them.
        </p>
      ) : null}
      {routes.map((route, i) => (
        <div
          key={rowKeys.keyAt(i)}
          className="form-row"
          style={{ alignItems: 'end', marginBottom: 10 }}
        >
          <TextInput path={`routes.${i}.path`} label={`Route ${i + 1} path`} />
          <div className="field">
            <span className="field-label">Methods</span>
            <div className="toolbar" style={{ margin: 0 }}>
              <CheckList
                options={METHOD_OPTIONS}
                selected={route.methods}
                onChange={(methods) => form.set(`routes.${i}.methods`, methods)}
              />
            </div>
          </div>
          <button
            type="button"
            className="danger small"
            onClick={() => {
              form.set(
                'routes',
                routes.filter((_, j) => j !== i),
              );
              rowKeys.removed(i);
            }}
          >
            Remove route
          </button>
        </div>
      ))}
      <button
        type="button"
        className="small"
        onClick={() => {
          form.set('routes', [...routes, { methods: [], path: '/' }]);
          rowKeys.added();
        }}
      >
        Add route
      </button>
    </fieldset>
  );
}
