import { Injectable } from '@nestjs/common';

/** Something that names a user or group and would otherwise outlive it (a share's access list). */
export interface AccountDependant {
  /** What it is: `smb-share`, `ftp-share`, … */
  kind: string;
  id: string;
  name: string;
  /** Which setting names the account: `validUsers`, `forceGroup`, … */
  fields: string[];
}

export type AccountDependantsProvider = (kind: 'user' | 'group', name: string) => Promise<AccountDependant[]>;

/**
 * "This user or group is still named somewhere." Deleting an account that a share lists is refused
 * (409 with the list) instead of leaving its name behind: a new account created later under the
 * same name would silently inherit the old one's access. The shares module registers a provider
 * at start.
 */
@Injectable()
export class AccountDependents {
  private readonly providers = new Map<string, AccountDependantsProvider>();

  register(source: string, provider: AccountDependantsProvider): void {
    this.providers.set(source, provider);
  }

  async find(kind: 'user' | 'group', name: string): Promise<AccountDependant[]> {
    const found = await Promise.all([...this.providers.values()].map((p) => p(kind, name)));
    return found.flat();
  }
}

export function dependantsMessage(kind: 'user' | 'group', name: string, dependants: AccountDependant[]): string {
  const list = dependants.map((d) => `${d.kind} ${d.name} (${d.fields.join(', ')})`).join(', ');
  return `The ${kind} "${name}" is still named by ${list}; remove it there first.`;
}
