// The URL a SIEM connector posts its alerts to, and a SOAR webhook's own URL, in one comparable form: scheme, host
// (lower case, default port dropped) and path only. User info, query string and fragment are dropped because they
// may hold secrets (tokens, API keys) and because they do not choose the webhook that receives.

/** scheme://host[:port]/path of an http(s) URL, or undefined when it is not one. */
export function endpointUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host.toLowerCase()}${path}`;
}
