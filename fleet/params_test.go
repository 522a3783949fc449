package fleet

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustParams(t *testing.T, template map[string]any, rows []map[string]any, name string, n int) *Params {
	t.Helper()
	var names []string
	for i := range rows {
		names = append(names, "rows.csv:"+string(rune('2'+i)))
	}
	p, err := NewParams(template, rows, names, name, n)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTemplateExpandsPlaceholdersPerAgent(t *testing.T) {
	template := map[string]any{
		"topic":  "sensors/{{deviceid}}/{{index}}",
		"idx":    "{{index}}",
		"label":  "agent {{index}}",
		"fixed":  "no placeholders",
		"num":    int64(7),
		"nested": map[string]any{"a": []any{"x{{index}}", int64(1), "{{deviceid}}"}, "b": "same"},
		"list":   []any{"plain", true},
	}
	p := mustParams(t, template, nil, "plant", 3)
	got, id := p.For(2)
	if want := DeviceID("plant", 2); id != want || got["deviceid"] != want {
		t.Fatalf("device id %q / %v, want %q", id, got["deviceid"], want)
	}
	want := map[string]any{
		"deviceid": id,
		"topic":    "sensors/" + id + "/2",
		"idx":      int64(2),
		"label":    "agent 2",
		"fixed":    "no placeholders",
		"num":      int64(7),
		"nested":   map[string]any{"a": []any{"x2", int64(1), id}, "b": "same"},
		"list":     []any{"plain", true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("agent 2:\n got %#v\nwant %#v", got, want)
	}
	// The template itself is untouched, and values without placeholders
	// are shared rather than copied.
	if template["topic"] != "sensors/{{deviceid}}/{{index}}" || template["nested"].(map[string]any)["a"].([]any)[0] != "x{{index}}" {
		t.Errorf("template changed: %#v", template)
	}
	if reflect.ValueOf(got["list"]).Pointer() != reflect.ValueOf(template["list"]).Pointer() {
		t.Error("an unchanged list was copied")
	}
	other, _ := p.For(0)
	if other["topic"] != "sensors/"+DeviceID("plant", 0)+"/0" || other["idx"] != int64(0) {
		t.Errorf("agent 0: %#v", other)
	}
}

func TestDefaultDeviceIDsAreStableAndUniquePerName(t *testing.T) {
	if got := DeviceID("plant", 17); got != DeviceID("plant", 17) || len(got) != 16 || !strings.HasSuffix(got, "00000011") {
		t.Errorf("DeviceID(plant, 17) = %q", got)
	}
	if DeviceID("plant", 1) == DeviceID("depot", 1) {
		t.Error("two fleet names give the same device id")
	}
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := DeviceID("plant", i)
		if seen[id] {
			t.Fatalf("duplicate %q at %d", id, i)
		}
		seen[id] = true
	}
}

func TestDeviceIDFromTemplateAndRows(t *testing.T) {
	p := mustParams(t, map[string]any{"deviceid": "dev-{{index}}", "site": "a"}, nil, "x", 3)
	if got, id := p.For(1); id != "dev-1" || got["deviceid"] != "dev-1" {
		t.Errorf("template deviceid: %q %v", id, got)
	}
	rows := []map[string]any{{"deviceid": "aa", "site": "b"}, {"site": "c"}}
	p = mustParams(t, map[string]any{"deviceid": "t{{index}}", "site": "a", "topic": "{{deviceid}}/{{index}}"}, rows, "x", 2)
	got0, id0 := p.For(0)
	got1, id1 := p.For(1)
	if id0 != "aa" || got0["site"] != "b" || got0["topic"] != "aa/0" {
		t.Errorf("row 0: %q %#v", id0, got0)
	}
	if id1 != "t1" || got1["site"] != "c" || got1["topic"] != "t1/1" {
		t.Errorf("row 1: %q %#v", id1, got1)
	}
}

func TestParamsErrorsNameTheFieldRowOrAgents(t *testing.T) {
	for _, c := range []struct {
		name     string
		template map[string]any
		rows     []map[string]any
		n        int
		want     string
	}{
		{"unknown placeholder", map[string]any{"a": map[string]any{"b": []any{"ok", "x{{idx}}"}}}, nil, 2,
			`configparams: a.b[1]: unknown placeholder {{idx}} in "x{{idx}}" (use {{index}} or {{deviceid}})`},
		{"unknown placeholder in a row", map[string]any{}, []map[string]any{{"a": "1"}, {"a": "{{ index }}"}}, 2,
			`rows.csv:3: a: unknown placeholder {{ index }}`},
		{"duplicate device ids", map[string]any{"deviceid": "same"}, nil, 2,
			`agents 0 and 1 would both have device id "same"`},
		{"duplicate from rows", map[string]any{"deviceid": "d{{index}}"}, []map[string]any{{}, {"deviceid": "d0"}}, 2,
			`agents 0 and 1 would both have device id "d0"`},
		{"deviceid not a string", map[string]any{"deviceid": int64(5)}, nil, 1, `configparams: deviceid must be a string, got 5`},
		{"deviceid of itself", map[string]any{}, []map[string]any{{"deviceid": "{{deviceid}}x"}}, 1,
			`rows.csv:2: deviceid "{{deviceid}}x" cannot contain {{deviceid}}`},
		{"too few rows", map[string]any{}, []map[string]any{{}}, 2, `2 agents but the parameters file has 1 rows`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var names []string
			for i := range c.rows {
				names = append(names, "rows.csv:"+string(rune('2'+i)))
			}
			_, err := NewParams(c.template, c.rows, names, "x", c.n)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestDuplicateDeviceIDsAreFoundAcrossShards(t *testing.T) {
	// Uniqueness is checked over the whole fleet, whichever shard runs.
	rows := make([]map[string]any, 10)
	for i := range rows {
		rows[i] = map[string]any{}
	}
	rows[9]["deviceid"] = DeviceID("x", 0)
	_, err := NewParams(map[string]any{}, rows, make([]string, 10), "x", 10)
	if err == nil || !strings.Contains(err.Error(), "agents 0 and 9") {
		t.Errorf("error %v", err)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadRowsCSV(t *testing.T) {
	p := writeFile(t, "agents.csv", "\ufeffdeviceid, topic ,qos\n"+
		"d0,a/b,1\n"+
		"\"d,1\",\"multi\nline\",0\n")
	rows, names, err := LoadRows(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"deviceid": "d0", "topic": "a/b", "qos": "1"},
		{"deviceid": "d,1", "topic": "multi\nline", "qos": "0"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %#v", rows)
	}
	if !reflect.DeepEqual(names, []string{p + ":2", p + ":3"}) {
		t.Errorf("names %v", names)
	}
}

func TestLoadRowsYAML(t *testing.T) {
	p := writeFile(t, "agents.yml", "- {deviceid: d0, qos: 1}\n- {site: [a, b]}\n")
	rows, names, err := LoadRows(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, []map[string]any{{"deviceid": "d0", "qos": int64(1)}, {"site": []any{"a", "b"}}}) {
		t.Errorf("rows %#v", rows)
	}
	if !reflect.DeepEqual(names, []string{p + " [0]", p + " [1]"}) {
		t.Errorf("names %v", names)
	}
}

func TestLoadRowsErrorsNameFileAndLine(t *testing.T) {
	for _, c := range []struct{ name, file, content, want string }{
		{"extension", "agents.txt", "a\n1\n", ": a parameters file must end in .csv, .yaml or .yml"},
		{"empty", "agents.csv", "", ": empty; the first row must name the keys"},
		{"field count", "agents.csv", "a,b\n1,2\n3\n", ":3: a row must have one value per key of the header row"},
		{"unnamed column", "agents.csv", "a,,c\n1,2,3\n", ":1: column 2 has no name in the header row"},
		{"repeated key", "agents.csv", "a,b,a\n1,2,3\n", `:1: column 3 repeats the key "a" of column 1`},
		{"bad quote", "agents.csv", "a\n\"x\"y\n", `:2:`},
		{"yaml", "agents.yaml", "a: 1\n", ":1:1: the file must be a list of mappings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.file, c.content)
			_, _, err := LoadRows(p)
			if err == nil || !strings.HasPrefix(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q after the path", err, c.want)
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "none.csv")
	if _, _, err := LoadRows(missing); err == nil || err.Error() != missing+": parameters file not found" {
		t.Errorf("missing file: %v", err)
	}
}
