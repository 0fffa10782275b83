// etcd's own main (go.etcd.io/etcd/v3 at the repository root) cannot be built from another
// module because its go.mod has replace directives; its server entry point can.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
