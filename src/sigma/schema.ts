// JSON Schemas (project-written, after the Sigma v2.1 specification) for the three document kinds. They check
// structure only; modifiers and conditions are checked by the compiler, which gives more precise reasons.

const str = { type: 'string' };
const strList = { type: 'array', items: str };
const logsource = {
  type: 'object',
  properties: { product: str, category: str, service: str, definition: str },
  additionalProperties: true,
};
const common = {
  title: { type: 'string', minLength: 1, maxLength: 256 },
  id: str,
  name: str,
  status: { enum: ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] },
  description: str,
  author: str,
  references: strList,
  date: { type: ['string', 'object'] },
  modified: { type: ['string', 'object'] },
  tags: strList,
  falsepositives: { type: ['array', 'string'] },
  level: { enum: ['informational', 'low', 'medium', 'high', 'critical'] },
  taxonomy: str,
};

export const detectionRuleSchema = {
  type: 'object',
  required: ['title', 'logsource', 'detection'],
  properties: {
    ...common,
    logsource,
    detection: {
      type: 'object',
      required: ['condition'],
      properties: { condition: { type: ['string', 'array'], items: str } },
    },
    fields: { type: 'array' },
    related: { type: 'array', items: { type: 'object', required: ['id', 'type'] } },
  },
};

export const correlationRuleSchema = {
  type: 'object',
  required: ['title', 'correlation'],
  properties: {
    ...common,
    correlation: {
      type: 'object',
      required: ['type', 'rules', 'timespan'],
      properties: {
        type: {
          enum: [
            'event_count',
            'value_count',
            'temporal',
            'temporal_ordered',
            'value_sum',
            'value_avg',
            'value_percentile',
          ],
        },
        rules: { type: ['array', 'string'], items: { type: 'string', minLength: 1 }, minItems: 1 },
        'group-by': strList,
        timespan: { type: 'string', pattern: '^\\d+[smhdwMy]$' },
        generate: { type: 'boolean' },
        aliases: { type: 'object', additionalProperties: { type: 'object', additionalProperties: str } },
        condition: {
          type: 'object',
          properties: {
            field: { type: ['string', 'array'] },
            gt: { type: 'number' },
            gte: { type: 'number' },
            lt: { type: 'number' },
            lte: { type: 'number' },
            eq: { type: 'number' },
            neq: { type: 'number' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
};

export const filterRuleSchema = {
  type: 'object',
  required: ['title', 'logsource', 'filter'],
  properties: {
    ...common,
    logsource,
    filter: {
      type: 'object',
      required: ['rules', 'condition'],
      properties: { rules: { type: ['array', 'string'], items: str }, condition: { type: ['string', 'array'] } },
    },
  },
};
