/**
 * A faithful fake of the `electron` module for the tests of electron/main and
 * electron/preload (no Electron binary can be downloaded where Hvelv is built). It keeps
 * the strings and shapes Electron 45 documents and passes, not the ones our code would
 * like, and the rules Electron enforces:
 *
 * - `ipcMain.handle(channel, listener)`: one handler per channel ("Attempted to register a
 *   second handler for '…'"); the listener gets an IpcMainInvokeEvent whose `senderFrame`
 *   is a WebFrameMain with `url` (the frame's whole URL) and `origin` (serialised per
 *   RFC 6454: 'app://hvelv' for a standard scheme, "null" for an opaque one), `parent`
 *   (null for a main frame), and `sender` (the WebContents, with its `id`).
 * - `protocol.registerSchemesAsPrivileged` only before `ready`, once; `protocol.handle`
 *   once per scheme, with a Fetch `Request` (method, url, headers such as range) and a
 *   `Response` back. A window's `loadURL` and the page's own requests go through the
 *   session's `webRequest.onBeforeRequest` listener first (details: id, url, method,
 *   resourceType, webContentsId, referrer, timestamp), and a cancel fails the load with
 *   ERR_BLOCKED_BY_CLIENT (-20).
 * - Permission handlers with their documented arguments: the check handler gets
 *   (webContents | null, permission, requestingOrigin, details) where requestingOrigin is a
 *   URL spec with a trailing slash ('app://hvelv/'); the device handler gets
 *   { deviceType, origin: 'app://hvelv', device }.
 * - `powerMonitor` per platform: 'lock-screen' is emitted on macOS and Windows only; on
 *   Linux a locked screen shows only in `getSystemIdleState` (and to logind, outside Electron).
 * - `app.whenReady()` resolves only when the test says the app is ready
 *   (`fake.ready()`), as Electron's does after its own start.
 * - Preload side: `contextBridge.exposeInMainWorld`, `ipcRenderer`, `webUtils`.
 *
 * Used with `vi.mock('electron', () => import('./fake-electron').then((m) => m.electronModule))`.
 */
import { EventEmitter } from 'node:events';

export type Platform = 'linux' | 'darwin' | 'win32';

/** Which powerMonitor events Electron 45 emits on which OS (docs/api/power-monitor.md). */
const POWER_EVENT_PLATFORMS: Record<string, Platform[]> = {
  suspend: ['linux', 'darwin', 'win32'],
  resume: ['linux', 'darwin', 'win32'],
  'lock-screen': ['darwin', 'win32'],
  'unlock-screen': ['darwin', 'win32'],
  shutdown: ['linux', 'darwin'],
  'on-ac': ['darwin', 'win32'],
  'on-battery': ['darwin', 'win32'],
};

/** Chromium's serialisation of an origin: scheme://host[:port] for special and standard schemes, else "null". */
export function serialisedOrigin(url: string, standardSchemes: ReadonlySet<string>): string {
  try {
    const u = new URL(url);
    const scheme = u.protocol.slice(0, -1);
    if (['http', 'https', 'ws', 'wss', 'ftp'].includes(scheme)) return u.origin;
    if (scheme === 'file') return 'file://';
    if (standardSchemes.has(scheme) && u.host !== '') return `${scheme}://${u.host}`;
    return 'null';
  } catch {
    return 'null';
  }
}

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface WebFrameMainLike {
  url: string;
  origin: string;
  parent: WebFrameMainLike | null;
  top: WebFrameMainLike | null;
  frameTreeNodeId: number;
  processId: number;
  routingId: number;
  isDestroyed(): boolean;
}

export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = '';
  destroyed = false;
  crashed = false;
  /** What the page was last served (the body the protocol handler answered for loadURL). */
  lastDocument: { url: string; status: number; headers: Headers; body: string } | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  printed: unknown[] = [];
  mainFrame: WebFrameMainLike;
  readonly session: FakeSession;

  constructor(session: FakeSession) {
    super();
    this.session = session;
    this.mainFrame = this.frame(null, '');
  }

  /** A frame of this page: the main frame (parent null) or a child of `parent`. */
  frame(parent: WebFrameMainLike | null, url: string): WebFrameMainLike {
    const f: WebFrameMainLike = {
      url,
      // about:blank inherits its parent's origin, as in Chromium.
      origin: url === 'about:blank' && parent ? parent.origin : serialisedOrigin(url, current().standardSchemes),
      parent,
      top: null,
      frameTreeNodeId: Math.floor(Math.random() * 1e6),
      processId: 4242,
      routingId: 1,
      isDestroyed: () => this.destroyed,
    };
    f.top = parent ? parent.top : f;
    return f;
  }

  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isCrashed(): boolean {
    return this.crashed;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = h;
  }

  async loadURL(url: string): Promise<void> {
    const res = await current().fetch(url, { webContentsId: this.id, resourceType: 'mainFrame' });
    this.url = url;
    this.mainFrame = this.frame(null, url);
    this.lastDocument = { url, status: res.status, headers: res.headers, body: await res.text() };
    this.emit('did-finish-load');
  }

  /**
   * The page asks a frame to go elsewhere (a link, location.href), as Electron 45 orders it
   * (electron_navigation_throttle.cc): 'will-frame-navigate' for every frame, then, for the
   * main frame and only if not prevented, 'will-navigate'. Returns whether it went.
   */
  pageNavigates(url: string, frame: WebFrameMainLike = this.mainFrame): boolean {
    const isMainFrame = frame.parent === null;
    const e = Object.assign(new FakeEvent(), { url, isMainFrame, frame, initiator: this.mainFrame });
    this.emit('will-frame-navigate', e);
    if (!e.defaultPrevented && isMainFrame) this.emit('will-navigate', e, url);
    return !e.defaultPrevented;
  }

  /** A server redirect during a navigation: 'will-redirect'. Returns whether it was followed. */
  pageRedirects(url: string): boolean {
    const e = Object.assign(new FakeEvent(), { url, isMainFrame: true, frame: this.mainFrame });
    this.emit('will-redirect', e, url);
    return !e.defaultPrevented;
  }

  /** window.open from the page: the handler's answer, or allowed when there is none. */
  pageOpensWindow(url: string): 'allow' | 'deny' {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }).action : 'allow';
  }

  async printToPDF(options: Record<string, unknown>): Promise<Buffer> {
    if (this.lastDocument === null) throw new Error('nothing loaded');
    this.printed.push(options);
    // Stands for Chromium's PDF of the page: marks which document it was made from.
    return Buffer.from(`%PDF-1.4\n% fake of ${this.lastDocument.url}\n${this.lastDocument.body}`);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows(): FakeBrowserWindow[] {
    return current().windows.filter((w) => !w.destroyed);
  }
  readonly webContents: FakeWebContents;
  destroyed = false;
  visible = false;
  minimized = false;
  focused = false;
  readonly calls: string[] = [];

  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    if (!current().isReady) throw new Error('Cannot create BrowserWindow before app is ready');
    this.webContents = new FakeWebContents(current().session);
    current().windows.push(this);
    current().app.emit('web-contents-created', new FakeEvent(), this.webContents);
    this.visible = options.show !== false;
  }

  async loadURL(url: string): Promise<void> {
    await this.webContents.loadURL(url);
    if (!this.destroyed) this.emit('ready-to-show');
  }
  show(): void {
    this.calls.push('show');
    this.visible = true;
  }
  focus(): void {
    this.calls.push('focus');
    this.focused = true;
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
  }
}

type CheckHandler = (wc: FakeWebContents | null, permission: string, requestingOrigin: string, details: Record<string, unknown>) => boolean;
type RequestHandler = (wc: FakeWebContents, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
type DeviceHandler = (details: { deviceType: string; origin: string; device: unknown }) => boolean;
type BeforeRequest = (details: Record<string, unknown>, callback: (response: { cancel?: boolean; redirectURL?: string }) => void) => void;

export class FakeSession extends EventEmitter {
  checkHandler: CheckHandler | null = null;
  requestHandler: RequestHandler | null = null;
  deviceHandler: DeviceHandler | null = null;
  beforeRequest: BeforeRequest | null = null;
  readonly webRequest = {
    onBeforeRequest: (filterOrListener: BeforeRequest | object | null, maybeListener?: BeforeRequest | null) => {
      this.beforeRequest = (typeof filterOrListener === 'function' ? (filterOrListener as BeforeRequest) : maybeListener) ?? null;
    },
  };
  setPermissionCheckHandler(h: CheckHandler | null): void {
    this.checkHandler = h;
  }
  setPermissionRequestHandler(h: RequestHandler | null): void {
    this.requestHandler = h;
  }
  setDevicePermissionHandler(h: DeviceHandler | null): void {
    this.deviceHandler = h;
  }

  /** What Chromium asks before a web API that needs a permission; Electron's default (no handler) allows. */
  check(wc: FakeWebContents | null, permission: string, requestingOrigin: string, details: Record<string, unknown>): boolean {
    return this.checkHandler ? this.checkHandler(wc, permission, requestingOrigin, details) : true;
  }
  request(wc: FakeWebContents, permission: string, details: Record<string, unknown>): Promise<boolean> {
    if (!this.requestHandler) return Promise.resolve(true);
    return new Promise((resolve) => this.requestHandler!(wc, permission, resolve, details));
  }
  /**
   * `navigator.hid.requestDevice()` from the page, as Electron 45 handles it: the permission
   * check first, asked with no frame (electron_hid_delegate.cc's CanRequestDevicePermission
   * passes a null frame, so webContents is null and isMainFrame false), and only if it
   * passes, the chooser. Resolves to the chosen device id, or null (refused, or none chosen).
   */
  async requestHid(wc: FakeWebContents, deviceList: { deviceId: string; vendorId: number; productId: number; name: string }[]): Promise<string | null> {
    const origin = new URL(wc.getURL()).protocol === 'app:' ? `app://${new URL(wc.getURL()).host}/` : `${new URL(wc.getURL()).origin}/`;
    if (!this.check(null, 'hid', origin, { securityOrigin: origin, isMainFrame: false })) return null;
    return this.chooseHid(wc, deviceList);
  }

  /** The HID chooser: Electron emits 'select-hid-device'; without preventDefault the first device is not chosen (the request fails). */
  chooseHid(wc: FakeWebContents, deviceList: { deviceId: string; vendorId: number; productId: number; name: string }[]): Promise<string | null> {
    return new Promise((resolve) => {
      const e = new FakeEvent();
      this.emit('select-hid-device', e, { deviceList, frame: wc.mainFrame }, (id?: string | null) => resolve(id ? id : null));
      if (!e.defaultPrevented) resolve(null);
    });
  }
}

export class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = [];
  killed = false;
  pid = 31337;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  readonly calls: string[] = [];
  paths: Record<string, string> = {};
  exitCode: number | null = null;
  private readyWaiters: (() => void)[] = [];
  singleInstance = true;
  dock: { hide(): void } | undefined = undefined;

  whenReady(): Promise<void> {
    if (current().isReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }
  isReady(): boolean {
    return current().isReady;
  }
  markReady(): void {
    current().isReady = true;
    for (const r of this.readyWaiters.splice(0)) r();
    this.emit('ready', new FakeEvent(), {});
  }
  enableSandbox(): void {
    if (current().isReady) throw new Error('app.enableSandbox() can only be called before app is ready');
    this.calls.push('enableSandbox');
  }
  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.singleInstance;
  }
  quit(): void {
    this.calls.push('quit');
  }
  exit(code = 0): void {
    this.calls.push(`exit ${code}`);
    this.exitCode = code;
  }
  getPath(name: string): string {
    const p = this.paths[name];
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  setPath(name: string, value: string): void {
    this.paths[name] = value;
  }
  getAppPath(): string {
    return this.paths.appPath ?? process.cwd();
  }
  getVersion(): string {
    return '0.1.0';
  }
  getLocale(): string {
    return 'nb';
  }
  getPreferredSystemLanguages(): string[] {
    return ['nb-NO'];
  }
}

class FakePowerMonitor extends EventEmitter {
  idleState: 'active' | 'idle' | 'locked' | 'unknown' = 'active';
  getSystemIdleState(idleThreshold: number): string {
    // Electron 45 (electron_api_power_monitor.cc) requires idle_threshold > 0.
    if (!Number.isInteger(idleThreshold) || idleThreshold <= 0) throw new TypeError('Invalid idle threshold, must be greater than 0');
    return this.idleState;
  }
  getSystemIdleTime(): number {
    return 0;
  }
  /** An OS event: delivered only where Electron emits it on this platform. Returns whether it was. */
  fire(event: string): boolean {
    if (!POWER_EVENT_PLATFORMS[event]?.includes(current().platform)) return false;
    this.emit(event);
    return true;
  }
  /**
   * The user locks the screen: macOS and Windows send 'lock-screen'; on Linux Electron says
   * nothing, and the locked screen shows only in the idle state (where the desktop reports it).
   */
  lockScreen(): void {
    this.idleState = 'locked';
    this.fire('lock-screen');
  }
}

interface State {
  platform: Platform;
  windows: FakeBrowserWindow[];
  isReady: boolean;
  app: FakeApp;
  session: FakeSession;
  powerMonitor: FakePowerMonitor;
  standardSchemes: Set<string>;
  privileged: { scheme: string; privileges: Record<string, boolean> }[] | null;
  protocolHandlers: Map<string, (request: Request) => Response | Promise<Response>>;
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  utility: FakeUtilityProcess[];
  dialogAnswers: { open: (string | null)[]; save: (string | null)[] };
  notifications: { title: string; body: string }[];
  errorBoxes: { title: string; content: string }[];
  exposed: Map<string, unknown>;
  rendererListeners: Map<string, Set<(...args: unknown[]) => void>>;
  rendererInvokes: { channel: string; args: unknown[] }[];
  pathsForFiles: WeakMap<object, string>;
  fetch(url: string, opts?: { webContentsId?: number; resourceType?: string; method?: string; headers?: Record<string, string> }): Promise<Response>;
}

function freshState(platform: Platform): State {
  let nextRequest = 1;
  const s: State = {
    platform,
    windows: [],
    isReady: false,
    app: new FakeApp(),
    session: new FakeSession(),
    powerMonitor: new FakePowerMonitor(),
    standardSchemes: new Set(),
    privileged: null,
    protocolHandlers: new Map(),
    ipcHandlers: new Map(),
    utility: [],
    dialogAnswers: { open: [], save: [] },
    notifications: [],
    errorBoxes: [],
    exposed: new Map(),
    rendererListeners: new Map(),
    rendererInvokes: [],
    pathsForFiles: new WeakMap(),
    async fetch(url, opts = {}) {
      // The session's request filter first, as Electron's webRequest does for every scheme.
      if (s.session.beforeRequest) {
        const verdict = await new Promise<{ cancel?: boolean }>((resolve) =>
          s.session.beforeRequest!(
            { id: nextRequest++, url, method: opts.method ?? 'GET', resourceType: opts.resourceType ?? 'xhr', webContentsId: opts.webContentsId, referrer: '', timestamp: Date.now(), uploadData: [] },
            resolve,
          ),
        );
        if (verdict.cancel) throw new Error(`ERR_BLOCKED_BY_CLIENT (-20) loading '${url}'`);
      }
      const scheme = url.slice(0, Math.max(0, url.indexOf(':')));
      const handler = s.protocolHandlers.get(scheme);
      if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
      return handler(new Request(url, { method: opts.method ?? 'GET', headers: opts.headers }));
    },
  };
  s.app.paths = { userData: '', documents: '', appData: '' };
  s.app.dock = platform === 'darwin' ? { hide: () => s.app.calls.push('dock.hide') } : undefined;
  return s;
}

// One state for every copy of this module: vi.resetModules() makes the mocked 'electron'
// import a fresh copy, and the test's `fake` must still drive the one the code sees.
const STATE = Symbol.for('hvelv.fake-electron.state');
const holder = globalThis as unknown as { [STATE]?: State };
let state: State = holder[STATE] ?? (holder[STATE] = freshState('linux'));
const setState = (s: State): void => {
  state = s;
  holder[STATE] = s;
};
const current = (): State => {
  state = holder[STATE]!;
  return state;
};

/** The test's handle on the fake: reset it, drive it, and read what the code did with it. */
export const fake = {
  reset(opts: { platform?: Platform; isPackaged?: boolean; singleInstance?: boolean; paths?: Record<string, string> } = {}): void {
    setState(freshState(opts.platform ?? 'linux'));
    current().app.isPackaged = opts.isPackaged ?? false;
    current().app.singleInstance = opts.singleInstance ?? true;
    Object.assign(current().app.paths, opts.paths ?? {});
    current().windows = [];
  },
  get platform(): Platform {
    return current().platform;
  },
  get app(): FakeApp {
    return current().app;
  },
  get session(): FakeSession {
    return current().session;
  },
  get powerMonitor(): FakePowerMonitor {
    return current().powerMonitor;
  },
  get privileged(): State['privileged'] {
    return current().privileged;
  },
  get ipcChannels(): string[] {
    return [...current().ipcHandlers.keys()];
  },
  get utility(): FakeUtilityProcess[] {
    return current().utility;
  },
  get windows(): FakeBrowserWindow[] {
    return current().windows;
  },
  get errorBoxes(): State['errorBoxes'] {
    return current().errorBoxes;
  },
  get dialogAnswers(): State['dialogAnswers'] {
    return current().dialogAnswers;
  },
  get exposed(): Map<string, unknown> {
    return current().exposed;
  },
  get rendererInvokes(): State['rendererInvokes'] {
    return current().rendererInvokes;
  },
  ready(): void {
    current().app.markReady();
  },
  fetch: (url: string, opts?: Parameters<State['fetch']>[1]) => current().fetch(url, opts),
  /**
   * `ipcRenderer.invoke` from a frame: the event main's handler gets, as Electron builds it.
   * `frame` defaults to the main frame of `wc`; null is a frame already gone (Electron's senderFrame may be null).
   */
  async invoke(channel: string, from: { wc: FakeWebContents; frame?: WebFrameMainLike | null }, ...args: unknown[]): Promise<unknown> {
    const handler = current().ipcHandlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const wc = from.wc;
    const f = from.frame === undefined ? wc.mainFrame : from.frame;
    const event = { sender: wc, senderFrame: f, frameId: f?.routingId ?? 0, processId: f?.processId ?? 0, type: 'frame' };
    // Electron hands back what the handler returned (structured clone); a throw becomes an Error with only its message.
    return structuredClone(await handler(event, ...args));
  },
  /** main → renderer: what `webContents.send` delivers to the preload's listeners. */
  deliverToRenderer(channel: string, ...args: unknown[]): void {
    for (const fn of current().rendererListeners.get(channel) ?? []) fn({ sender: null }, ...args);
  },
  /** A File the user dropped, with the path only the preload's webUtils can read. */
  droppedFile(name: string, filePath: string): File {
    const file = new File([new Uint8Array(1)], name);
    current().pathsForFiles.set(file, filePath);
    return file;
  },
};

const appProxy = new Proxy({} as FakeApp, {
  get: (_t, key) => {
    const v = (current().app as unknown as Record<PropertyKey, unknown>)[key];
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current().app) : v;
  },
});

const delegate = <T extends object>(get: () => T): T =>
  new Proxy({} as T, {
    get: (_t, key) => {
      const target = get() as Record<PropertyKey, unknown>;
      const v = target[key];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });

/** The module as `import { … } from 'electron'` sees it. */
export const electronModule = {
  app: appProxy,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void {
      if (current().ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      current().ipcHandlers.set(channel, listener);
    },
    removeHandler(channel: string): void {
      current().ipcHandlers.delete(channel);
    },
  },
  protocol: {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
      if (current().isReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      if (current().privileged) throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
      current().privileged = schemes;
      for (const s of schemes) if (s.privileges.standard) current().standardSchemes.add(s.scheme);
    },
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
      if (!current().isReady) throw new Error('protocol.handle should be called after app is ready');
      if (current().protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      current().protocolHandlers.set(scheme, handler);
    },
    isProtocolHandled(scheme: string): boolean {
      return current().protocolHandlers.has(scheme);
    },
  },
  session: {
    get defaultSession(): FakeSession {
      if (!current().isReady) throw new Error('session module can only be used when app is ready');
      return current().session;
    },
  },
  powerMonitor: delegate(() => current().powerMonitor),
  utilityProcess: {
    fork(modulePath: string, args: string[] = [], options: Record<string, unknown> = {}): FakeUtilityProcess {
      if (!current().isReady) throw new Error('utilityProcess cannot be created before app is ready');
      const p = new FakeUtilityProcess(modulePath, args, options);
      current().utility.push(p);
      return p;
    },
  },
  dialog: {
    async showOpenDialog(_win: unknown, _options: Record<string, unknown>): Promise<{ canceled: boolean; filePaths: string[] }> {
      const a = current().dialogAnswers.open.shift() ?? null;
      return a === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [a] };
    },
    /** Usable before ready (Electron documents it so); the test reads what was shown. */
    showErrorBox(title: string, content: string): void {
      current().errorBoxes.push({ title, content });
    },
    async showSaveDialog(_win: unknown, _options: Record<string, unknown>): Promise<{ canceled: boolean; filePath: string }> {
      const a = current().dialogAnswers.save.shift() ?? null;
      return a === null ? { canceled: true, filePath: '' } : { canceled: false, filePath: a };
    },
  },
  Notification: class {
    static isSupported(): boolean {
      return true;
    }
    constructor(private readonly o: { title: string; body: string }) {}
    show(): void {
      current().notifications.push(this.o);
    }
  },
  // The preload's side.
  contextBridge: {
    exposeInMainWorld(key: string, api: unknown): void {
      if (current().exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
      current().exposed.set(key, api);
    },
  },
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      current().rendererInvokes.push({ channel, args: structuredClone(args) });
      return Promise.resolve({ ok: true, value: null });
    },
    on(channel: string, fn: (...args: unknown[]) => void): void {
      if (!current().rendererListeners.has(channel)) current().rendererListeners.set(channel, new Set());
      current().rendererListeners.get(channel)!.add(fn);
    },
    removeListener(channel: string, fn: (...args: unknown[]) => void): void {
      current().rendererListeners.get(channel)?.delete(fn);
    },
  },
  webUtils: {
    /** '' for a File that did not come from the file system (Electron's documented answer). */
    getPathForFile(file: File): string {
      return current().pathsForFiles.get(file) ?? '';
    },
  },
};

export default electronModule;
