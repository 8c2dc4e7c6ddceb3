/* The page's shared state (one object, so modules read the same values). */

export const state = {
  meta: null,          // GET /api/meta
  config: null,        // GET /api/chat/config
  conversationId: null,
  busy: false,
  controller: null,    // AbortController of the answer being streamed
  viewer: { source: null, opener: null },
  textCache: new Map(), // source -> Promise of /text JSON
  draft: null,
  reports: null,       // Promise of GET /api/reports
};
