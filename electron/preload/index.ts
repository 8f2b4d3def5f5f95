/**
 * The page's only door to main: `window.hvelv.invoke(method, input)` and
 * `onEvent`. No logic and no ipcRenderer exposed; main checks the sender and
 * parses every payload against the contract in shared/.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AppEvent, HvelvApi } from '../../shared/contract';
import { EVENT_CHANNEL, IPC_CHANNEL } from '../../shared/ipc-channels';

const bridge: HvelvApi = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_CHANNEL, method, input),
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, event: AppEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
  // Drag and drop: the page gets a File; main needs its path to stream it.
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('hvelv', bridge);
