// Entry point of the chat webview (bundled to dist/webview/chat.js). The listener is in place before `ready` goes
// out (in start), so no message the host sends in reply can be missed.
import type { ChatToHost } from '../../protocol/chatViewProtocol';
import { connect } from '../common/vscodeApi';
import { ChatApp } from './app';

const app = new ChatApp(connect<ChatToHost>(), document.getElementById('app') ?? document.body);
window.addEventListener('message', (event: MessageEvent<unknown>) => app.receive(event.data));
app.start();
