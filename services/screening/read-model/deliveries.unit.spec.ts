import { deliveryState } from './deliveries';

const t = (target: string, state: string) => ({ target, state });

describe('deliveryState: where a cleared asset stands by its transfers', () => {
  test('a target with no transfer yet, or one still queued, keeps the asset cleared', () => {
    expect(deliveryState(['broadcast'], [])).toBe('cleared');
    expect(deliveryState(['broadcast', 'archive'], [t('broadcast', 'succeeded'), t('archive', 'queued')])).toBe(
      'cleared',
    );
  });

  test('every target delivered: delivered; some: partially delivered; none: delivery failed', () => {
    expect(deliveryState(['broadcast'], [t('broadcast', 'failed'), t('broadcast', 'succeeded')])).toBe('delivered');
    expect(deliveryState(['broadcast', 'archive'], [t('broadcast', 'succeeded'), t('archive', 'cancelled')])).toBe(
      'partially-delivered',
    );
    expect(deliveryState(['broadcast'], [t('broadcast', 'failed'), t('broadcast', 'cancelled')])).toBe(
      'delivery-failed',
    );
  });

  test('a transfer to a network the drop did not name counts as a target too', () => {
    expect(deliveryState(['broadcast'], [t('broadcast', 'succeeded'), t('archive', 'queued')])).toBe('cleared');
    expect(deliveryState([], [t('archive', 'succeeded')])).toBe('delivered');
  });
});
