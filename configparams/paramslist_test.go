package configparams

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeParams(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "agents.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadParamsListConvertsEachEntry(t *testing.T) {
	p := writeParams(t, `
- &base {deviceid: "30000c2a690cd0e8", topic: sensors/a, qos: 1}
- deviceid: "30000c2a690cd0e9"
  limits: [1, 2.5, true, null]
  nested: *base
`)
	got, err := LoadParamsList(p)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]any{"deviceid": "30000c2a690cd0e8", "topic": "sensors/a", "qos": int64(1)}
	want := []map[string]any{
		base,
		{"deviceid": "30000c2a690cd0e9", "limits": []any{int64(1), 2.5, true, nil}, "nested": base},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}

func TestLoadParamsListEmptyFileIsAnEmptyList(t *testing.T) {
	got, err := LoadParamsList(writeParams(t, "# nothing yet\n"))
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want an empty list", got, err)
	}
}

func TestLoadParamsListErrorsNameFileLineAndEntry(t *testing.T) {
	for _, c := range []struct{ name, content, want string }{
		{"a mapping", "deviceid: x\n", ":1:1: the file must be a list of mappings"},
		{"entry not a mapping", "- {a: 1}\n- just text\n", ":2:3: [1]: expected a mapping (one agent's configparams), got the string \"just text\""},
		{"numeric device id", "- {a: 1}\n- {deviceid: 1234}\n", `:2:14: [1].deviceid: 1234 is read as a number, but device ids are strings; quote it: deviceid: "1234"`},
		{"duplicate key", "- {a: 1, a: 2}\n", `:1:10: [0]: duplicate key "a" (first on line 1)`},
		{"syntax", "- {a: 1\n", ": invalid YAML"},
		{"two documents", "- {a: 1}\n---\n- {b: 2}\n", "single YAML document"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeParams(t, c.content)
			_, err := LoadParamsList(p)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to start with the file and contain %q", err, c.want)
			}
		})
	}
}

func TestLoadParamsListMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := LoadParamsList(p)
	if err == nil || err.Error() != p+": parameters file not found" {
		t.Errorf("error %v", err)
	}
}
