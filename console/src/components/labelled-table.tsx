import type { ComponentProps } from 'react';

/**
 * antd's Table keeps aria-* props on its wrapper div; browser tests and screen readers look for a named <table>.
 * Pass as `components={labelledBy('queued')}` so the table element itself carries the heading's id.
 */
export function labelledBy(id: string) {
  return {
    table: (props: ComponentProps<'table'>) => <table {...props} aria-labelledby={id} />,
  };
}
export function labelled(name: string) {
  return {
    table: (props: ComponentProps<'table'>) => <table {...props} aria-label={name} />,
  };
}
