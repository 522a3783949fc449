package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/fleet"
	"gopkg.in/yaml.v3"
)

// k8sManifest is the Kubernetes example of the README.
const k8sManifest = "../../examples/fleet/kubernetes.yaml"

// k8sDoc is what the tests read of the manifest's documents.
type k8sDoc struct {
	Kind string
	Data map[string]string // ConfigMap
	Spec struct {          // Job
		CompletionMode string `yaml:"completionMode"`
		Completions    int
		Parallelism    int
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Args         []string
					VolumeMounts []struct {
						Name      string
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				}
				Volumes []struct {
					Name      string
					ConfigMap *struct{ Name string } `yaml:"configMap"`
				}
			}
		}
	}
}

func readK8sManifest(t *testing.T) (cm, job *k8sDoc) {
	t.Helper()
	f, err := os.Open(k8sManifest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	for {
		var d k8sDoc
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("%s does not parse as YAML: %v", k8sManifest, err)
		}
		switch d.Kind {
		case "ConfigMap":
			cm = &d
		case "Job":
			job = &d
		default:
			t.Fatalf("unexpected document of kind %q", d.Kind)
		}
	}
	if cm == nil || job == nil {
		t.Fatal("the manifest needs a ConfigMap and a Job")
	}
	return cm, job
}

// TestKubernetesExampleRunsOneShardPerIndex: the manifest is an Indexed
// Job with one pod per shard, whose arguments are a valid fleet command
// line for every completion index, naming that index's shard, and whose
// ConfigMap holds the example's script and config unchanged.
func TestKubernetesExampleRunsOneShardPerIndex(t *testing.T) {
	t.Parallel()
	cm, job := readK8sManifest(t)
	for name, data := range cm.Data {
		want, err := os.ReadFile(filepath.Join("../../examples/fleet", name))
		if err != nil || string(want) != data {
			t.Errorf("the ConfigMap's %s differs from examples/fleet/%s (%v)", name, name, err)
		}
	}
	if len(cm.Data) != 2 {
		t.Errorf("ConfigMap files: %d", len(cm.Data))
	}
	js := job.Spec
	n := js.Completions
	if js.CompletionMode != "Indexed" || n < 2 || js.Parallelism != n || js.Template.Spec.RestartPolicy != "Never" ||
		len(js.Template.Spec.Containers) != 1 {
		t.Fatalf("job spec %+v", js)
	}
	c := js.Template.Spec.Containers[0]
	mounted := false
	for _, v := range js.Template.Spec.Volumes {
		for _, m := range c.VolumeMounts {
			if v.ConfigMap != nil && v.ConfigMap.Name == "agenthost-fleet" && m.Name == v.Name && m.MountPath == "/etc/agenthost" {
				mounted = true
			}
		}
	}
	if !mounted {
		t.Error("the ConfigMap is not mounted at /etc/agenthost")
	}
	if len(c.Args) == 0 || c.Args[0] != "fleet" {
		t.Fatalf("args %q", c.Args)
	}
	shardArg := fmt.Sprintf("--shard=$(JOB_COMPLETION_INDEX)/%d", n)
	if !strings.Contains(strings.Join(c.Args, " "), shardArg) {
		t.Fatalf("args %q lack %s", c.Args, shardArg)
	}
	for i := 0; i < n; i++ {
		cli := newCLI(t)
		for name, data := range cm.Data {
			cli.write("etc/agenthost/"+name, data)
		}
		args := k8sArgs(c.Args, i, cli.dir)
		a, _, help, err := parseFleetArgs(cli.state(args), args[1:])
		if err != nil || help {
			t.Fatalf("index %d: %q: %v", i, args, err)
		}
		if a.shard != (fleet.Shard{Index: i, Count: n}) || a.agents%n != 0 {
			t.Errorf("index %d: shard %v of %d agents", i, a.shard, a.agents)
		}
	}
}

// k8sArgs is the container's arguments for completion index i, as
// Kubernetes expands them, with the pod's absolute paths moved under dir.
func k8sArgs(args []string, i int, dir string) []string {
	out := make([]string, len(args))
	for j, a := range args {
		a = strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", fmt.Sprint(i))
		a = strings.ReplaceAll(a, "/etc/agenthost/", dir+"/etc/agenthost/")
		a = strings.ReplaceAll(a, "/var/lib/agenthost", dir+"/var/lib/agenthost")
		out[j] = a
	}
	return out
}

// TestKubernetesExampleShardRuns runs one pod's command line, made small:
// fewer agents, a local broker, one second.
func TestKubernetesExampleShardRuns(t *testing.T) {
	t.Parallel()
	cm, job := readK8sManifest(t)
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	n := job.Spec.Completions
	cli := newCLI(t)
	for name, data := range cm.Data {
		cli.write("etc/agenthost/"+name, data)
	}
	args := k8sArgs(job.Spec.Template.Spec.Containers[0].Args, 1, cli.dir)
	for j, a := range args {
		switch {
		case strings.HasPrefix(a, "--agents="):
			args[j] = fmt.Sprintf("--agents=%d", 2*n) // shard 1 runs agents 1 and 1+n
		case strings.HasPrefix(a, "--broker="):
			args[j] = "--broker=tcp://" + b.Addr()
		case strings.HasPrefix(a, "--for="):
			args[j] = "--for=1s"
		case strings.HasPrefix(a, "--ramp="):
			args[j] = "--ramp=off"
		}
	}
	code := cli.run(args...)
	cli.expect(code, exitcode.OK, []string{
		fmt.Sprintf("[Fleet] fleet \"plant\": 2 agents of %s/etc/agenthost/fleet.js (shard 1/%d of a fleet of %d), ramp off, broker tcp://%s\n", cli.dir, n, 2*n, b.Addr()),
		"[Fleet] all 2 agents connected, ",
		"[Fleet] 2 agents: 2 started, 2 connected, 2 connects, 0 lost",
	}, nil)
	if strings.Contains(cli.stdout.String(), "[Agent") {
		t.Errorf("--log=off printed agent lines:\n%s", cli.stdout.String())
	}
}
