import { describe, expect, it } from 'vitest';
import { formatSkills, parseSkills, toBody, toFormValues, type FieldDef } from './crud';

const fields: FieldDef[] = [
  { name: 'number', label: 'ext.number', kind: 'text', required: true },
  { name: 'password', label: 'ext.password', kind: 'password', writeOnly: true },
  { name: 'call_limit', label: 'ext.callLimit', kind: 'number' },
  { name: 'dnd', label: 'ext.dnd', kind: 'bool' },
  { name: 'skills', label: 'queue.skills', kind: 'skills', levelKey: 'min_level' },
  { name: 'overflow.type', label: 'queue.overflow', kind: 'select' },
  { name: 'overflow.target', label: 'queue.overflowTarget', kind: 'text', showIf: (v) => v['overflow.type'] !== 'none' },
];

describe('skills text', () => {
  it('parses "skill:level" lists with Chinese or ASCII separators and a default level', () => {
    expect(parseSkills('billing:3, vip，english：5\nchinese', 'min_level')).toEqual([
      { skill: 'billing', min_level: 3 },
      { skill: 'vip', min_level: 1 },
      { skill: 'english', min_level: 5 },
      { skill: 'chinese', min_level: 1 },
    ]);
    expect(formatSkills([{ skill: 'a', level: 2 }, { skill: 'b', min_level: 4 }])).toBe('a:2, b:4');
  });
});

describe('form <-> API body', () => {
  const row = { id: 'x', number: '1001', call_limit: 2, dnd: false, skills: [{ skill: 'a', min_level: 2 }], overflow: { type: 'queue', target: 'q2' } };

  it('fills the form without write-only fields, nested names flattened', () => {
    expect(toFormValues(fields, row)).toEqual({ number: '1001', call_limit: 2, dnd: false, skills: 'a:2', 'overflow.type': 'queue', 'overflow.target': 'q2' });
  });

  it('creates with every filled field, no empty password, nested objects rebuilt', () => {
    const body = toBody(fields, { number: '1002', password: '', dnd: true, skills: 'x:3', 'overflow.type': 'queue', 'overflow.target': 'q9' }, null);
    expect(body).toEqual({ number: '1002', dnd: true, skills: [{ skill: 'x', min_level: 3 }], overflow: { type: 'queue', target: 'q9' } });
  });

  it('updates only what changed; a nested object is sent whole', () => {
    const values = { ...toFormValues(fields, row), 'overflow.target': 'q3', password: 'new-secret' };
    expect(toBody(fields, values, row)).toEqual({ password: 'new-secret', overflow: { type: 'queue', target: 'q3' } });
    expect(toBody(fields, toFormValues(fields, row), row)).toEqual({});
  });

  it('leaves out fields hidden by showIf, clears numbers emptied on update', () => {
    const values = { ...toFormValues(fields, row), 'overflow.type': 'none', call_limit: null };
    expect(toBody(fields, values, row)).toEqual({ call_limit: null, overflow: { type: 'none' } });
  });
});
