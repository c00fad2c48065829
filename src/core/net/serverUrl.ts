// The llama-server URL setting, checked: http or https only, and no user name or password in it, since a URL is logged
// and shown in the status bar while a key belongs in VS Code's secret storage.

export type ServerUrlChoice = { url: URL; problem?: undefined } | { url?: undefined; problem: string };

export function parseServerUrl(value: unknown): ServerUrlChoice {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length === 0) {
    return { problem: 'llamaLens.backend is "server" but llamaLens.server.url is not set: set it to your llama-server, '
      + 'e.g. http://gpu-box:8080.' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `llamaLens.server.url must be a URL such as http://gpu-box:8080, not ${JSON.stringify(text.slice(0, 200))}.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `llamaLens.server.url must start with http:// or https://, not ${url.protocol}//.` };
  }
  if (url.username !== '' || url.password !== '') {
    return { problem: 'llamaLens.server.url must not hold a user name or password: run "Llama Lens: Set Server API Key" for the key.' };
  }
  url.search = '';
  url.hash = '';
  return { url };
}
