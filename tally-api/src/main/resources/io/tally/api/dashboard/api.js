// The query server's API, with the signed-in project's read key.

/** A failed request: the server's error code, message and the field at fault. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.field = error.field;
  }
}

/** Called when the key stops working, so the app can ask to sign in again. */
let onUnauthorized = () => {};
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

export class Api {
  constructor(project, readKey) {
    this.project = project;
    this.readKey = readKey;
    this.base = `/v1/projects/${encodeURIComponent(project)}`;
  }

  async request(method, path, body) {
    const response = await fetch(this.base + path, {
      method,
      headers: Object.assign({ Authorization: `Bearer ${this.readKey}` }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store'
    });
    if (response.status === 204) return null;
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      throw new ApiError(response.status, { message: `The server answered HTTP ${response.status} without JSON` });
    }
    if (!response.ok) {
      const error = new ApiError(response.status, (json && json.error) || {});
      if (response.status === 401) onUnauthorized(error);
      throw error;
    }
    return json;
  }

  query(query) { return this.request('POST', '/query', query); }
  insights() { return this.request('GET', '/insights'); }
  createInsight(insight) { return this.request('POST', '/insights', insight); }
  updateInsight(id, insight) { return this.request('PUT', `/insights/${encodeURIComponent(id)}`, insight); }
  deleteInsight(id) { return this.request('DELETE', `/insights/${encodeURIComponent(id)}`); }
  dashboards() { return this.request('GET', '/dashboards'); }
  dashboard(id) { return this.request('GET', `/dashboards/${encodeURIComponent(id)}`); }
  createDashboard(dashboard) { return this.request('POST', '/dashboards', dashboard); }
  updateDashboard(id, dashboard) { return this.request('PUT', `/dashboards/${encodeURIComponent(id)}`, dashboard); }
  deleteDashboard(id) { return this.request('DELETE', `/dashboards/${encodeURIComponent(id)}`); }
  latestEvents(limit) { return this.request('GET', `/events/latest?limit=${limit}`); }
  ingestion() { return this.request('GET', '/ingestion'); }
}
