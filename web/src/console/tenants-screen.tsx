import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import { Field } from '../ui/field.js';
import { formatTime } from '../ui/format.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link, navigate } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { useLoad } from '../ui/use-load.js';
import type { ConsoleContext } from './console-app.js';

/** The tenants (the operator's customers), and a form to add one. */
export function TenantsScreen(props: { context: ConsoleContext }) {
  const { api } = props.context;
  const list = useLoad(() => api.listTenants(), []);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();

  async function create(event: Event) {
    event.preventDefault();
    setError(undefined);
    try {
      const tenant = await api.createTenant({ id: id.trim(), name: name.trim() });
      navigate(`/console/tenants/${encodeURIComponent(tenant.id)}`);
    } catch (problem) {
      setError(problem);
    }
  }
  const apiError = error instanceof ApiError ? error : undefined;
  const named = apiError?.forField('id') ?? apiError?.forField('name');
  return (
    <>
      <ScreenTitle>Tenants</ScreenTitle>
      <ErrorNotice error={list.error} />
      {list.data && list.data.data.length === 0 && <p>No tenants yet.</p>}
      {list.data && list.data.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Tenants</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((tenant) => (
                <tr key={tenant.id}>
                  <td>
                    <Link href={`/console/tenants/${encodeURIComponent(tenant.id)}`}>
                      {tenant.id}
                    </Link>
                  </td>
                  <td>{tenant.name}</td>
                  <td>{tenant.status}</td>
                  <td>{formatTime(tenant.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={create} noValidate aria-labelledby="new-tenant-heading">
        <h2 id="new-tenant-heading">New tenant</h2>
        <Field
          id="tenant-id"
          label="Tenant id"
          hint="Your own id for this customer: letters, digits, _ . - (at most 64)."
          error={apiError?.forField('id')}
        >
          {(aria) => <input {...aria} value={id} onInput={(e) => setId(e.currentTarget.value)} />}
        </Field>
        <Field id="tenant-name" label="Name" error={apiError?.forField('name')}>
          {(aria) => (
            <input {...aria} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          )}
        </Field>
        {error !== undefined && !named && <ErrorNotice error={error} />}
        <button type="submit">Create tenant</button>
      </form>
    </>
  );
}
