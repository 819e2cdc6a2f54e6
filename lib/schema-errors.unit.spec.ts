import Ajv from 'ajv';
import { Type } from '@sinclair/typebox';
import { describeSchemaError } from './schema-errors';

const schema = Type.Object(
  {
    networks: Type.Array(
      Type.Object(
        { id: Type.String({ pattern: '^[a-z]+$' }), root: Type.Optional(Type.String()) },
        {
          additionalProperties: false,
        },
      ),
    ),
    port: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
const validate = new Ajv({ strict: false, verbose: true }).compile(schema);
const first = (value: unknown) => {
  expect(validate(value)).toBe(false);
  return describeSchemaError(validate.errors![0]!);
};

describe('describeSchemaError', () => {
  test('an unknown key names the accepted ones and the nearest as a suggestion', () => {
    expect(first({ networks: [], netwroks: [] })).toMatchObject({
      field: 'netwroks',
      rule: 'is not accepted',
      accepted: ['networks', 'port'],
      suggestion: 'networks',
    });
    expect(first({ networks: [], colour: 1 }).suggestion).toBeUndefined();
  });

  test('paths are dotted with array indexes in brackets', () => {
    expect(first({ networks: [{ id: 'ok' }, { id: 'Bad' }] })).toMatchObject({
      at: 'networks[1].id',
      rule: 'must match ^[a-z]+$',
    });
    expect(first({ networks: [{ root: '/x' }] })).toMatchObject({
      at: 'networks[0]',
      key: 'id',
      field: 'networks[0].id',
    });
    expect(first({ networks: [], port: 'x' })).toMatchObject({ field: 'port', rule: 'must be integer' });
  });
});
