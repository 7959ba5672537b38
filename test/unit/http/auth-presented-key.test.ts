import { presentedKey } from '../../../src/http/middleware/api-key';

function request(headers: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name: string) => lower[name.toLowerCase()] } as Parameters<typeof presentedKey>[0];
}

const KEY = `pis_${'a'.repeat(43)}`;

it('reads a Bearer token or X-Api-Key, and nothing when neither is sent', () => {
  expect(presentedKey(request({ Authorization: `Bearer ${KEY}` }))).toBe(KEY);
  expect(presentedKey(request({ Authorization: `bearer   ${KEY} ` }))).toBe(KEY);
  expect(presentedKey(request({ 'X-Api-Key': ` ${KEY} ` }))).toBe(KEY);
  expect(presentedKey(request({}))).toBeUndefined();
});

it('treats an ambiguous or foreign credential as a malformed key', () => {
  expect(presentedKey(request({ Authorization: 'Basic dXNlcjpwdw==' }))).toBe('');
  expect(presentedKey(request({ Authorization: 'Bearer' }))).toBe('');
  const other = `pis_${'b'.repeat(43)}`;
  expect(presentedKey(request({ Authorization: `Bearer ${KEY}`, 'X-Api-Key': other }))).toBe('');
  expect(presentedKey(request({ Authorization: `Bearer ${KEY}`, 'X-Api-Key': KEY }))).toBe(KEY);
});

it("leaves a proxy's Basic credentials alone when X-Api-Key carries the key", () => {
  expect(presentedKey(request({ Authorization: 'Basic dXNlcjpwdw==', 'X-Api-Key': KEY }))).toBe(
    KEY,
  );
});
