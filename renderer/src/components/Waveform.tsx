/**
 * The waveform overview: the whole recording at a glance, the part played, the
 * position; click or drag to seek. To a screen reader and the keyboard it is a slider
 * (arrows step 5 s, Page Up/Down 30 s, Home/End), with the time as its value.
 */
import { memo, useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { useI18n } from '../i18n';
import { formatDuration } from './format';

interface Props {
  peaks: Uint8Array | null;
  durationMs: number;
  positionMs: number;
  audio: HTMLAudioElement | null;
  status: string | null;
  onSeek(ms: number): void;
}

const HEIGHT = 88;

export const Waveform = memo(function Waveform({ peaks, durationMs, positionMs, audio, status, onSeek }: Props) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const dragging = useRef(false);

  // Draw with the frame rate while playing, from the media element itself, so that the
  // page around it (the editor) does not re-render sixty times a second. While paused,
  // no frame loop at all: a loop that runs on every frame even when nothing moves keeps
  // the browser making a frame sixty times a second for hours of typing (the laptop's
  // battery), and each key then has to find its place among those frames. Paused, it is
  // drawn when something changes: a seek, the size, the peaks.
  // The position is read at drawing time; a change of it only asks for a drawing (below),
  // without setting up the loop and the listeners again.
  const position = useRef(positionMs);
  position.current = positionMs;
  const redraw = useRef<() => void>(() => undefined);
  useEffect(() => {
    let frame = 0;
    let drawn = '';
    const draw = () => {
      const c = canvas.current;
      if (!c) return;
      const w = Math.max(1, Math.round(c.clientWidth * devicePixelRatio));
      const h = Math.round(HEIGHT * devicePixelRatio);
      const pos = audio ? audio.currentTime * 1000 : position.current;
      const key = `${w}:${h}:${Math.round((pos / Math.max(1, durationMs)) * w)}:${peaks?.length ?? 0}`;
      if (key === drawn) return;
      drawn = key;
      if (c.width !== w) c.width = w;
      if (c.height !== h) c.height = h;
      const g = c.getContext('2d');
      if (!g) return;
      g.clearRect(0, 0, w, h);
      const played = durationMs > 0 ? (pos / durationMs) * w : 0;
      const mid = h / 2;
      let top = 1;
      if (peaks) for (const p of peaks) top = Math.max(top, p);
      for (let x = 0; x < w; x++) {
        let v = 0;
        if (peaks && peaks.length > 0) {
          const a = Math.floor((x / w) * peaks.length);
          const b = Math.max(a + 1, Math.floor(((x + 1) / w) * peaks.length));
          for (let i = a; i < b && i < peaks.length; i++) v = Math.max(v, peaks[i]!);
        }
        // Square root: quiet speech stays visible beside loud laughter.
        const bar = Math.max(1, Math.sqrt(v / top) * (h / 2 - 2));
        g.fillStyle = x < played ? '#1f5f5b' : '#a9b7b5';
        g.fillRect(x, mid - bar, 1, bar * 2);
      }
      g.fillStyle = '#c0392b';
      g.fillRect(Math.min(w - 2, Math.max(0, Math.round(played) - 1)), 0, Math.max(2, Math.round(devicePixelRatio * 2)), h);
    };
    const loop = () => {
      draw();
      frame = requestAnimationFrame(loop);
    };
    const start = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(loop);
    };
    const stop = () => {
      cancelAnimationFrame(frame);
      frame = 0;
      draw();
    };
    /** The loop runs exactly while the element plays (also when it stopped without a 'pause', as load() does); then draw. */
    const sync = () => {
      if (audio && !audio.paused) {
        if (frame === 0) start();
      } else if (frame !== 0) stop();
      draw();
    };
    sync();
    const moves: [string, () => void][] = [['play', start], ['pause', stop], ['ended', stop], ['seeked', draw], ['emptied', sync]];
    for (const [name, f] of moves) audio?.addEventListener(name, f);
    const resized = new ResizeObserver(() => draw());
    if (canvas.current) resized.observe(canvas.current);
    // A new pixel density (the window moved to another screen, or zoomed) changes the
    // canvas's size in pixels but not its size on the page: listen for it, anew at each density.
    let density: MediaQueryList | null = null;
    const watchDensity = () => {
      density?.removeEventListener('change', densityChanged);
      density = matchMedia(`(resolution: ${devicePixelRatio}dppx)`);
      density.addEventListener('change', densityChanged);
    };
    const densityChanged = () => {
      draw();
      watchDensity();
    };
    watchDensity();
    redraw.current = sync;
    return () => {
      cancelAnimationFrame(frame);
      resized.disconnect();
      density?.removeEventListener('change', densityChanged);
      for (const [name, f] of moves) audio?.removeEventListener(name, f);
      redraw.current = () => undefined;
    };
  }, [peaks, durationMs, audio]);
  useEffect(() => redraw.current(), [positionMs]);

  const msAt = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return Math.round(Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) * durationMs);
  };

  function key(e: KeyboardEvent<HTMLDivElement>) {
    // Alt+arrows are the workspace's own keys; the slider takes the plain ones.
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step: Record<string, number> = { ArrowLeft: -5000, ArrowRight: 5000, ArrowDown: -5000, ArrowUp: 5000, PageDown: -30000, PageUp: 30000 };
    let to: number | null = null;
    if (e.key in step) to = positionMs + step[e.key]!;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = durationMs;
    if (to === null) return;
    e.preventDefault();
    onSeek(Math.min(durationMs, Math.max(0, to)));
  }

  const value = t('tx.waveformValue', { position: formatDuration(positionMs), duration: formatDuration(durationMs) });
  return (
    <div className="tx-wave" data-peaks={peaks?.length ?? 0}>
      <div
        className="tx-wave-track"
        role="slider"
        tabIndex={0}
        aria-label={t('tx.waveform')}
        aria-valuemin={0}
        aria-valuemax={Math.round(durationMs / 1000)}
        aria-valuenow={Math.round(positionMs / 1000)}
        aria-valuetext={value}
        onKeyDown={key}
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          onSeek(msAt(e));
        }}
        onPointerMove={(e) => {
          if (dragging.current) onSeek(msAt(e));
        }}
        onPointerUp={(e) => {
          dragging.current = false;
          e.currentTarget.releasePointerCapture(e.pointerId);
        }}
      >
        <canvas ref={canvas} style={{ height: HEIGHT }} aria-hidden="true" />
      </div>
      {status && <p className="hint">{status}</p>}
    </div>
  );
});
