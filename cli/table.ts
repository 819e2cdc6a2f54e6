import Table from 'cli-table3';

// No borders, two spaces between columns: the output stays greppable and pastes into a ticket as it is.
const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

/** A borderless table, columns padded to their widest cell, each line ending in a newline. */
export function plainTable(head: string[], rows: string[][]): string {
  const table = new Table({ head, ...PLAIN });
  table.push(...rows);
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
