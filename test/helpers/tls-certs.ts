// Certificates for TLS tests, made at test time with openssl(1) (.ci/run installs it when missing):
// a throwaway CA and server certificates it signs, each for the host names / addresses given.
// Node's crypto can make keys but not X.509 certificates, hence the command. EC P-256: quick to make.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** The CA's certificate (PEM) and the folder holding ca.crt, for a URL's sslrootcert. */
  caPem: string;
  caFile: string;
  /**
   * A certificate and key (PEM, and their files) signed by this CA, its common name `name`, for
   * `altNames` (e.g. ['IP:127.0.0.1']); good for a server or a client (CN = the role's name).
   */
  issue(name: string, altNames: string[]): { cert: string; key: string; certFile: string; keyFile: string };
  /** Removes the folder (keys included). */
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'blindfold-ca-'));
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Blindfold test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  let serial = 1;
  return {
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caFile: join(dir, 'ca.crt'),
    issue(name, altNames) {
      openssl(['req', ...curve, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
      openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(serial++), '-days', '2',
        '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
      const [certFile, keyFile] = [join(dir, `${name}.crt`), join(dir, `${name}.key`)];
      return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
