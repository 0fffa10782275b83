// The storage provisioners that serve the local control plane's volumes, run out of cluster
// with its admin kubeconfig (the provisioner Deployments an install applies are only
// kwok-simulated pods): Rancher's local-path-provisioner for the class an install gives
// rancher.io/local-path (kdisk with host volumes), its helper pods completed by kwok
// (tools/kwok/pod-complete-restart-never.yaml); and the NFS subdir stand-in for katonic.ai/nfs
// (kfs), whose "export" is a directory under the control plane's. Both as an on-prem install
// configures them in cluster (lib/storage/storage-objects.ts), but their volumes' paths are
// under the control plane's directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localTools } from '../../../lib/local-tools.js';
import {
  LOCAL_PATH,
  LOCAL_PATH_HELPER_POD,
  LOCAL_PATH_PROVISIONER,
  NFS_PROVISIONER,
  STORAGE_NAMESPACE,
  localPathConfig,
} from '../../../lib/storage/storage-objects.js';

export interface ProvisionerCommand {
  name: string;
  file: string;
  args: string[];
  env?: Record<string, string>;
}

/** The provisioners' commands; writes local-path-provisioner's config files under `dir`. */
export async function provisionerCommands(dir: string, kubeconfig: string): Promise<ProvisionerCommand[]> {
  const localPath = join(dir, 'local-path');
  await mkdir(localPath, { recursive: true });
  const [config, helperPod] = [join(localPath, 'config.json'), join(localPath, 'helperPod.yaml')];
  await writeFile(config, JSON.stringify(localPathConfig(join(localPath, 'volumes'))));
  await writeFile(helperPod, LOCAL_PATH_HELPER_POD);
  const nfsExport = join(dir, 'nfs-standin-export');
  return [
    {
      name: 'local-path-provisioner',
      file: localTools.provisionersBin('local-path-provisioner'),
      args: [
        'start',
        `--kubeconfig=${kubeconfig}`,
        `--provisioner-name=${LOCAL_PATH_PROVISIONER}`,
        `--namespace=${STORAGE_NAMESPACE}`,
        `--service-account-name=${LOCAL_PATH.serviceAccount}`,
        `--configmap-name=${LOCAL_PATH.configMap}`,
        `--config=${config}`,
        `--helper-pod-file=${helperPod}`,
      ],
    },
    {
      name: 'nfs-subdir-standin',
      file: localTools.provisionersBin('nfs-subdir-standin'),
      args: [],
      env: {
        KUBECONFIG: kubeconfig,
        PROVISIONER_NAME: NFS_PROVISIONER,
        NFS_SERVER: '127.0.0.1',
        NFS_PATH: nfsExport,
        NFS_STANDIN_ROOT: nfsExport,
        // One instance per control plane.
        ENABLE_LEADER_ELECTION: 'false',
      },
    },
  ];
}
