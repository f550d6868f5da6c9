import { ParseError } from '../../../src/checks/types.js';
import { defineParser } from '../../../src/parsers/define.js';

/** Graylog's GET /api/system/inputstates: one entry per input, with its state. */
export const graylogInputs = defineParser({
  name: 'example-graylog-inputs',
  probes: ['graylog-input-states'],
  facts: ['inputs', 'states[].title', 'states[].state'],
  parse: (outputs) => {
    const answer = outputs['graylog-input-states'];
    if (!answer || answer.error) throw new ParseError(`graylog-input-states: ${answer?.error?.message ?? 'not collected'}`);
    const body = JSON.parse(answer.stdout) as { states?: { state: string; message_input: { title: string } }[] };
    const states = (body.states ?? []).map((s) => ({ title: s.message_input.title, state: s.state }));
    return { inputs: states.length, states };
  },
});
