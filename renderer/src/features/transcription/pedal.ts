/**
 * Foot pedals that are HID devices (the Infinity IN-USB-2), through WebHID. The page
 * asks once, from a button (WebHID needs a user gesture); main's chooser picks the
 * pedal and grants nothing else (electron/main/security.ts). Later sessions find the
 * pedal already granted. What a report means is decided in shared/transcription.ts
 * (pedalActions), which is where it is tested: WebHID itself cannot run in the tests.
 */
import { INFINITY_PEDAL, pedalMask } from '../../../../shared/transcription';

interface HidDevice {
  productName: string;
  opened: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  addEventListener(type: 'inputreport', fn: (e: { data: DataView }) => void): void;
  removeEventListener(type: 'inputreport', fn: (e: { data: DataView }) => void): void;
}
interface Hid {
  getDevices(): Promise<HidDevice[]>;
  requestDevice(opts: { filters: { vendorId: number; productId: number }[] }): Promise<HidDevice[]>;
}

function hid(): Hid | null {
  return (navigator as unknown as { hid?: Hid }).hid ?? null;
}

export const pedalsSupported = (): boolean => hid() !== null;

/** Listen to a pedal: `onMask` gets the pressed-pedals bitmask on every change. Returns a disconnect, and the name. */
export async function connectPedal(ask: boolean, onMask: (mask: number) => void): Promise<{ name: string; disconnect(): void } | null> {
  const h = hid();
  if (!h) return null;
  const granted = await h.getDevices();
  const device = granted[0] ?? (ask ? (await h.requestDevice({ filters: [INFINITY_PEDAL] }))[0] : undefined);
  if (!device) return null;
  if (!device.opened) await device.open();
  const listener = (e: { data: DataView }) => onMask(pedalMask(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength)));
  device.addEventListener('inputreport', listener);
  return {
    name: device.productName || 'IN-USB-2',
    disconnect: () => {
      device.removeEventListener('inputreport', listener);
      void device.close().catch(() => undefined);
    },
  };
}
