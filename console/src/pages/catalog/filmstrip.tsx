import { useState, type MouseEvent } from 'react';

/** As services/media/domain/renditions.ts tiles it: 160 px wide thumbnails, 10 a row, at most 100, one per interval. */
const TILE_WIDTH = 160;
const TILE_COLUMNS = 10;
const MAX_TILES = 100;
const DEFAULT_INTERVAL = 10;

/** The filmstrip's layout for a source of `duration` seconds (the media service's filmstripLayout). */
export function filmstripLayout(durationSeconds: number, intervalSeconds = DEFAULT_INTERVAL) {
  const wanted = Math.max(1, Math.ceil(durationSeconds / intervalSeconds));
  const count = Math.min(wanted, MAX_TILES);
  const interval = count < wanted ? durationSeconds / MAX_TILES : intervalSeconds;
  const columns = Math.min(count, TILE_COLUMNS);
  return { count, interval, columns, rows: Math.ceil(count / columns) };
}

/**
 * The filmstrip image cut back into its tiles, shown in one row: hovering or
 * clicking a tile seeks the player to that tile's time. The image is drawn
 * as a CSS background so each tile shows its own part of it.
 */
export function Filmstrip(props: { src: string; duration: number; label: string; onSeek: (seconds: number) => void }) {
  const { src, duration, label, onSeek } = props;
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const layout = filmstripLayout(duration);
  const tileHeight = size ? size.h / layout.rows : 90;
  const scale = 0.5;
  const seek = (i: number) => onSeek(Math.min(duration, i * layout.interval));
  const pointAt = (e: MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const i = Math.floor(((e.clientX - rect.left) / rect.width) * layout.count);
    seek(Math.max(0, Math.min(layout.count - 1, i)));
  };
  return (
    <div>
      {/* Loaded once to learn the tiles' height. */}
      <img
        src={src}
        alt=""
        style={{ display: 'none' }}
        onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
      />
      {size ? (
        <div
          role="slider"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={Math.round(duration)}
          aria-valuenow={0}
          tabIndex={0}
          style={{ display: 'flex', overflowX: 'auto', cursor: 'pointer' }}
          onMouseMove={pointAt}
          onClick={pointAt}
        >
          {Array.from({ length: layout.count }, (_, i) => (
            <div
              key={i}
              title={`${Math.round(i * layout.interval)} s`}
              style={{
                flex: 'none',
                width: TILE_WIDTH * scale,
                height: tileHeight * scale,
                backgroundImage: `url("${src}")`,
                backgroundSize: `${size.w * scale}px ${size.h * scale}px`,
                backgroundPosition: `-${(i % layout.columns) * TILE_WIDTH * scale}px -${Math.floor(i / layout.columns) * tileHeight * scale}px`,
              }}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}
