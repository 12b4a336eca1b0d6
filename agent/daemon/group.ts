// Group name → gid through NSS (getent), so a group from LDAP or systemd-sysusers counts the same
// as one in /etc/group. The name comes from the config and goes to getent as one argument.
import { execFile } from 'node:child_process';

export function lookupGid(group: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('getent', ['group', '--', group], { timeout: 5_000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      const gid = Number(stdout.split(':')[2]);
      resolve(Number.isInteger(gid) && gid >= 0 ? gid : undefined);
    });
  });
}
