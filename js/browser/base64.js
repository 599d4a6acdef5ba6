// Base64 without Buffer, for moving bytes across the page boundary.

/** @param {Uint8Array} bytes */
export function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    // apply() takes any array-like; its type wants an array.
    const codes = /** @type {number[]} */ (/** @type {unknown} */ (bytes.subarray(i, i + 0x8000)));
    binary += String.fromCharCode.apply(null, codes);
  }
  return btoa(binary);
}

/** @param {string} text */
export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
