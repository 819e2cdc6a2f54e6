import type { PickEvent } from '../../../events/catalog/pick-events';
import { NotFoundError, StateError, ValidationError } from '../../../lib/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { MAX_PICK_ITEMS, pickDecider } from './pick';

const ANA = 'user:ana';
const created: PickEvent = { type: 'PickCreated', data: { pickId: 'p1', owner: ANA, name: 'Evening news' } };
const added = (assetId: string): PickEvent => ({ type: 'PickItemAdded', data: { pickId: 'p1', assetId } });

describe('pick decide', () => {
  const { given } = deciderSpec(pickDecider, { streamId: 'pick-p1' });

  test('create: the owner and the trimmed name; asking again with the same id changes nothing', () => {
    given([]).when({ type: 'Create', pickId: 'p1', owner: ANA, name: '  Evening news ' }).then([created]);
    given([created]).when({ type: 'Create', pickId: 'p1', owner: ANA, name: 'Other' }).then([]);
    given([]).when({ type: 'Create', pickId: 'p1', owner: ANA, name: '   ' }).thenThrows(ValidationError, /name/);
  });

  test('add and remove items: once each, in the order added; removing what is not there records nothing', () => {
    const spec = given([created, added('a1')]).when({ type: 'AddItem', by: ANA, assetId: 'a2' });
    spec.then([added('a2')]);
    expect(spec.state.items).toEqual(['a1', 'a2']);
    given([created, added('a1')])
      .when({ type: 'AddItem', by: ANA, assetId: 'a1' })
      .then([]);
    given([created, added('a1')])
      .when({ type: 'RemoveItem', by: ANA, assetId: 'a1' })
      .then([{ type: 'PickItemRemoved', data: { pickId: 'p1', assetId: 'a1' } }]);
    given([created]).when({ type: 'RemoveItem', by: ANA, assetId: 'a1' }).then([]);
  });

  test('another user, a pick that does not exist and a deleted one are all "not found"', () => {
    given([created, added('a1')])
      .when({ type: 'AddItem', by: 'user:bob', assetId: 'a2' })
      .thenThrows(NotFoundError, 'pick p1 not found');
    given([]).when({ type: 'Rename', by: ANA, name: 'x' }).thenThrows(NotFoundError);
    const deleted: PickEvent = { type: 'PickDeleted', data: { pickId: 'p1' } };
    given([created]).when({ type: 'Delete', by: ANA }).then([deleted]);
    given([created, deleted])
      .when({ type: 'Send', by: ANA, sendId: 's1', network: 'broadcast' })
      .thenThrows(NotFoundError);
  });

  test('rename to the same name records nothing', () => {
    given([created]).when({ type: 'Rename', by: ANA, name: 'Evening news' }).then([]);
    given([created])
      .when({ type: 'Rename', by: ANA, name: 'Late news' })
      .then([{ type: 'PickRenamed', data: { pickId: 'p1', name: 'Late news' } }]);
  });

  test('a pick holds at most MAX_PICK_ITEMS', () => {
    const full = Array.from({ length: MAX_PICK_ITEMS }, (_, i) => added(`a${i}`));
    given([created, ...full])
      .when({ type: 'AddItem', by: ANA, assetId: 'one-more' })
      .thenThrows(StateError, /1000 items/);
  });

  test('send: every item with the network and lane; the same send twice records once; an empty pick is refused', () => {
    const sent: PickEvent = {
      type: 'PickSent',
      data: { pickId: 'p1', sendId: 's1', network: 'broadcast', lane: 'urgent', assetIds: ['a1', 'a2'] },
    };
    const send = { type: 'Send' as const, by: ANA, sendId: 's1', network: 'broadcast', lane: 'urgent' as const };
    given([created, added('a1'), added('a2')])
      .when(send)
      .then([sent]);
    given([created, added('a1'), added('a2'), sent])
      .when(send)
      .then([]);
    given([created]).when(send).thenThrows(StateError, /empty/);
  });

  test('the store’s answer is folded into its send', () => {
    const sent: PickEvent = {
      type: 'PickSent',
      data: { pickId: 'p1', sendId: 's1', network: 'broadcast', assetIds: ['a1'] },
    };
    const answered: PickEvent = {
      type: 'PickSendAnswered',
      data: { pickId: 'p1', sendId: 's1', network: 'broadcast', items: [{ assetId: 'a1', outcome: 'held' }] },
    };
    const { state } = given([created, added('a1'), sent, answered]);
    expect(state.sends).toEqual([
      expect.objectContaining({ sendId: 's1', assetIds: ['a1'], items: [{ assetId: 'a1', outcome: 'held' }] }),
    ]);
  });
});
