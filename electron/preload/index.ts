/**
 * The page's only door to main: `window.hvelv.invoke(method, input)` and
 * `onEvent`. No logic and no ipcRenderer exposed; main checks the sender and
 * parses every payload against the contract in shared/.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AppEvent, HvelvApi } from '../../shared/contract';
import { DROP_CHANNEL, EVENT_CHANNEL, IPC_CHANNEL } from '../../shared/ipc-channels';

const bridge: HvelvApi = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_CHANNEL, method, input),
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, event: AppEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
  // Drag and drop: only a real dropped file has a path; main hands back a token for it.
  grantDroppedFile: (file) => {
    const p = webUtils.getPathForFile(file);
    return p ? ipcRenderer.invoke(DROP_CHANNEL, p) : Promise.resolve(null);
  },
};

contextBridge.exposeInMainWorld('hvelv', bridge);
