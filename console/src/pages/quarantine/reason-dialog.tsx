import { Input, Modal, Typography } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A command's confirmation: the reason it is done (required, it goes into the event) and "Confirm". */
export function ReasonDialog(props: {
  title: string;
  subject: string;
  busy: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('quarantine');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const fieldId = useId();
  const missing = reason.trim() === '';
  return (
    <Modal
      open
      title={props.title}
      okText={t('confirm')}
      cancelText={t('cancel')}
      confirmLoading={props.busy}
      onCancel={props.onCancel}
      onOk={() => {
        setTried(true);
        if (!missing) props.onConfirm(reason.trim());
      }}
    >
      <Typography.Paragraph>{props.subject}</Typography.Paragraph>
      <label htmlFor={fieldId}>{t('reason')}</label>
      <Input.TextArea
        id={fieldId}
        rows={3}
        value={reason}
        status={tried && missing ? 'error' : undefined}
        aria-invalid={tried && missing}
        onChange={(e) => setReason(e.target.value)}
      />
      {tried && missing ? <Typography.Text type="danger">{t('reasonRequired')}</Typography.Text> : null}
    </Modal>
  );
}
