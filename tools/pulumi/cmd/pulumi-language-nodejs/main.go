// Command pulumi-language-nodejs is this repository's Node.js language host for the Pulumi CLI.
//
// The Go module proxy does not serve Pulumi's own host (module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), so the toolchain that
// scripts/pulumi-toolchain.sh builds carries this launcher instead. It does what the engine needs
// to run a program that is already installed: start the SDK's own runner
// (`@pulumi/pulumi/cmd/run`, resolved from the program's node_modules) with the engine's
// addresses, the stack's config and the runtime options of Pulumi.yaml, and run policy packs
// through `@pulumi/pulumi/cmd/run-policy-pack`. It never installs or acquires anything: it
// reports no required plugins, so providers come from PATH or PULUMI_DEBUG_PROVIDERS, and
// dependencies are installed by `npm ci`. What it leaves out is listed in docs/testing.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	// Tracing is not collected here; the endpoint is passed on to the program's runner.
	tracing := flag.String("tracing", "", "a Zipkin-compatible endpoint, passed on to @pulumi/pulumi/cmd/run")
	// The CLI passes -root and -runtime to some hosts; accept them so a newer CLI does not fail here.
	flag.String("root", "", "the project's root directory (unused: each request carries it)")
	runtimeName := flag.String("runtime", "nodejs", "the JavaScript runtime; only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()

	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime %q: this host runs only nodejs", *runtimeName))
	}

	logging.InitLogging(false, 0, false)

	// The engine's address is the last positional argument (plugin.buildArgsForNewPlugin).
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if engineAddress != "" {
		// Exit when the engine goes away, so a killed `pulumi` leaves no host behind.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the engine health check: %w", err))
		}
	}

	serverCancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(serverCancel)
	}()

	lh := newLanguageHost(engineAddress, *tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: serverCancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, lh)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host's gRPC server: %w", err))
	}

	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("the language host's gRPC server stopped: %w", err))
	}
}
