// The runtime options of Pulumi.yaml (`runtime.options`) this host honours.
package main

import (
	"fmt"

	"github.com/google/shlex"
)

type nodeOptions struct {
	// Load TypeScript through the SDK's ts-node (default true, as in Pulumi's host).
	typescript bool
	// The tsconfig.json the SDK's ts-node reads, relative to the program.
	tsconfig string
	// Extra arguments for node, before the runner.
	nodeArgs []string
}

// parseOptions reads `typescript`, `tsconfig` and `nodeargs`. `packagemanager` and `production`
// only matter when installing dependencies, which this host leaves to npm ci: they are accepted
// and ignored, like any option it does not know.
func parseOptions(options map[string]any) (nodeOptions, error) {
	opts := nodeOptions{typescript: true}
	if v, ok := options["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, fmt.Errorf("runtime option typescript must be true or false, got %v", v)
		}
		opts.typescript = b
	}
	if v, ok := options["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, fmt.Errorf("runtime option tsconfig must be a path, got %v", v)
		}
		opts.tsconfig = s
	}
	if v, ok := options["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, fmt.Errorf("runtime option nodeargs must be a string, got %v", v)
		}
		args, err := shlex.Split(s)
		if err != nil {
			return opts, fmt.Errorf("runtime option nodeargs %q: %w", s, err)
		}
		opts.nodeArgs = args
	}
	return opts, nil
}

// env is what the SDK's runner reads for these options (@pulumi/pulumi/cmd/run).
func (o nodeOptions) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}
