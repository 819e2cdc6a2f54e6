import { useState, type MouseEvent } from 'react';

/** A filmstrip's layout as the hub recorded it (ProxyCreated, GET /v1/assets/{id}/renditions). */
export interface Tiles {
  count: number;
  columns: number;
  rows: number;
  intervalSeconds: number;
}

/**
 * The filmstrip image cut back into its tiles, shown in one row: hovering or
 * clicking a tile seeks the player to that tile's time. The image is drawn
 * as a CSS background so each tile shows its own part of it.
 */
export function Filmstrip(props: {
  src: string;
  tiles: Tiles;
  duration: number;
  label: string;
  onSeek: (seconds: number) => void;
}) {
  const { src, tiles: layout, duration, label, onSeek } = props;
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  // The tiles' size from the image itself: columns across, rows down.
  const tileWidth = size ? size.w / layout.columns : 160;
  const tileHeight = size ? size.h / layout.rows : 90;
  const scale = 0.5;
  const seek = (i: number) => onSeek(Math.min(duration, i * layout.intervalSeconds));
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
              title={`${Math.round(i * layout.intervalSeconds)} s`}
              style={{
                flex: 'none',
                width: tileWidth * scale,
                height: tileHeight * scale,
                backgroundImage: `url("${src}")`,
                backgroundSize: `${size.w * scale}px ${size.h * scale}px`,
                backgroundPosition: `-${(i % layout.columns) * tileWidth * scale}px -${Math.floor(i / layout.columns) * tileHeight * scale}px`,
              }}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}
