import type { AccountManager, AccountsAvailability, HostGroup, HostUser } from '@moxnas/host';
import type { Repository } from 'typeorm';
import { loadConfig } from '../../../core/config/config';
import { DomainError } from '../../../core/errors/domain-error';
import type { GroupEntity, UserGroupEntity } from '../entities/group.entity';
import type { UserEntity } from '../entities/user.entity';
import { AccountsLock } from './accounts-lock';
import { HostAccountsService } from './host-accounts.service';

/** A host whose account database answers from two maps, or fails every lookup (getent missing, NSS down). */
class FakeAccounts implements AccountManager {
  failing: Error | null = null;
  readonly users = new Map<string | number, HostUser>();
  readonly groups = new Map<string | number, HostGroup>();

  async availability(): Promise<AccountsAvailability> {
    return { available: true, samba: true };
  }
  async findUser(key: string | number): Promise<HostUser | null> {
    if (this.failing) throw this.failing;
    return this.users.get(key) ?? null;
  }
  async findGroup(key: string | number): Promise<HostGroup | null> {
    if (this.failing) throw this.failing;
    return this.groups.get(key) ?? null;
  }
  async findUsers(keys: ReadonlyArray<string | number>): Promise<HostUser[]> {
    if (this.failing) throw this.failing;
    return keys.map((k) => this.users.get(k)).filter((u): u is HostUser => !!u);
  }
  async findGroups(keys: ReadonlyArray<string | number>): Promise<HostGroup[]> {
    if (this.failing) throw this.failing;
    return keys.map((k) => this.groups.get(k)).filter((g): g is HostGroup => !!g);
  }
  async prepare(): Promise<void> {}
  async ensureGroup(): Promise<void> {}
  async removeGroup(): Promise<void> {}
  async ensureUser(): Promise<void> {}
  async removeUser(): Promise<void> {}
  async listSambaUsers(): Promise<string[]> {
    return [];
  }
}

/** The lookups read no table; the repositories are never called. */
const unusedRepository = <T extends object>() => ({}) as Repository<T>;

describe('HostAccountsService lookups', () => {
  let accounts: FakeAccounts;
  let service: HostAccountsService;

  beforeEach(() => {
    accounts = new FakeAccounts();
    service = new HostAccountsService(
      accounts,
      loadConfig({}, '/tmp'),
      unusedRepository<UserEntity>(),
      unusedRepository<GroupEntity>(),
      unusedRepository<UserGroupEntity>(),
      new AccountsLock(),
    );
  });

  it('answers from the host account database', async () => {
    accounts.users.set('alice', { username: 'alice', uid: 1000, gid: 1000, fullName: '', home: '/home/alice', shell: '/bin/bash' });
    accounts.groups.set(2000, { name: 'staff', gid: 2000, members: [] });
    expect(await service.userTaken('alice')).toBe(true);
    expect(await service.userTaken('bob')).toBe(false);
    expect(await service.hostGroupOf(2000)).toBe('staff');
    expect(await service.groupTaken(2001)).toBe(false);
  });

  it('fails loudly when a lookup fails, instead of reading it as "free"', async () => {
    accounts.failing = new Error('getent is not installed');
    for (const lookup of [() => service.userTaken('alice'), () => service.hostUserOf(10000), () => service.hostGroupOf(10000), () => service.groupTaken('staff')]) {
      const err = await lookup().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('UNAVAILABLE');
      expect((err as DomainError).message).toMatch(/unknown whether it is free.*getent is not installed/);
    }
  });
});
