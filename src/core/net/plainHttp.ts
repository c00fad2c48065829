// Which URLs native code may be fetched from: https anywhere, plain http only on this machine (a local mirror, a test
// registry), where nobody on the network can read or change what is sent. The CUDA binaries are pinned by hash too;
// this rule keeps a mistyped mirror from sending the request, and what it reveals, in the clear.

/** Why `text` may not be fetched, or undefined when it may. */
export function plainHttpProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${url.protocol} URLs are not fetched (${url.href}); use https`;
  return isLoopbackHost(url.hostname)
    ? undefined
    : `plain http is used only on this machine (localhost, 127.0.0.0/8, [::1]), not for ${url.host}; use https`;
}

/**
 * `hostname` as URL parses it: IPv4 in any spelling ("127.1", "2130706433") is already dotted decimal, and IPv6 is in
 * brackets, lower case and compressed. Only these literal names: "localhost." or "x.localhost" depend on a resolver.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
