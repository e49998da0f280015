// The pulumirpc.LanguageRuntime service: what the engine asks a language host, answered for
// programs and policy packs whose dependencies `npm ci` has already installed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The runner's exit code after it has already shown the user an actionable message
// (`nodeJSProcessExitedAfterLoggingUserActionableMessage` in @pulumi/pulumi/cmd/run): the engine
// should stop without adding a message of its own.
const exitedAfterUserActionableMessage = 32

// How long a program or plugin has to exit after SIGINT before it is killed.
const interruptGrace = 5 * time.Second

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string

	// Cancelled by the engine's Cancel call (Ctrl-C): every program still running gets SIGINT.
	cancelled context.Context
	cancel    context.CancelFunc
}

func newLanguageHost(engineAddress, tracing string) *languageHost {
	cancelled, cancel := context.WithCancel(context.Background())
	return &languageHost{
		engineAddress: engineAddress,
		tracing:       tracing,
		cancelled:     cancelled,
		cancel:        cancel,
	}
}

func (h *languageHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	// Only an attached host (PULUMI_DEBUG_LANGUAGES) learns the engine's address here.
	if h.engineAddress == "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPlugins and GetRequiredPackages report nothing, so the engine never tries to
// download a plugin for the program: providers are found on PATH (the toolchain puts the
// dynamic-provider plugin there) or attached with PULUMI_DEBUG_PROVIDERS.
func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return server.Send(&pulumirpc.InstallDependenciesResponse{
		Stdout: []byte("pulumi-language-nodejs (this repository's host) installs nothing: " +
			"dependencies are installed by npm ci\n"),
	})
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version failed: %w", node, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimSpace(string(out)),
		Metadata:   map[string]string{"languageHost": "opentok-archive-storage/tools/pulumi/language-host"},
	}, nil
}

// GetProgramDependencies lists the program's package.json dependencies at the versions
// installed in its node_modules (what `pulumi about` prints).
func (h *languageHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	var manifest struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &manifest); err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, deps := range []map[string]string{manifest.Dependencies, manifest.DevDependencies} {
		for name, wanted := range deps {
			installed := wanted
			if path, err := resolveModule(ctx, node, dir, name+"/package.json"); err == nil {
				var pkg struct {
					Version string `json:"version"`
				}
				if readJSON(path, &pkg) == nil && pkg.Version != "" {
					installed = pkg.Version
				}
			}
			resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: installed})
		}
	}
	return resp, nil
}

// Run runs the program with the SDK's own runner, as Pulumi's host does: the same flags,
// the same environment variables, the same exit-code contract.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	opts, err := parseOptions(info.GetOptions().AsMap())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "node is not on PATH: " + err.Error()}, nil
	}
	runner, err := resolveModule(ctx, node, info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	config, err := json.Marshal(nonNilMap(req.GetConfig()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not serialize the stack's config: " + err.Error()}, nil
	}
	secretKeys, err := json.Marshal(nonNilSlice(req.GetConfigSecretKeys()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not serialize the config's secret keys: " + err.Error()}, nil
	}

	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runner)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", info.GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", h.tracing)
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, opts.env()...)

	cmd := h.command(ctx, node, args)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	// Copy through pipes rather than handing over the file descriptors: Node can switch its stdio
	// to non-blocking mode, which would then affect this process too.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	logging.V(5).Infof("running the program: %s %s", node, strings.Join(args, " "))

	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit):
		if exit.ExitCode() == exitedAfterUserActionableMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: describeExit(exit)}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run %s: %v", node, err)}, nil
	}
}

// RunPlugin runs a plugin written in Node.js. The engine uses it for policy packs
// (`pulumi preview --policy-pack <dir>`); other plugin kinds go to `@pulumi/pulumi/cmd/run-plugin`.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	ctx := server.Context()
	info := req.GetInfo()
	opts, err := parseOptions(info.GetOptions().AsMap())
	if err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("node is not on PATH: %w", err)
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	analyzer := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runner, err := resolveModule(ctx, node, info.GetProgramDirectory(), module)
	if err != nil {
		return err
	}

	args := append([]string{runner}, opts.nodeArgs...)
	if analyzer {
		// run-policy-pack takes the engine's address first and the pack's directory last.
		args = append(args, req.GetArgs()...)
		args = append(args, info.GetProgramDirectory())
	} else {
		args = append(args, info.GetProgramDirectory())
		args = append(args, req.GetArgs()...)
	}
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)

	var proxy *sdk.PolicyProxy
	if analyzer {
		// The engine hands a policy pack its stack (project, stack, config) over gRPC, while
		// run-policy-pack reads them from the environment: the SDK's proxy answers the engine's
		// first calls, and the pack starts once the configuration is known.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack's configuration for the policy pack: %w", err)
		}
		if stack != nil {
			env = appendIfSet(env, "PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
			env = appendIfSet(env, "PULUMI_NODEJS_PROJECT", stack.GetProject())
			env = appendIfSet(env, "PULUMI_NODEJS_STACK", stack.GetStack())
			env = append(env, "PULUMI_NODEJS_DRY_RUN="+strconv.FormatBool(stack.GetDryRun()))
			if stack.GetConfig() != nil {
				config, err := json.Marshal(stack.GetConfig())
				if err != nil {
					return fmt.Errorf("could not serialize the stack's config: %w", err)
				}
				env = append(env, "PULUMI_CONFIG="+string(config))
			}
		}
	}

	cmd := h.command(ctx, node, args)
	// Policy packs have always run in their own directory, so their require()s resolve there.
	if analyzer {
		cmd.Dir = info.GetProgramDirectory()
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("running the plugin: %s %s", node, strings.Join(args, " "))

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run %s: %w", node, err)
	}
	if proxy != nil {
		// Attach waits for the pack's port, then forwards the engine's calls until it exits.
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach to the policy pack: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return errors.New(describeExit(exit))
		}
		return err
	}
	return closer.Close()
}

// command starts node so that the engine's Cancel, or the end of the request, interrupts it
// the way Ctrl-C would, and kills it only if it does not exit in time.
func (h *languageHost) command(ctx context.Context, node string, args []string) *exec.Cmd {
	runCtx, stop := context.WithCancel(ctx)
	context.AfterFunc(h.cancelled, stop)
	cmd := exec.CommandContext(runCtx, node, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = interruptGrace
	return cmd
}

func describeExit(exit *exec.ExitError) string {
	if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return fmt.Sprintf("Program was terminated by signal %v", status.Signal())
	}
	return fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())
}

// resolveModule finds a module the way the program itself would: with node's resolution from
// the program's directory, so the SDK that runs is the one the program installed.
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, node, "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: is the Pulumi SDK installed there (npm ci)? %v",
			module, dir, err)
	}
	return string(out), nil
}

func readJSON(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func appendIfSet(env []string, name, value string) []string {
	if value == "" {
		return env
	}
	return append(env, name+"="+value)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
