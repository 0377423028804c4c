import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ParseError } from './parse-error';
import { parseSmbStatusJson } from './smbstatus.parser';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseSmbStatusJson', () => {
  it('types sessions, tree connects and open files from real Samba 4.17 output', () => {
    const status = parseSmbStatusJson(fixture('smbstatus-open-file.json'));
    expect(status.version).toBe('4.17.12-Debian');
    expect(status.sessions).toEqual([
      {
        sessionId: '122133197',
        pid: 14443,
        uid: 65534,
        gid: 65534,
        username: 'nobody',
        groupname: 'nogroup',
        remoteMachine: '127.0.0.1',
        hostname: 'ipv4:127.0.0.1:57940',
        dialect: 'SMB3_11',
        encryption: { cipher: null, degree: 'none' },
        signing: { cipher: null, degree: 'none' },
      },
    ]);
    expect(status.tcons).toEqual([
      {
        tconId: '3777712779',
        sessionId: '122133197',
        service: 'share',
        pid: 14443,
        machine: '127.0.0.1',
        connectedAt: '2026-11-22T01:38:37.745774+00:00',
        encryption: { cipher: null, degree: 'none' },
        signing: { cipher: null, degree: 'none' },
      },
    ]);
    expect(status.openFiles).toEqual([
      {
        path: '/tmp/smbx/big.bin',
        servicePath: '/tmp/smbx',
        filename: 'big.bin',
        opens: [
          {
            pid: 14443,
            uid: 65534,
            shareFileId: '3',
            shareMode: 'RW',
            access: 'R',
            oplock: '',
            lease: '',
            openedAt: '2026-11-22T01:38:37.747137+00:00',
          },
        ],
      },
    ]);
  });

  it('returns empty lists when nobody is connected', () => {
    const status = parseSmbStatusJson(fixture('smbstatus-empty.json'));
    expect(status).toMatchObject({ sessions: [], tcons: [], openFiles: [] });
  });

  it('keeps a real cipher name', () => {
    const doc = JSON.parse(fixture('smbstatus-open-file.json')) as { sessions: Record<string, { encryption: { cipher: string; degree: string } }> };
    Object.values(doc.sessions)[0].encryption = { cipher: 'AES-128-GCM', degree: 'full' };
    expect(parseSmbStatusJson(JSON.stringify(doc)).sessions[0].encryption).toEqual({ cipher: 'AES-128-GCM', degree: 'full' });
  });

  it('rejects text that is not smbstatus JSON', () => {
    expect(() => parseSmbStatusJson('Samba version 4.17.12')).toThrow(ParseError);
    expect(() => parseSmbStatusJson('{"sessions": {}}')).toThrow(/version/);
    expect(() => parseSmbStatusJson('{"version":"4","timestamp":"t","sessions":{"1":{"session_id":"1"}}}')).toThrow(/sessions\.1/);
  });
});
