import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';

type Row = Record<string, unknown>;

function cell(v: unknown) {
  if (v == null) return '–';
  if (typeof v === 'object') return <Typography.Text code>{JSON.stringify(v)}</Typography.Text>;
  return String(v);
}

/** A table of whatever rows the hub answered: columns from the first row's keys (or `keys`, titled by `common:fields`), values as text. */
export function JsonTable({
  rows,
  keys,
  rowKey = 'id',
  loading,
  label,
  extra,
}: {
  rows: Row[];
  keys?: string[];
  rowKey?: string;
  loading?: boolean;
  label?: string;
  extra?: ColumnsType<Row>;
}) {
  const { t } = useTranslation('common');
  const names = keys ?? Object.keys(rows[0] ?? {});
  const columns: ColumnsType<Row> = [
    ...names.map((k) => ({ title: t(`fields.${k}`, { defaultValue: k }), dataIndex: k, key: k, render: cell })),
    ...(extra ?? []),
  ];
  return (
    <Table<Row>
      aria-label={label}
      size="small"
      rowKey={(r) => String(r[rowKey] ?? JSON.stringify(r))}
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
    />
  );
}
