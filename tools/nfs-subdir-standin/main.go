// A stand-in for the NFS subdir external provisioner (kubernetes-sigs/nfs-subdir-external-provisioner,
// the image the on-prem flow deploys for kfs), whose module the Go proxy here refuses. It is
// built on the same library (sig-storage-lib-external-provisioner, here v13) and behaves as
// upstream's cmd/nfs-subdir-external-provisioner/provisioner.go (v4.0.x): a claim gets the
// directory ${namespace}-${pvcName}-${pvName} under the export, its PersistentVolume an NFS
// source NFS_SERVER:NFS_PATH/<directory>; deleting the volume renames the directory to
// archived-<directory> unless the class says archiveOnDelete "false" (then it is removed), and
// the class's onDelete "delete" / "retain" win over that. Configured as upstream by
// PROVISIONER_NAME, NFS_SERVER, NFS_PATH, KUBECONFIG and ENABLE_LEADER_ELECTION.
//
// One difference: upstream works in the export mounted at /persistentvolumes; the stand-in
// works in the local directory NFS_STANDIN_ROOT, which stands for that mount (the local control
// plane has no NFS server). Not supported: the class parameter pathPattern (Katonic's kfs class
// does not use it).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v13/controller"
)

type nfsSubdirStandin struct {
	client kubernetes.Interface
	server string
	// The export's path on the server, as the PersistentVolumes name it.
	path string
	// The local directory standing for the export's mount (upstream: /persistentvolumes).
	root string
}

var _ controller.Provisioner = &nfsSubdirStandin{}

func (p *nfsSubdirStandin) Provision(_ context.Context, options controller.ProvisionOptions) (*v1.PersistentVolume, controller.ProvisioningState, error) {
	if options.PVC.Spec.Selector != nil {
		return nil, controller.ProvisioningFinished, errors.New("claim Selector is not supported")
	}
	if _, ok := options.StorageClass.Parameters["pathPattern"]; ok {
		return nil, controller.ProvisioningFinished, errors.New("the NFS subdir stand-in does not support the parameter pathPattern")
	}
	dir := strings.Join([]string{options.PVC.Namespace, options.PVC.Name, options.PVName}, "-")
	local := filepath.Join(p.root, dir)
	if err := os.MkdirAll(local, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, errors.New("unable to create directory to provision new pv: " + err.Error())
	}
	if err := os.Chmod(local, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	return &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: options.PVName},
		Spec: v1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: *options.StorageClass.ReclaimPolicy,
			AccessModes:                   options.PVC.Spec.AccessModes,
			MountOptions:                  options.StorageClass.MountOptions,
			Capacity:                      v1.ResourceList{v1.ResourceStorage: options.PVC.Spec.Resources.Requests[v1.ResourceStorage]},
			PersistentVolumeSource: v1.PersistentVolumeSource{
				NFS: &v1.NFSVolumeSource{Server: p.server, Path: filepath.Join(p.path, dir)},
			},
		},
	}, controller.ProvisioningFinished, nil
}

func (p *nfsSubdirStandin) Delete(ctx context.Context, volume *v1.PersistentVolume) error {
	if volume.Spec.NFS == nil {
		return &controller.IgnoredError{Reason: "not an NFS volume"}
	}
	dir := filepath.Base(volume.Spec.NFS.Path)
	local := filepath.Join(p.root, dir)
	if _, err := os.Stat(local); os.IsNotExist(err) {
		klog.Warningf("path %s does not exist, deletion skipped", local)
		return nil
	}
	class, err := p.client.StorageV1().StorageClasses().Get(ctx, volume.Spec.StorageClassName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	switch class.Parameters["onDelete"] {
	case "delete":
		return os.RemoveAll(local)
	case "retain":
		return nil
	}
	if archive, ok := class.Parameters["archiveOnDelete"]; ok {
		keep, err := strconv.ParseBool(archive)
		if err != nil {
			return err
		}
		if !keep {
			return os.RemoveAll(local)
		}
	}
	return os.Rename(local, filepath.Join(p.root, "archived-"+dir))
}

func requiredEnv(name string) string {
	value := os.Getenv(name)
	if value == "" {
		klog.Fatalf("%s not set", name)
	}
	return value
}

func main() {
	klog.InitFlags(nil)
	server, path, root := requiredEnv("NFS_SERVER"), requiredEnv("NFS_PATH"), requiredEnv("NFS_STANDIN_ROOT")
	name := requiredEnv("PROVISIONER_NAME")
	var config *rest.Config
	var err error
	if kubeconfig := os.Getenv("KUBECONFIG"); kubeconfig != "" {
		config, err = clientcmd.BuildConfigFromFlags("", kubeconfig)
	} else {
		config, err = rest.InClusterConfig()
	}
	if err != nil {
		klog.Fatalf("Failed to create config: %v", err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		klog.Fatalf("Failed to create client: %v", err)
	}
	leaderElection := true
	if env := os.Getenv("ENABLE_LEADER_ELECTION"); env != "" {
		if leaderElection, err = strconv.ParseBool(env); err != nil {
			klog.Fatalf("Unable to parse ENABLE_LEADER_ELECTION env var: %v", err)
		}
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		klog.Fatalf("NFS_STANDIN_ROOT %s: %v", root, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	standin := &nfsSubdirStandin{client: client, server: server, path: path, root: root}
	pc := controller.NewProvisionController(ctx, client, name, standin, controller.LeaderElection(leaderElection))
	fmt.Fprintf(os.Stderr, "NFS subdir stand-in: provisioner %s, volumes in %s (exported as %s:%s)\n", name, root, server, path)
	pc.Run(ctx)
}
