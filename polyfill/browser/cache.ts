// polyfill/: compiled ahead, found by a page. With `globalThis.W2JS_CACHE_URL = '/w2js-cache/'`
// set before the polyfill's script, the asynchronous functions (instantiate, compile and their
// streaming forms, what loaders use) fetch `<url><sha-256 of the bytes>.js`, the file
// `w2js cache <in.wasm> -o <dir>` writes, and compile in the page only when there is none.
// The digest is crypto.subtle's (secure contexts: https, localhost).

/** The asynchronous lookup for `baseUrl`, or undefined where the page cannot hash. */
export function fetchCache(baseUrl: string): ((bytes: Uint8Array) => Promise<string | undefined>) | undefined {
  const subtle = (globalThis as { crypto?: { subtle?: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (!subtle || typeof fetch !== 'function') return undefined;
  return async (bytes) => {
    const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    try {
      const response = await fetch(`${baseUrl}${hex}.js`);
      return response.ok ? await response.text() : undefined;
    } catch {
      return undefined; // offline, blocked: compile in the page
    }
  };
}
