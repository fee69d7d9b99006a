// http-fetch in JavaScript (componentize-js): fetch() runs over the same wasi:http import the C
// version binds directly, and the host must be granted all the same. Exported functions may be
// async; a thrown string is the `err` case of the result.

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const fetch = {
  async get(url, maxBytes) {
    if (!/^https?:\/\/[^/]/.test(url)) {
      throw 'bad URL: expected http://HOST[:PORT]/PATH or https://...';
    }
    let response;
    try {
      response = await globalThis.fetch(url, { redirect: 'manual' });
    } catch (e) {
      // A refused host surfaces here as a NetworkError: fetch() hides the wasi:http error code.
      throw String(e);
    }
    const body = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      size: BigInt(body.length),
      sha256: hex(await crypto.subtle.digest('SHA-256', body)),
      // The WHATWG decoder replaces each maximal invalid subpart with U+FFFD, as the C one does.
      head: new TextDecoder().decode(body.subarray(0, maxBytes)),
    };
  },
};
