import type { ContainerType } from './container-type';

const NFSD_APPARMOR =
  'allow the nfsd mounts in /etc/pve/lxc/<vmid>.conf with `lxc.apparmor.raw: mount fstype=nfsd,` and `lxc.apparmor.raw: mount fstype=rpc_pipefs,`';
const NFSD_MODULE = '`modprobe nfsd` (and `echo nfsd > /etc/modules-load.d/nfsd.conf` so it loads at boot)';

/**
 * What to do on the host so this container can serve NFS: the one text the capabilities list, the
 * services' status and `moxnas doctor` all show, so an admin never reads two different recipes.
 */
export function nfsServerFix(container: { type: ContainerType; unprivileged: boolean }): string {
  const { type, unprivileged } = container;
  if (unprivileged) {
    return type === 'lxc'
      ? 'An unprivileged container cannot be made privileged in place (`pct set` refuses to change the read-only `unprivileged` option). ' +
          'On the Proxmox host back it up and restore it privileged: `vzdump <vmid> --mode stop --storage <storage>` then ' +
          `\`pct restore <vmid> <archive> --unprivileged 0 --force\`; then ${NFSD_APPARMOR}, run ${NFSD_MODULE} on the host and \`pct reboot <vmid>\` ` +
          '(or create a new privileged container with `scripts/pve/moxnas-ct.sh --nfs`). ' +
          '(`features: mount=nfs` only lets a container mount NFS as a client; it does not make it a server.)'
      : 'Run the container without a user namespace (no userns remapping) and with `--privileged`, with the nfsd module loaded on the host.';
  }
  switch (type) {
    case 'lxc':
      return `On the Proxmox host run ${NFSD_MODULE}; the container must be privileged, and ${NFSD_APPARMOR}; then \`pct reboot <vmid>\`.`;
    case 'docker':
      return `On the Docker host run ${NFSD_MODULE}, and run this container with \`--privileged\` (or \`--cap-add SYS_ADMIN\` plus an AppArmor profile that allows mounting nfsd).`;
    case 'other':
      return `On the container host run ${NFSD_MODULE}, and let this container mount the nfsd and rpc_pipefs file systems.`;
    case 'none':
      return `Run ${NFSD_MODULE}. If the module does not exist, boot a kernel built with CONFIG_NFSD (Debian's and Proxmox's kernels are).`;
  }
}
