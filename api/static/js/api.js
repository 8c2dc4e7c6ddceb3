/* HTTP helpers: JSON in and out, the server's one-line error messages, the optional API key. */

export function apiKeyHeaders() {
  const key = sessionStorage.getItem("yotassist-api-key") || "";
  return key ? { "X-API-Key": key } : {};
}

export async function errorMessage(response) {
  try {
    const data = await response.json();
    if (data && typeof data.detail === "string") return data.detail;
    if (data && Array.isArray(data.detail)) return data.detail.map((d) => d.msg).join("; ");
  } catch (e) { /* not JSON */ }
  return `${response.status} ${response.statusText}`;
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.json();
}

/** POST (or another method) a JSON body; returns the Response (callers read JSON or a blob). */
export async function sendJSON(url, body, method = "POST", extra = {}) {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    ...extra,
  });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response;
}

export const postJSON = (url, body) => sendJSON(url, body, "POST");
