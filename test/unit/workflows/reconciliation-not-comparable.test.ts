import {
  orNotComparable,
  reconcileEquipment,
  reconcileOrderStatus,
} from '../../../functions/workflows/domain/reconciliation';
import { PermanentError } from '../../../shared/errors';

const unsupported = () =>
  new PermanentError('MES 2000 uses the b2mml profile, which has no list query', {
    details: { unsupported: 'list-query', profile: 'b2mml' },
  });

describe('reconciliation with a system that cannot list', () => {
  it('compares the other systems and reports the MES as not comparable, not as drift', () => {
    const sap = [{ equipmentId: '10000041', description: 'Press' }];
    const maintenance = [{ equipmentId: '10000041', description: 'Press' }];

    const result = reconcileEquipment({ sap, mes: undefined, maintenance });

    expect(result).toEqual({ compared: 1, drifts: [], variance: '0.000', notComparable: ['mes'] });
  });

  it('compares no order when the MES cannot list its orders', () => {
    const result = reconcileOrderStatus([{ orderNumber: '1000123', status: 'released' }], undefined);

    expect(result).toEqual({ compared: 0, drifts: [], variance: '0.000', notComparable: ['mes'] });
  });

  it('turns only the no-list-query refusal into undefined and rethrows every other failure', async () => {
    const other = new PermanentError('MES 1000 refused to read the equipment list: HTTP 403');

    await expect(orNotComparable(Promise.reject(unsupported()))).resolves.toBeUndefined();
    await expect(orNotComparable(Promise.reject(other))).rejects.toBe(other);
    await expect(orNotComparable(Promise.resolve([1]))).resolves.toEqual([1]);
  });
});
