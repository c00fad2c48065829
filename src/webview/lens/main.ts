// Entry point of the Lens webview (bundled to dist/webview/lens.js). The listener is in place before
// `ready` goes out (in start), so no message the host sends in reply can be missed.
import { LensApp } from './app';
import { connect } from '../common/vscodeApi';
import type { LensToHost } from '../../protocol/lensProtocol';

const channel = connect<LensToHost>();
const app = new LensApp(channel, document.getElementById('app') ?? document.body);
window.addEventListener('message', (event: MessageEvent<unknown>) => app.receive(event.data));
app.start();
